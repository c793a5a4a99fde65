"""Token counts and prompt caching computed from the request itself, as the real API does.

A request is read as its prefix order (tools, then system, then message blocks).
Tokens are estimated at four characters each, the approximation of
``bot.agent.caching`` that ``count_tokens`` answers with too. A ``cache_control``
breakpoint writes the prefix up to it when it is at least the request model's
minimum cacheable length (the same table the agent's estimate reads); a later
request reads the longest prefix, ending at or before its last breakpoint, that
an earlier breakpoint wrote and whose entry has not expired. So tests and the
benchmark measure caching from the bytes the agent actually sends.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.agent.caching import approx_tokens, min_cacheable_tokens, prompt_segments

__all__ = ["MAX_BREAKPOINTS", "PromptCache", "PromptTokens", "approx_tokens", "breakpoints"]

MAX_BREAKPOINTS = 4
_TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}


@dataclass(frozen=True)
class PromptTokens:
    input_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


def breakpoints(body: dict[str, Any]) -> int:
    return sum(ttl is not None for _, ttl in prompt_segments(body))


@dataclass
class PromptCache:
    """Prefix hashes written by earlier requests, with their expiry times."""

    min_tokens: int | None = None
    """A fixed minimum for every model; None reads each request's model in the shared table."""
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, float] = field(default_factory=dict)

    def account(self, body: dict[str, Any]) -> PromptTokens:
        """Split the input tokens into uncached, written and read; remember what was written."""
        digest = hashlib.sha256(str(body.get("model")).encode())
        hashes: list[str] = []
        totals: list[int] = []
        marked: list[tuple[int, str]] = []
        running = 0
        for index, (canonical, ttl) in enumerate(prompt_segments(body)):
            digest.update(canonical.encode())
            hashes.append(digest.hexdigest())
            running += approx_tokens(canonical)
            totals.append(running)
            if ttl is not None:
                marked.append((index, ttl))
        now = self.clock()
        minimum = self.min_tokens
        if minimum is None:
            minimum = min_cacheable_tokens(str(body.get("model")))
        read = 0
        if marked:
            last = marked[-1][0]
            for index in range(last, -1, -1):
                if self._entries.get(hashes[index], -1.0) > now:
                    read = totals[index]
                    break
        written = 0
        for index, ttl in marked:
            if totals[index] >= minimum:
                self._entries[hashes[index]] = now + _TTL_SECONDS.get(ttl, 300.0)
                written = max(written, totals[index] - read)
        total = running
        return PromptTokens(total - read - written, written, read)
