"""The live dashboard kept in the campaign issue's body, between hidden markers.

The body also holds the campaign YAML that people edit, so the dashboard is
appended after it and later replaced in place: every byte outside the markers
stays as the author wrote it, and error line numbers in the YAML never shift.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial

from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.links import MAX_BODY
from bot.campaigns.nudges import idle
from bot.campaigns.parity_totals import ParityTotals, campaign_totals
from bot.campaigns.residual import Readiness
from bot.campaigns.states import (
    FAILING_CONCLUSIONS,
    OPEN,
    PENDING_CONCLUSIONS,
    SETTLED,
    RepoState,
    Target,
)
from bot.rendering import render
from bot.spec import Campaign

START = "<!-- godwit:dashboard:start -->"
END = "<!-- godwit:dashboard:end -->"
# The first START that is followed by an END with no other START in between, so a
# stray marker pasted by someone never makes the replacement swallow their text.
_BLOCK = re.compile(f"{re.escape(START)}(?:(?!{re.escape(START)}).)*?{re.escape(END)}", re.DOTALL)
BAR_WIDTH = 20
RESIDUAL_SHOWN = 30
"""Residual references listed one by one; the rest are counted (the issue body is capped)."""


@dataclass(frozen=True)
class AgentUsage:
    """Tokens and cost the coding agent spent on one repository (when the agent is enabled)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    cost_usd: Decimal | None = None

    def __add__(self, other: AgentUsage) -> AgentUsage:
        cost = (
            None
            if self.cost_usd is None and other.cost_usd is None
            else (self.cost_usd or Decimal(0)) + (other.cost_usd or Decimal(0))
        )
        return AgentUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_creation_tokens + other.cache_creation_tokens,
            cost,
        )


@dataclass(frozen=True)
class TargetView:
    """One dashboard row, as the I/O layer assembles it from the store."""

    repo: str
    state: RepoState
    reason: str | None = None
    pr_number: int | None = None
    pr_url: str | None = None
    reviewers: tuple[str, ...] = ()
    last_activity: datetime | None = None
    guardrails: int = 0
    usage: AgentUsage | None = None
    residual: int = 0
    """References the default branch still makes to an old table (not waived)."""
    parity: ParityTotals | None = None
    """Parity counts of the repository's last plan; None: not recorded (shown "not checked")."""
    skipped: int = 0
    """Files naming an old table that Godwit could not read as text (not waived)."""
    checks: ChecksSummary | None = None
    """The checks on the PR's head commit; None without a PR."""

    @property
    def open_guardrails(self) -> int | None:
        """Guardrails for the PR's reviewers; None once settled: residual says what is left."""
        if self.pr_number is None or self.state in SETTLED:
            return None
        return self.guardrails

    @property
    def residual_left(self) -> int:
        """Residual worth a word in the row: a settled repository that still reads.

        While a PR is pending or open, its default branch reading the old table is
        expected; once it is settled, that is what "merged" must not hide.
        """
        return self.residual if self.state in SETTLED or self.state is RepoState.FAILED else 0


class ChecksVerdict(StrEnum):
    """What the checks on a PR's head commit say, as the dashboard's Checks column shows it."""

    FAILING = "failing"
    PASSING = "passing"
    PENDING = "pending"
    NONE = "none"


@dataclass(frozen=True)
class ChecksSummary:
    verdict: ChecksVerdict
    failing: tuple[str, ...] = ()
    """The apps whose check failed, for the row (a person looks there first)."""


def checks_of(target: Target) -> ChecksSummary | None:
    """The head commit's checks: failing names the apps; none reported is said, never "passing"."""
    head = target.head_sha
    if target.pr_number is None or head is None:
        return None
    results = [c for c in target.checks if c.head_sha == head]
    if not results:
        return ChecksSummary(ChecksVerdict.NONE)
    failing = tuple(sorted({c.app for c in results if c.conclusion in FAILING_CONCLUSIONS}))
    if failing:
        return ChecksSummary(ChecksVerdict.FAILING, failing)
    if any(c.conclusion in PENDING_CONCLUSIONS for c in results):
        return ChecksSummary(ChecksVerdict.PENDING)
    return ChecksSummary(ChecksVerdict.PASSING)


def latest_activity(views: Sequence[TargetView]) -> datetime | None:
    """The newest activity any row shows: how fresh the dashboard's facts are."""
    return max((v.last_activity for v in views if v.last_activity is not None), default=None)


def view_of(
    target: Target,
    *,
    guardrails: int = 0,
    usage: AgentUsage | None = None,
    residual: int = 0,
    parity: ParityTotals | None = None,
    skipped: int = 0,
) -> TargetView:
    return TargetView(
        repo=target.repo,
        state=target.state,
        reason=target.reason,
        pr_number=target.pr_number,
        pr_url=target.pr_url,
        reviewers=target.reviewers,
        last_activity=target.last_activity,
        guardrails=guardrails,
        usage=usage,
        residual=residual,
        parity=parity,
        skipped=skipped,
        checks=checks_of(target),
    )


class Problem(StrEnum):
    """Something a person has to do for a repository; templates word each one."""

    FAILED = "failed"
    CHANGES_REQUESTED = "changes_requested"
    CHECKS_FAILING = "checks_failing"
    OUT_OF_DATE = "out_of_date"
    GUARDRAILS = "guardrails"
    NO_REVIEWER = "no_reviewer"
    STALE = "stale"
    RESIDUAL = "residual"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Attention:
    repo: str
    pr_url: str | None
    pr_number: int | None
    problems: tuple[Problem, ...]
    reason: str | None  # why it failed
    guardrails: int
    idle_days: int | None
    residual: int = 0
    skipped: int = 0


