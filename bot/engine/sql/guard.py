"""The one way a rewrite rule says "a person must decide this statement"."""

from __future__ import annotations


class Guarded(Exception):  # noqa: N818 - a verdict, not an error
    """Raised by a rule: the statement stays untouched and gets a guardrail with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
