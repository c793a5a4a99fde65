"""What the I/O layer tells a campaign target: one value per webhook or Godwit action.

Each event carries the time GitHub (or Godwit) says it happened, not the time it
was received, because deliveries repeat and arrive out of order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Verdict(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    COMMENTED = "commented"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class Planned:
    """The engine planned the repository (again)."""

    at: datetime
    has_changes: bool


@dataclass(frozen=True)
class PrOpened:
    """Godwit opened the PR; its first commit counts as a push by Godwit."""

    at: datetime
    number: int
    url: str
    head_sha: str


@dataclass(frozen=True)
class PrClosed:
    at: datetime
    merged: bool


@dataclass(frozen=True)
class PrReopened:
    at: datetime


@dataclass(frozen=True)
class Pushed:
    """``synchronize``: new commits on the PR branch, by Godwit or by a person."""

    at: datetime
    head_sha: str
    by_human: bool


@dataclass(frozen=True)
class ReviewSubmitted:
    """A review on PR ``pr_number``; a later PR for the same repository starts unreviewed."""

    at: datetime
    pr_number: int
    reviewer: str
    verdict: Verdict


@dataclass(frozen=True)
class ReviewRequested:
    at: datetime
    reviewer: str  # a login or ``org/team``


@dataclass(frozen=True)
class CheckSuiteCompleted:
    at: datetime
    app: str  # one latest conclusion is kept per app (GitHub Actions, CircleCI, ...)
    head_sha: str
    conclusion: str


@dataclass(frozen=True)
class BaseMoved:
    """A push to the default branch: an open PR no longer has the newest base."""

    at: datetime


@dataclass(frozen=True)
class Excluded:
    """``/migrate exclude`` on the issue or ``/migrate skip`` on the PR."""

    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class Included:
    at: datetime


@dataclass(frozen=True)
class Failed:
    """Godwit could not do its part (the repository could not be read, a push was refused)."""

    at: datetime
    reason: str


@dataclass(frozen=True)
class Retried:
    """``/migrate retry-failed``: an earlier failure is over, the work is queued again."""

    at: datetime


@dataclass(frozen=True)
class Nudged:
    """A reminder was posted on the PR; it is not activity by people."""

    at: datetime
    pr_number: int


Event = (
    Planned
    | PrOpened
    | PrClosed
    | PrReopened
    | Pushed
    | ReviewSubmitted
    | ReviewRequested
    | CheckSuiteCompleted
    | BaseMoved
    | Excluded
    | Included
    | Failed
    | Retried
    | Nudged
)
