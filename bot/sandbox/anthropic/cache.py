"""Token counts and prompt caching computed from the request itself, as the real API does.

A request is read as its prefix order (tools, then system, then message blocks).
Tokens are estimated at four characters each. A ``cache_control`` breakpoint
writes the prefix up to it (when it is long enough to be cached); a later
request reads the longest prefix, ending at or before its last breakpoint, that
an earlier breakpoint wrote and whose entry has not expired. So tests and the
benchmark measure caching from the bytes the agent actually sends.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_BREAKPOINTS = 4
_TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}


def approx_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _without_cache_control(block: Any) -> Any:
    if isinstance(block, dict):
        return {key: value for key, value in block.items() if key != "cache_control"}
    return block


def _segments(body: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Each prefix block as canonical text, with its breakpoint TTL (None if not a breakpoint)."""

    def one(kind: str, block: Any) -> tuple[str, str | None]:
        marker = block.get("cache_control") if isinstance(block, dict) else None
        ttl = marker.get("ttl", "5m") if isinstance(marker, dict) else None
        canonical = json.dumps([kind, _without_cache_control(block)], sort_keys=True)
        return canonical, ttl

    for tool in body.get("tools") or []:
        yield one("tool", tool)
    system = body.get("system") or []
    for block in [{"type": "text", "text": system}] if isinstance(system, str) else system:
        yield one("system", block)
    for message in body.get("messages") or []:
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks or []:
            yield one(str(message.get("role")), block)


@dataclass(frozen=True)
class PromptTokens:
    input_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


def breakpoints(body: dict[str, Any]) -> int:
    return sum(ttl is not None for _, ttl in _segments(body))


@dataclass
class PromptCache:
    """Prefix hashes written by earlier requests, with their expiry times."""

    min_tokens: int = 1024
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, float] = field(default_factory=dict)

    def account(self, body: dict[str, Any]) -> PromptTokens:
        """Split the input tokens into uncached, written and read; remember what was written."""
        digest = hashlib.sha256(str(body.get("model")).encode())
        hashes: list[str] = []
        totals: list[int] = []
        marked: list[tuple[int, str]] = []
        running = 0
        for index, (canonical, ttl) in enumerate(_segments(body)):
            digest.update(canonical.encode())
            hashes.append(digest.hexdigest())
            running += approx_tokens(canonical)
            totals.append(running)
            if ttl is not None:
                marked.append((index, ttl))
        now = self.clock()
        read = 0
        if marked:
            last = marked[-1][0]
            for index in range(last, -1, -1):
                if self._entries.get(hashes[index], -1.0) > now:
                    read = totals[index]
                    break
        written = 0
        for index, ttl in marked:
            if totals[index] >= self.min_tokens:
                self._entries[hashes[index]] = now + _TTL_SECONDS.get(ttl, 300.0)
                written = max(written, totals[index] - read)
        total = running
        return PromptTokens(total - read - written, written, read)
