"""Per-repository states folded from webhook events, including repeats and late arrivals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    ReviewRequested,
    ReviewSubmitted,
    Verdict,
)
from bot.campaigns.states import RepoState, Target, apply, apply_all, campaign_done

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
URL = "https://github.com/acme/radio/pull/7"


def t(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


PLANNED = Planned(t(0), has_changes=True)
OPENED = PrOpened(t(1), 7, URL, "aaa")


def fold(*events: Event) -> Target:
    return apply_all(Target("acme/radio"), events)


S = RepoState


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((), S.PENDING),
        ((PLANNED,), S.PENDING),
        ((Planned(t(0), has_changes=False),), S.NO_CHANGES),
        ((PLANNED, Failed(t(1), "tree too large")), S.FAILED),
        ((PLANNED, Failed(t(1), "push refused"), Planned(t(2), True)), S.PENDING),
        ((PLANNED, Failed(t(1), "push refused"), PrOpened(t(2), 7, URL, "aaa")), S.PR_OPEN),
        ((PLANNED, OPENED), S.PR_OPEN),
        ((PLANNED, OPENED, ReviewSubmitted(t(2), 7, "jane", Verdict.APPROVED)), S.APPROVED),
        (
            (PLANNED, OPENED, ReviewSubmitted(t(2), 7, "jane", Verdict.CHANGES_REQUESTED)),
            S.CHANGES_REQUESTED,
        ),
        ((PLANNED, OPENED, ReviewSubmitted(t(2), 7, "jane", Verdict.COMMENTED)), S.PR_OPEN),
        (
            (
                PLANNED,
                OPENED,
                ReviewSubmitted(t(2), 7, "jane", Verdict.APPROVED),
                ReviewSubmitted(t(3), 7, "jane", Verdict.COMMENTED),
            ),
            S.APPROVED,
        ),
        (
            (
                PLANNED,
                OPENED,
                ReviewSubmitted(t(2), 7, "jane", Verdict.CHANGES_REQUESTED),
                ReviewSubmitted(t(3), 7, "jane", Verdict.DISMISSED),
            ),
            S.PR_OPEN,
        ),
        (
            (
                PLANNED,
                OPENED,
                ReviewSubmitted(t(2), 7, "jane", Verdict.CHANGES_REQUESTED),
                ReviewSubmitted(t(3), 7, "Jane", Verdict.APPROVED),
            ),
            S.APPROVED,
        ),
        (
            (
                PLANNED,
                OPENED,
                ReviewSubmitted(t(2), 7, "omar", Verdict.CHANGES_REQUESTED),
                ReviewSubmitted(t(3), 7, "jane", Verdict.APPROVED),
            ),
            S.CHANGES_REQUESTED,
        ),
        (
            (PLANNED, OPENED, CheckSuiteCompleted(t(2), "actions", "aaa", "failure")),
            S.CHECKS_FAILING,
        ),
        (
            (PLANNED, OPENED, CheckSuiteCompleted(t(2), "actions", "aaa", "timed_out")),
            S.CHECKS_FAILING,
        ),
        ((PLANNED, OPENED, CheckSuiteCompleted(t(2), "actions", "aaa", "neutral")), S.PR_OPEN),
        (
            (
                PLANNED,
                OPENED,
                CheckSuiteCompleted(t(2), "actions", "aaa", "failure"),
                CheckSuiteCompleted(t(3), "actions", "aaa", "success"),
            ),
            S.PR_OPEN,
        ),
        (
            (
                PLANNED,
                OPENED,
                CheckSuiteCompleted(t(2), "actions", "aaa", "failure"),
                Pushed(t(3), "bbb", by_human=False),
            ),
            S.PR_OPEN,
        ),
        (
            (
                PLANNED,
                OPENED,
                CheckSuiteCompleted(t(2), "actions", "zzz", "failure"),
            ),
            S.PR_OPEN,
        ),
        ((PLANNED, OPENED, BaseMoved(t(2))), S.OUT_OF_DATE),
        ((PLANNED, BaseMoved(t(0)), OPENED), S.PR_OPEN),
        ((PLANNED, OPENED, BaseMoved(t(2)), Pushed(t(3), "bbb", by_human=False)), S.PR_OPEN),
        ((PLANNED, OPENED, BaseMoved(t(2)), Pushed(t(3), "bbb", by_human=True)), S.OUT_OF_DATE),
        (
            (
                PLANNED,
                OPENED,
                ReviewSubmitted(t(2), 7, "jane", Verdict.APPROVED),
                Pushed(t(3), "bbb", by_human=True),
            ),
            S.APPROVED,
        ),
        ((PLANNED, OPENED, PrClosed(t(2), merged=False)), S.CLOSED),
        ((PLANNED, OPENED, PrClosed(t(2), merged=False), PrReopened(t(3))), S.PR_OPEN),
        ((PLANNED, OPENED, PrClosed(t(2), merged=True)), S.MERGED),
        ((PLANNED, Excluded(t(1), "owned by platform")), S.EXCLUDED),
        ((PLANNED, OPENED, Excluded(t(2), "skipped on the PR")), S.EXCLUDED),
        ((PLANNED, Excluded(t(1)), Included(t(2))), S.PENDING),
        ((PLANNED, OPENED, Excluded(t(2)), Included(t(3))), S.PR_OPEN),
    ],
)
def test_state_after_events(events: tuple[Event, ...], expected: RepoState) -> None:
    assert fold(*events).state is expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # A merge is final: nothing that arrives later reopens, closes or excludes it.
        ((OPENED, PrClosed(t(5), merged=True), PrReopened(t(6))), S.MERGED),
        ((OPENED, PrClosed(t(5), merged=True), PrClosed(t(6), merged=False)), S.MERGED),
        ((OPENED, PrClosed(t(5), merged=True), Excluded(t(6), "too late")), S.MERGED),
        ((OPENED, PrClosed(t(5), merged=True), BaseMoved(t(6))), S.MERGED),
        ((OPENED, PrClosed(t(5), merged=True), Failed(t(6), "rerun failed")), S.MERGED),
        (
            (
                OPENED,
                PrClosed(t(5), merged=True),
                ReviewSubmitted(t(6), 7, "jane", Verdict.CHANGES_REQUESTED),
            ),
            S.MERGED,
        ),
        # Late arrivals: older than the fact they would replace, so ignored.
        ((PrClosed(t(5), merged=True), OPENED), S.MERGED),
        ((OPENED, PrClosed(t(5), merged=False), PrOpened(t(1), 7, URL, "aaa")), S.CLOSED),
        ((OPENED, PrClosed(t(5), merged=False), PrReopened(t(3))), S.CLOSED),
        (
            (
                OPENED,
                ReviewSubmitted(t(5), 7, "jane", Verdict.DISMISSED),
                ReviewSubmitted(t(3), 7, "jane", Verdict.CHANGES_REQUESTED),
            ),
            S.PR_OPEN,
        ),
        (
            (
                OPENED,
                CheckSuiteCompleted(t(5), "actions", "aaa", "success"),
                CheckSuiteCompleted(t(3), "actions", "aaa", "failure"),
            ),
            S.PR_OPEN,
        ),
        ((OPENED, Pushed(t(4), "bbb", False), BaseMoved(t(2))), S.PR_OPEN),
        ((OPENED, Included(t(5)), Excluded(t(3))), S.PR_OPEN),
        ((PLANNED, Planned(t(5), False), Planned(t(3), True)), S.NO_CHANGES),
        # A check result delivered before the push that created its commit still counts.
        (
            (
                OPENED,
                CheckSuiteCompleted(t(4), "actions", "bbb", "failure"),
                Pushed(t(3), "bbb", by_human=False),
            ),
            S.CHECKS_FAILING,
        ),
    ],
)
def test_terminal_and_out_of_order_events(events: tuple[Event, ...], expected: RepoState) -> None:
    assert fold(*events).state is expected


def test_human_commits_are_recorded_until_godwit_rewrites_the_branch() -> None:
    target = fold(PLANNED, OPENED, Pushed(t(2), "bbb", True), Pushed(t(3), "ccc", True))
    assert target.head_sha == "ccc"
    assert target.human_commits == ("bbb", "ccc")
    assert apply(target, Pushed(t(4), "ddd", by_human=False)).human_commits == ()


def test_activity_and_reasons() -> None:
    target = fold(
        PLANNED,
        OPENED,
        ReviewRequested(t(2), "acme/data-insights"),
        ReviewSubmitted(t(9), 7, "jane", Verdict.COMMENTED),
        BaseMoved(t(20)),
        Nudged(t(30), 7),
    )
    assert target.last_activity == t(9)
    assert target.reviewers == ("acme/data-insights",)
    assert target.nudged_prs == (7,)
    assert fold(PLANNED, Failed(t(1), "tree too large")).reason == "tree too large"
    assert fold(PLANNED, Excluded(t(1), "owned by platform")).reason == "owned by platform"
    assert fold(PLANNED, OPENED).reason is None


HISTORY: tuple[Event, ...] = (
    PLANNED,
    OPENED,
    ReviewRequested(t(2), "jane"),
    CheckSuiteCompleted(t(3), "actions", "aaa", "failure"),
    ReviewSubmitted(t(4), 7, "jane", Verdict.CHANGES_REQUESTED),
    Pushed(t(5), "bbb", by_human=True),
    BaseMoved(t(6)),
    Pushed(t(7), "ccc", by_human=False),
    CheckSuiteCompleted(t(8), "actions", "ccc", "success"),
    ReviewSubmitted(t(9), 7, "jane", Verdict.APPROVED),
    ReviewSubmitted(t(10), 7, "omar", Verdict.COMMENTED),
    Nudged(t(11), 7),
    PrClosed(t(12), merged=False),
    PrReopened(t(13)),
)


@settings(max_examples=200, deadline=None)
@given(st.permutations(HISTORY), st.lists(st.sampled_from(HISTORY), max_size=6))
def test_any_order_and_any_repeats_give_the_same_target(
    order: list[Event], repeats: list[Event]
) -> None:
    expected = fold(*HISTORY)
    assert expected.state is RepoState.APPROVED
    assert fold(*order, *repeats) == expected


@pytest.mark.parametrize(
    ("states", "done"),
    [
        ([], True),
        ([S.MERGED, S.CLOSED, S.EXCLUDED, S.NO_CHANGES], True),
        ([S.MERGED, S.APPROVED], False),
        ([S.MERGED, S.PENDING], False),
        ([S.MERGED, S.FAILED], False),
    ],
)
def test_campaign_done(states: list[RepoState], done: bool) -> None:
    events_for: dict[RepoState, tuple[Event, ...]] = {
        S.MERGED: (PLANNED, OPENED, PrClosed(t(2), merged=True)),
        S.CLOSED: (PLANNED, OPENED, PrClosed(t(2), merged=False)),
        S.EXCLUDED: (PLANNED, Excluded(t(1))),
        S.NO_CHANGES: (Planned(t(0), False),),
        S.APPROVED: (PLANNED, OPENED, ReviewSubmitted(t(2), 7, "jane", Verdict.APPROVED)),
        S.PENDING: (PLANNED,),
        S.FAILED: (PLANNED, Failed(t(1), "push refused")),
    }
    targets = [fold(*events_for[state]) for state in states]
    assert [target.state for target in targets] == states
    assert campaign_done(targets) is done


def test_a_new_pull_request_starts_unreviewed() -> None:
    reviewed = fold(
        PLANNED,
        OPENED,
        ReviewSubmitted(t(2), 7, "jane", Verdict.CHANGES_REQUESTED),
        PrClosed(t(3), merged=False),
    )
    assert reviewed.state is RepoState.CLOSED
    reopened = apply(reviewed, PrOpened(t(4), 8, "https://github.com/acme/radio/pull/8", "bbb"))
    assert (reopened.pr_number, reopened.state) == (8, RepoState.PR_OPEN)
    late = apply(reopened, ReviewSubmitted(t(1), 7, "omar", Verdict.CHANGES_REQUESTED))
    assert late.state is RepoState.PR_OPEN
    approved = apply(late, ReviewSubmitted(t(5), 8, "jane", Verdict.APPROVED))
    assert approved.state is RepoState.APPROVED