def problems_of(view: TargetView, *, now: datetime, stale_days: int) -> tuple[Problem, ...]:
    """What a person has to do for this repository, most urgent first."""
    by_state = {
        RepoState.FAILED: Problem.FAILED,
        RepoState.CHANGES_REQUESTED: Problem.CHANGES_REQUESTED,
        RepoState.CHECKS_FAILING: Problem.CHECKS_FAILING,
        RepoState.OUT_OF_DATE: Problem.OUT_OF_DATE,
    }
    found = [by_state[view.state]] if view.state in by_state else []
    if view.state in OPEN:
        if view.guardrails:
            found.append(Problem.GUARDRAILS)
        if not view.reviewers:
            found.append(Problem.NO_REVIEWER)
        if idle(view.last_activity, now, stale_days):
            found.append(Problem.STALE)
    elif view.residual_left:
        found.append(Problem.RESIDUAL)  # settled and still reading: nothing else will move it
    if view.skipped:
        found.append(Problem.SKIPPED)  # no PR will ever touch these files: only a person can
    return tuple(found)


def needs_attention(
    views: Sequence[TargetView], *, now: datetime, stale_days: int
) -> list[Attention]:
    return [
        Attention(
            view.repo,
            view.pr_url,
            view.pr_number,
            problems,
            view.reason,
            view.guardrails,
            None if view.last_activity is None else (now - view.last_activity).days,
            view.residual,
            view.skipped,
        )
        for view in sorted(views, key=lambda v: v.repo.lower())
        if (problems := problems_of(view, now=now, stale_days=stale_days))
    ]


@dataclass(frozen=True)
class Progress:
    """How far a campaign is, counted once for the issue's dashboard and the web pages."""

    counts: tuple[tuple[RepoState, int], ...]  # states present, in ``RepoState`` order
    total: int
    settled: int
    merged: int
    no_changes: int
    excluded: int

    @property
    def needing_migration(self) -> int:
        """Repositories that read an old table at the start: not clean, not excluded."""
        return self.total - self.no_changes - self.excluded

    @property
    def percent(self) -> int:
        """Migrated share of what needs migrating: a clean repository is not progress."""
        need = self.needing_migration
        return 100 * self.merged // need if need else 0

    @property
    def to_migrate(self) -> int:
        """Repositories with a change still to land: everything not merged, excluded or clean."""
        return self.total - self.merged - self.no_changes - self.excluded


def progress_of(views: Sequence[TargetView]) -> Progress:
    counts = Counter(view.state for view in views)
    return Progress(
        counts=tuple((s, counts[s]) for s in RepoState if counts[s]),
        total=len(views),
        settled=sum(counts[s] for s in SETTLED),
        merged=counts[RepoState.MERGED],
        no_changes=counts[RepoState.NO_CHANGES],
        excluded=counts[RepoState.EXCLUDED],
    )


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width * done // total if total else 0
    return "█" * filled + "░" * (width - filled)


def render_dashboard(
    campaign: Campaign,
    state: CampaignState,
    views: Sequence[TargetView],
    *,
    now: datetime,
    stale_days: int,
    readiness: Readiness | None = None,
    web_base: str = "",
    budget: int = MAX_BODY // 2,
    page_url: str | None = None,
) -> str:
    """The dashboard with its markers; ``now`` only ages activity, so equal input, equal text.

    ``budget`` is the room left in the issue body (GitHub caps it) next to the
    campaign YAML: past it, settled repositories leave the table, then the table goes.
    ``page_url`` is the campaign's page on the web dashboard, linked when given.
    """
    progress = progress_of(views)
    usages = [view.usage for view in views if view.usage is not None]
    rows = sorted(views, key=lambda v: v.repo.lower())
    dashboard = partial(
        render,
        "campaign/dashboard.md.j2",
        start=START,
        end=END,
        campaign=campaign,
        state=state.value,
        counts=[(s.value, count) for s, count in progress.counts],
        total=progress.total,
        settled=progress.settled,
        merged=progress.merged,
        to_migrate=progress.needing_migration,
        nothing_to_change=progress.no_changes,
        excluded=progress.excluded,
        percent=progress.percent,
        bar=progress_bar(progress.merged, progress.needing_migration),
        readiness=readiness,
        residual_shown=RESIDUAL_SHOWN,
        web_base=web_base,
        attention=needs_attention(views, now=now, stale_days=stale_days),
        now=now,
        usage=sum(usages, AgentUsage()) if usages else None,
        parity=campaign_totals(view.parity for view in views),
        parity_enabled=campaign.verify.parity,
        page_url=page_url,
        latest=latest_activity(views),
    )
    for shown in (rows, [row for row in rows if row.state not in SETTLED]):
        text = dashboard(rows=shown, hidden=len(rows) - len(shown))
        if len(text) <= budget:
            return text
    return dashboard(rows=[], hidden=len(rows))


def replace_dashboard(body: str, dashboard: str) -> str:
    """Put ``dashboard`` (markers included) in ``body``, replacing the previous one if any."""
    dashboard = dashboard.rstrip("\n")
    found = _BLOCK.search(body)
    if found is not None:
        return body[: found.start()] + dashboard + body[found.end() :]
    if not body:
        return dashboard + "\n"
    separator = "\n" if body.endswith("\n") else "\n\n"
    return body + separator + dashboard + "\n"
