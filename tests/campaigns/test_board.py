"""The web dashboard's pure parts: rows, filters, sorting, owners, the burndown, links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from campaigns_data import NOW

from bot.campaigns.board import (
    BoardRow,
    Checks,
    QueryError,
    ReviewState,
    TableQuery,
    board_row,
    owners_in,
    parse_query,
    select_rows,
    waiting_for,
)
from bot.campaigns.burndown import MAX_DAYS, burndown, chart
from bot.campaigns.dashboard import progress_of, render_dashboard, view_of
from bot.campaigns.events import (
    CheckSuiteCompleted,
    Event,
    Excluded,
    Planned,
    PrClosed,
    PrOpened,
    ReviewRequested,
    ReviewSubmitted,
    Verdict,
)
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.messages import render_summary
from bot.campaigns.residual import readiness
from bot.campaigns.states import RepoState, Target, apply_all
from bot.spec import Campaign

DAY = timedelta(days=1)
START = NOW - 3 * DAY


def opened(repo: str, number: int, *more: Event) -> Target:
    events: list[Event] = [
        Planned(START, True),
        PrOpened(START + DAY, number, f"https://github.com/{repo}/pull/{number}", "abc"),
        *more,
    ]
    return apply_all(Target(repo=repo), events)


def rows_of(*targets: Target) -> list[BoardRow]:
    return [board_row(view_of(t), t, now=NOW, stale_days=7) for t in targets]


def test_checks_and_review_come_from_the_facts_of_the_head_commit() -> None:
    target = opened(
        "acme/a",
        1,
        CheckSuiteCompleted(START + 2 * DAY, "ci", "abc", "failure"),
        CheckSuiteCompleted(START + 2 * DAY, "ci", "old", "success"),
        ReviewSubmitted(START + 2 * DAY, 1, "jane", Verdict.APPROVED),
    )
    (row,) = rows_of(target)
    assert row.checks is Checks.FAILING
    assert row.review is ReviewState.APPROVED
    assert row.parity is None
    (pending,) = rows_of(Target(repo="acme/b"))
    assert pending.checks is None
    assert pending.review is None


def test_filters_sort_and_owners() -> None:
    a = opened("acme/a", 1, ReviewRequested(START, "acme/data"))
    b = opened("acme/B", 2, ReviewRequested(START, "jane"))
    c = apply_all(Target(repo="acme/c"), [Planned(START, False)])
    rows = rows_of(a, b, c)
    assert [r.repo for r in select_rows(rows, TableQuery())] == ["acme/a", "acme/B", "acme/c"]
    assert [r.repo for r in select_rows(rows, TableQuery(sort="repo", descending=True))] == [
        "acme/c",
        "acme/B",
        "acme/a",
    ]
    assert [r.repo for r in select_rows(rows, TableQuery(state=RepoState.NO_CHANGES))] == ["acme/c"]
    assert [r.repo for r in select_rows(rows, TableQuery(owner="JANE"))] == ["acme/B"]
    assert owners_in(rows) == ["acme/data", "jane"]
    assert [r.repo for r in waiting_for(rows, "acme/data")] == ["acme/a"]


def test_an_approved_pr_no_longer_waits_for_its_owners() -> None:
    a = opened(
        "acme/a",
        1,
        ReviewRequested(START, "jane"),
        ReviewSubmitted(START + DAY, 1, "jane", Verdict.APPROVED),
    )
    assert waiting_for(rows_of(a), "jane") == []


@pytest.mark.parametrize(
    ("state", "sort", "order", "message"),
    [
        ("bogus", None, None, "unknown state"),
        (None, "stars", None, "cannot sort"),
        (None, None, "up", "order is asc or desc"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(
    state: str | None, sort: str | None, order: str | None, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(state, None, sort, order)


def test_burndown_counts_reading_and_open_by_day() -> None:
    merged = opened("acme/a", 1, PrClosed(START + 2 * DAY, merged=True))
    closed = opened("acme/b", 2, PrClosed(START + 2 * DAY, merged=False))
    excluded = apply_all(Target(repo="acme/c"), [Planned(START, True), Excluded(START + DAY)])
    clean = apply_all(Target(repo="acme/d"), [Planned(START, False)])
    days = burndown([merged, closed, excluded, clean], start=START.date(), today=NOW.date())
    assert [(d.reading_old, d.prs_open) for d in days] == [(3, 0), (3, 2), (2, 0), (2, 0)]
    assert days[0].day == START.date()
    drawn = chart(days)
    assert drawn.top == 3
    assert len(drawn.reading_old.split()) == 4


def test_burndown_keeps_at_most_a_year() -> None:
    days = burndown([], start=date(2020, 1, 1), today=date(2026, 1, 1))
    assert len(days) == MAX_DAYS
    assert days[-1].day == date(2026, 1, 1)


def test_progress_counts_are_the_ones_the_issue_dashboard_shows() -> None:
    views = [
        view_of(opened("acme/a", 1, PrClosed(START + DAY, merged=True))),
        view_of(apply_all(Target(repo="acme/b"), [Planned(START, False)])),
        view_of(Target(repo="acme/c")),
    ]
    progress = progress_of(views)
    assert (progress.to_migrate, progress.merged, progress.no_changes, progress.excluded) == (
        1,
        1,
        1,
        0,
    )
    # One of the two repositories reading the old table is migrated; a clean one is no progress.
    assert progress.needing_migration == 2
    assert progress.percent == 50


def test_dashboard_and_summary_link_the_web_page_only_when_given(campaign: Campaign) -> None:
    url = "https://godwit.example.com/dashboard/campaigns/acme/hub/7"
    views = [view_of(Target(repo="acme/a"))]
    args = (campaign, CampaignState.RUNNING, views)
    assert f"]({url})" in render_dashboard(*args, now=NOW, stale_days=7, page_url=url)
    assert "web dashboard" not in render_dashboard(*args, now=NOW, stale_days=7)
    clear = readiness([])
    summary = render_summary(campaign, CampaignState.COMPLETED, views, clear, page_url=url)
    assert f"]({url})" in summary
    assert "web dashboard" not in render_summary(campaign, CampaignState.COMPLETED, views, clear)
