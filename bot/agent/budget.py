"""Turn, token and rate limits: pure decisions the runner and the caller apply.

They are code, not prompt text, so a model that ignores its instructions
still stops where the settings say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)


@dataclass
class TaskBudget:
    """What one task has left; the runner asks before every request."""

    max_turns: int
    max_output_tokens: int
    turns: int = 0
    output_tokens: int = 0

    def spend(self, output_tokens: int) -> None:
        self.turns += 1
        self.output_tokens += output_tokens

    def exhausted(self) -> str | None:
        """The stop reason once a limit is reached, else None."""
        if self.turns >= self.max_turns:
            return "max_turns"
        if self.output_tokens >= self.max_output_tokens:
            return "max_output_tokens"
        return None

    def response_limit(self, per_response: int) -> int:
        """``max_tokens`` for the next request: never more than the task has left."""
        return max(1, min(per_response, self.max_output_tokens - self.output_tokens))


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_at: datetime | None = None  # when the oldest task in the window leaves it


def rate_limit(started: Sequence[datetime], now: datetime, per_hour: int) -> RateDecision:
    """May another task start on a pull request whose earlier tasks started at ``started``?"""
    recent = sorted(t for t in started if now - HOUR < t <= now)
    if len(recent) < per_hour:
        return RateDecision(True)
    if per_hour <= 0:
        return RateDecision(False)
    return RateDecision(False, recent[len(recent) - per_hour] + HOUR)
