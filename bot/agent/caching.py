"""How long a prompt prefix must be before the API caches it, per model, in one table.

Read by the estimate (``bot.agent.estimate``), by ``godwit plan --json`` (which says
whether the stable prefix is long enough to be shared between tasks) and by the fake
Messages API's cache simulation, so none of them keeps its own idea of the minimum.

The figures are Anthropic's prompt-caching documentation ("minimum cacheable prompt
length"): a breakpoint whose prefix is shorter is accepted and silently not cached.
A model missing from the table is assumed to need the largest minimum listed, so an
estimate never counts on a cache hit the API may not give; ``known_minimum`` tells
callers when that assumption was made.

The token approximation (four characters of a block's JSON per token) is what the
fake API counts and what the estimate falls back on without the token-counting
endpoint; real tokenizers differ, so figures from it are labelled estimated.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

MIN_CACHEABLE_TOKENS: dict[str, int] = {
    "claude-opus-4-6": 4096,
    "claude-opus-4-5": 4096,
    "claude-haiku-4-5": 4096,
    "claude-sonnet-4-6": 1024,
    "claude-sonnet-4-5": 1024,
    "claude-opus-4-1": 1024,
    "claude-opus-4": 1024,
    "claude-sonnet-4": 1024,
    "claude-3-7-sonnet": 1024,
    "claude-3-5-haiku": 2048,
    "claude-3-haiku": 2048,
}
UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS = max(MIN_CACHEABLE_TOKENS.values())
_DATED = re.compile(r"^(?P<alias>.+?)-\d{8}$")


def _alias(model: str) -> str:
    """``claude-haiku-4-5-20251001`` is looked up as ``claude-haiku-4-5``."""
    dated = _DATED.match(model.strip())
    return dated.group("alias") if dated else model.strip()


def known_minimum(model: str) -> bool:
    return _alias(model) in MIN_CACHEABLE_TOKENS


def min_cacheable_tokens(model: str) -> int:
    """The shortest prefix, in tokens, that ``model`` caches (the largest known if unlisted)."""
    return MIN_CACHEABLE_TOKENS.get(_alias(model), UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS)


def approx_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _without_cache_control(block: Any) -> Any:
    if isinstance(block, dict):
        return {key: value for key, value in block.items() if key != "cache_control"}
    return block


def prompt_segments(body: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Each block of a request in prefix order (tools, system, messages) as canonical text,
    with its breakpoint TTL (None when the block carries no ``cache_control``).

    Canonical text leaves the marker out, so moving a breakpoint does not change
    what a prefix is, as with the real cache.
    """

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
        content = message.get("content") if isinstance(message, dict) else None
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        role = message.get("role") if isinstance(message, dict) else None
        for block in blocks or []:
            yield one(str(role), block)


def approx_prompt_tokens(body: dict[str, Any]) -> int:
    """A request's input tokens by the approximation, as the fake API counts them."""
    return sum(approx_tokens(canonical) for canonical, _ in prompt_segments(body))
