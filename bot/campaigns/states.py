"""Per-repository state of a campaign, folded from events that may repeat or arrive late.

GitHub delivers webhooks at least once and in no particular order, so a target
keeps one fact per concern (the PR's lifecycle, each reviewer's latest verdict,
each check suite's latest conclusion, when the base last moved, ...) together
with the time it was observed. An event older than the fact it would replace
is ignored and re-applying an event changes nothing, which makes ``apply``
idempotent and order-insensitive; the displayed ``state`` is derived from the
facts. A merged PR is final: no later event undoes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.campaigns.events import (
    BaseMoved,
    CheckSuiteCompleted,
    Event,
    Excluded,
    Failed,
    Included,
    Nudged,
    Planned,
    PrClosed,
    PrOpened,
    PrReopened,
    Pushed,
    Retried,
    ReviewRequested,
    ReviewSubmitted,
    Verdict,
)


class RepoState(StrEnum):
    PENDING = "pending"
    NO_CHANGES = "no_changes"
    PR_OPEN = "pr_open"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    CHECKS_FAILING = "checks_failing"
    OUT_OF_DATE = "out_of_date"
    MERGED = "merged"
    CLOSED = "closed"
    EXCLUDED = "excluded"
    FAILED = "failed"


# States after which the repository needs nothing more from the campaign.
SETTLED = frozenset({RepoState.MERGED, RepoState.CLOSED, RepoState.EXCLUDED, RepoState.NO_CHANGES})
# States of an open pull request.
OPEN = frozenset(
    {
        RepoState.PR_OPEN,
        RepoState.CHANGES_REQUESTED,
        RepoState.APPROVED,
        RepoState.CHECKS_FAILING,
        RepoState.OUT_OF_DATE,
    }
)


class PrStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    MERGED = "merged"


# Check suite conclusions that block a merge; others (success, neutral, skipped,
# cancelled, stale) do not count as failing.
FAILING_CONCLUSIONS = frozenset({"failure", "timed_out", "action_required", "startup_failure"})
PENDING_CONCLUSIONS = frozenset({"", "pending", "queued", "in_progress", "waiting", "requested"})
"""A check run not finished yet (GitHub reports no conclusion until it completes)."""


@dataclass(frozen=True)
class Review:
    pr_number: int
    reviewer: str
    verdict: Verdict
    at: datetime


@dataclass(frozen=True)
class CheckResult:
    app: str
    head_sha: str
    conclusion: str
    at: datetime


@dataclass(frozen=True)
class Push:
    sha: str
    at: datetime
    by_human: bool


@dataclass(frozen=True)
class Target:
    """Everything known about one repository in a campaign, as facts with their times."""

    repo: str
    has_changes: bool | None = None
    planned_at: datetime | None = None
    pr_number: int | None = None
    pr_url: str | None = None
    opened_at: datetime | None = None  # of the PR ``pr_number`` names
    pr_status: PrStatus | None = None
    pr_at: datetime | None = None
    pushes: tuple[Push, ...] = ()  # in time order
    base_moved_at: datetime | None = None
    reviews: tuple[Review, ...] = ()  # each reviewer's latest verdict on each PR
    reviewers: tuple[str, ...] = ()
    checks: tuple[CheckResult, ...] = ()  # each app's latest result per commit
    excluded: bool = False
    exclusion_reason: str | None = None
    excluded_at: datetime | None = None
    failure: str | None = None
    failed_at: datetime | None = None
    recovered_at: datetime | None = None  # latest success after which a failure is over
    last_activity: datetime | None = None
    nudged_prs: tuple[int, ...] = ()

    @property
    def state(self) -> RepoState:
        if self.pr_status is PrStatus.MERGED:
            return RepoState.MERGED
        if self.excluded:
            return RepoState.EXCLUDED
        if self.pr_status is PrStatus.CLOSED:
            return RepoState.CLOSED
        if self.failing:
            return RepoState.FAILED
        if self.pr_status is PrStatus.OPEN:
            return self._open_state()
        if self.has_changes is False:
            return RepoState.NO_CHANGES
        return RepoState.PENDING

    @property
    def reason(self) -> str | None:
        """Why the repository is failed or excluded, when someone said."""
        state = self.state
        if state is RepoState.FAILED:
            return self.failure
        if state is RepoState.EXCLUDED:
            return self.exclusion_reason
        return None

    @property
    def failing(self) -> bool:
        return self.failed_at is not None and (
            self.recovered_at is None or self.failed_at >= self.recovered_at
        )

    @property
    def head_sha(self) -> str | None:
        return self.pushes[-1].sha if self.pushes else None

    @property
    def rebased_at(self) -> datetime | None:
        """When Godwit last wrote the branch on a fresh base."""
        return max((p.at for p in self.pushes if not p.by_human), default=None)

    @property
    def human_commits(self) -> tuple[str, ...]:
        """Heads people pushed since Godwit last wrote the branch; a rerun would drop them."""
        since = self.rebased_at
        return tuple(p.sha for p in self.pushes if p.by_human and (since is None or p.at > since))

    @property
    def checks_failing(self) -> bool:
        head = self.head_sha
        return any(c.head_sha == head and c.conclusion in FAILING_CONCLUSIONS for c in self.checks)

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """The latest verdict of each reviewer on the current PR."""
        return tuple(r.verdict for r in self.reviews if r.pr_number == self.pr_number)

    @property
    def changes_requested(self) -> bool:
        return Verdict.CHANGES_REQUESTED in self.verdicts

    @property
    def approved(self) -> bool:
        return Verdict.APPROVED in self.verdicts

    @property
    def out_of_date(self) -> bool:
        rebased = self.rebased_at
        return self.base_moved_at is not None and (rebased is None or self.base_moved_at > rebased)

    def _open_state(self) -> RepoState:
        if self.changes_requested:
            return RepoState.CHANGES_REQUESTED
        if self.checks_failing:
            return RepoState.CHECKS_FAILING
        if self.out_of_date:
            return RepoState.OUT_OF_DATE
        if self.approved:
            return RepoState.APPROVED
        return RepoState.PR_OPEN


def _newer(at: datetime, than: datetime | None) -> bool:
    """Whether a fact observed at ``at`` may replace one observed at ``than`` (equal: a repeat)."""
    return than is None or at >= than


def _latest(current: datetime | None, at: datetime) -> datetime:
    return at if current is None or at > current else current


# Events that are not people working on the PR, so they do not count as activity.
_NOT_ACTIVITY = (Planned, Excluded, Included, Failed, Nudged, BaseMoved)


def apply(target: Target, event: Event) -> Target:
    """The target after ``event``; applying the same event again returns an equal target."""
    updated = _apply(target, event)
    if isinstance(event, _NOT_ACTIVITY):
        return updated
    return replace(updated, last_activity=_latest(updated.last_activity, event.at))


def apply_all(target: Target, events: Iterable[Event]) -> Target:
    for event in events:
        target = apply(target, event)
    return target


def _apply(target: Target, event: Event) -> Target:
    match event:
        case Planned(at, has_changes):
            recovered = replace(target, recovered_at=_latest(target.recovered_at, at))
            if not _newer(at, target.planned_at):
                return recovered
            return replace(recovered, has_changes=has_changes, planned_at=at)
        case PrOpened(at, number, url, head_sha):
            opened = _pushed(target, Push(head_sha, at, by_human=False))
            opened = replace(opened, recovered_at=_latest(target.recovered_at, at))
            if _newer(at, target.opened_at):
                opened = replace(opened, pr_number=number, pr_url=url, opened_at=at)
            return _lifecycle(opened, at, PrStatus.OPEN)
        case PrClosed(at, merged):
            return _lifecycle(target, at, PrStatus.MERGED if merged else PrStatus.CLOSED)
        case PrReopened(at):
            return _lifecycle(target, at, PrStatus.OPEN)
        case Pushed(at, head_sha, by_human):
            return _pushed(target, Push(head_sha, at, by_human))
        case ReviewSubmitted(at, pr_number, reviewer, verdict):
            return _reviewed(target, Review(pr_number, reviewer.lower(), verdict, at))
        case ReviewRequested(_, reviewer):
            reviewers = tuple(sorted({*target.reviewers, reviewer}, key=str.lower))
            return replace(target, reviewers=reviewers)
        case CheckSuiteCompleted(at, app, head_sha, conclusion):
            return _checked(target, CheckResult(app, head_sha, conclusion, at))
        case BaseMoved(at):
            return replace(target, base_moved_at=_latest(target.base_moved_at, at))
        case Excluded(at, reason):
            if not _newer(at, target.excluded_at):
                return target
            return replace(target, excluded=True, exclusion_reason=reason, excluded_at=at)
        case Included(at):
            if not _newer(at, target.excluded_at):
                return target
            return replace(target, excluded=False, exclusion_reason=None, excluded_at=at)
        case Failed(at, reason):
            if not _newer(at, target.failed_at):
                return target
            return replace(target, failure=reason, failed_at=at)
        case Retried(at):
            return replace(target, recovered_at=_latest(target.recovered_at, at))
        case Nudged(_, pr_number):
            return replace(target, nudged_prs=tuple(sorted({*target.nudged_prs, pr_number})))


def _lifecycle(target: Target, at: datetime, status: PrStatus) -> Target:
    """The PR's open/closed/merged status: the latest event wins, and merged is final."""
    if target.pr_status is PrStatus.MERGED:
        return target
    if status is not PrStatus.MERGED and not _newer(at, target.pr_at):
        return target
    return replace(target, pr_status=status, pr_at=_latest(target.pr_at, at))


