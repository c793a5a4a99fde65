"""The web dashboard's table of repositories: one row per target, filters, sorting, owners.

Rows extend the issue dashboard's ``TargetView`` (same states, same problems) with what a
wider page has room for: checks and review state read from the target's facts, and the
parity counts of the repository's last plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot.campaigns.dashboard import Problem, TargetView, problems_of
from bot.campaigns.parity_totals import ParityTotals
from bot.campaigns.states import FAILING_CONCLUSIONS, OPEN, RepoState
from bot.campaigns.states import Target as TargetFacts


class Checks(StrEnum):
    PASSING = "passing"
    FAILING = "failing"
    NONE = "none"  # nothing reported on the PR's head yet


class ReviewState(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    WAITING = "waiting"


@dataclass(frozen=True)
class BoardRow:
    view: TargetView
    checks: Checks | None  # None: no pull request
    review: ReviewState | None
    problems: tuple[Problem, ...]

    @property
    def parity(self) -> ParityTotals | None:
        """Parity counts of the last plan; None: not recorded, shown as "not checked"."""
        return self.view.parity

    @property
    def repo(self) -> str:
        return self.view.repo

    @property
    def state(self) -> RepoState:
        return self.view.state

    @property
    def owners(self) -> tuple[str, ...]:
        return self.view.reviewers

    @property
    def waiting(self) -> bool:
        """An open pull request that needs its owners: a review, or a fix after one."""
        return self.state in OPEN and self.review is not ReviewState.APPROVED


def checks_of(facts: TargetFacts) -> Checks | None:
    if facts.pr_number is None:
        return None
    head = [c for c in facts.checks if c.head_sha == facts.head_sha]
    if not head:
        return Checks.NONE
    if any(c.conclusion in FAILING_CONCLUSIONS for c in head):
        return Checks.FAILING
    return Checks.PASSING


def review_of(facts: TargetFacts) -> ReviewState | None:
    if facts.pr_number is None:
        return None
    if facts.changes_requested:
        return ReviewState.CHANGES_REQUESTED
    if facts.approved:
        return ReviewState.APPROVED
    return ReviewState.WAITING


def board_row(view: TargetView, facts: TargetFacts, *, now: datetime, stale_days: int) -> BoardRow:
    return BoardRow(
        view=view,
        checks=checks_of(facts),
        review=review_of(facts),
        problems=problems_of(view, now=now, stale_days=stale_days),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SORT_KEYS: dict[str, Callable[[BoardRow], tuple[object, ...]]] = {
    "repo": lambda row: (row.repo.lower(),),
    "state": lambda row: (list(RepoState).index(row.state), row.repo.lower()),
    "owners": lambda row: (", ".join(row.owners).lower() or "~", row.repo.lower()),
    "activity": lambda row: (row.view.last_activity or _EPOCH, row.repo.lower()),
    "guardrails": lambda row: (row.view.guardrails, row.repo.lower()),
}
"""The columns the table sorts by; the page links each header to ``?sort=<key>``."""


@dataclass(frozen=True)
class TableQuery:
    """Filters and order from the page's query string, already checked."""

    state: RepoState | None = None
    owner: str | None = None
    sort: str = "repo"
    descending: bool = False


class QueryError(ValueError):
    """A filter or sort the table does not have; the page says which."""


def parse_query(
    state: str | None, owner: str | None, sort: str | None, order: str | None
) -> TableQuery:
    try:
        chosen = RepoState(state) if state else None
    except ValueError:
        raise QueryError(f"unknown state {state!r}") from None
    if sort and sort not in SORT_KEYS:
        raise QueryError(f"cannot sort by {sort!r}")
    if order not in (None, "", "asc", "desc"):
        raise QueryError(f"order is asc or desc, not {order!r}")
    return TableQuery(chosen, owner or None, sort or "repo", order == "desc")


def select_rows(rows: Iterable[BoardRow], query: TableQuery) -> list[BoardRow]:
    chosen = [
        row
        for row in rows
        if (query.state is None or row.state is query.state)
        and (query.owner is None or query.owner.lower() in (o.lower() for o in row.owners))
    ]
    return sorted(chosen, key=SORT_KEYS[query.sort], reverse=query.descending)


def owners_in(rows: Iterable[BoardRow]) -> list[str]:
    return sorted({owner for row in rows for owner in row.owners}, key=str.lower)


def waiting_for(rows: Sequence[BoardRow], owner: str) -> list[BoardRow]:
    """The pull requests waiting for ``owner`` (a login or ``org/team``), oldest activity first."""
    mine = [row for row in rows if row.waiting and owner.lower() in (o.lower() for o in row.owners)]
    return sorted(mine, key=SORT_KEYS["activity"])
