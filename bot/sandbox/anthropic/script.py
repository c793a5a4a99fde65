"""Scripted conversations: what the fake model answers, turn by turn.

A script is a queue of steps. A step is a fixed :class:`Reply`, an injected
:class:`Fault`, or a callable that looks at the request (for instance the
``tool_result`` it just got) and returns either; a callable may raise
``AssertionError`` to fail the request, which the server records. When the
queue is empty the optional ``responder`` answers, which suits long scripted
campaigns where every task follows the same pattern.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_IDS = itertools.count(1)


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(name: str, **arguments: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_{next(_IDS):06d}", "name": name, "input": arguments}


@dataclass(frozen=True)
class Reply:
    """An assistant message; the stop reason follows from its blocks unless given."""

    content: tuple[dict[str, Any], ...]
    stop_reason: str | None = None
    output_tokens: int | None = None  # else estimated from the content

    @classmethod
    def of(
        cls,
        *blocks: dict[str, Any],
        stop_reason: str | None = None,
        output_tokens: int | None = None,
    ) -> Reply:
        return cls(tuple(blocks), stop_reason, output_tokens)

    @property
    def resolved_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if any(b["type"] == "tool_use" for b in self.content) else "end_turn"


_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass(frozen=True)
class Fault:
    """An error response, with the retry headers the real API sends."""

    status: int
    retry_after: str | None = None
    retry_after_ms: str | None = None
    message: str = "injected fault"

    @property
    def error_type(self) -> str:
        return _ERROR_TYPES.get(self.status, "api_error")

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["retry-after"] = self.retry_after
        if self.retry_after_ms is not None:
            headers["retry-after-ms"] = self.retry_after_ms
        return headers


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived: headers (lower-case names), parsed body, and the answer."""

    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes
    status: int = 0
    response: dict[str, Any] | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

    def last_blocks(self) -> list[dict[str, Any]]:
        """The content blocks of the last message, strings read as one text block."""
        content = self.messages[-1]["content"] if self.messages else []
        return [text(content)] if isinstance(content, str) else list(content)

    def tool_results(self) -> list[dict[str, Any]]:
        return [block for block in self.last_blocks() if block.get("type") == "tool_result"]

    def tool_result_text(self, index: int = 0) -> str:
        content = self.tool_results()[index].get("content", "")
        if isinstance(content, str):
            return content
        return "".join(block.get("text", "") for block in content)


Answer = Reply | Fault
Step = Answer | Callable[[RecordedRequest], Answer]


@dataclass
class ScriptedModel:
    """The fake model's state: its script, what it was asked and what went wrong."""

    api_key: str = "sk-ant-test-key"
    responder: Callable[[RecordedRequest], Answer] | None = None
    min_cacheable_tokens: int | None = None  # None: each model's minimum, from bot.agent.caching
    requests: list[RecordedRequest] = field(default_factory=list)
    token_counts: list[RecordedRequest] = field(default_factory=list)
    """Requests to ``/v1/messages/count_tokens``, kept apart: they use up no script step."""
    failures: list[str] = field(default_factory=list)
    _steps: deque[Step] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, steps: Iterable[Step]) -> None:
        with self._lock:
            self._steps.extend(steps)

    @property
    def pending(self) -> int:
        return len(self._steps)

    def answer(self, request: RecordedRequest) -> Answer | None:
        """The next step's answer; None (and a recorded failure) when nothing is scripted."""
        with self._lock:
            step = self._steps.popleft() if self._steps else self.responder
        if step is None:
            self.failures.append("no scripted answer left")
            return None
        if isinstance(step, (Reply, Fault)):
            return step
        try:
            return step(request)
        except AssertionError as error:
            self.failures.append(f"assertion failed: {error}")
            return None