def _pushed(target: Target, push: Push) -> Target:
    if push in target.pushes:
        return target
    return replace(target, pushes=tuple(sorted((*target.pushes, push), key=lambda p: p.at)))


def _reviewed(target: Target, review: Review) -> Target:
    if review.verdict is Verdict.COMMENTED:
        return target  # a comment review does not change a reviewer's verdict
    key = (review.pr_number, review.reviewer)
    previous = next((r for r in target.reviews if (r.pr_number, r.reviewer) == key), None)
    if previous is not None and not _newer(review.at, previous.at):
        return target
    # A dismissal is kept as the reviewer's latest verdict so an older review arriving
    # late cannot bring the dismissed verdict back.
    others = tuple(r for r in target.reviews if (r.pr_number, r.reviewer) != key)
    ordered = sorted((*others, review), key=lambda r: (r.pr_number, r.reviewer))
    return replace(target, reviews=tuple(ordered))


def _checked(target: Target, result: CheckResult) -> Target:
    key = (result.app, result.head_sha)
    previous = next((c for c in target.checks if (c.app, c.head_sha) == key), None)
    if previous is not None and not _newer(result.at, previous.at):
        return target
    others = tuple(c for c in target.checks if (c.app, c.head_sha) != key)
    ordered = sorted((*others, result), key=lambda c: (c.at, c.app, c.head_sha))
    return replace(target, checks=tuple(ordered))


def campaign_done(targets: Iterable[Target]) -> bool:
    """Every repository is merged, closed, excluded or had nothing to change."""
    return all(target.state in SETTLED for target in targets)
