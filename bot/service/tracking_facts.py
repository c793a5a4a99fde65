"""What GitHub says now about a campaign PR, turned into the events the state machine folds.

Webhook payloads describe the moment they were sent and arrive in any order,
so tracking re-reads the pull request, its reviews and its check suites and
derives events from that current state. Events that repeat what the target
already knows change nothing (``bot.campaigns.states.apply`` is idempotent).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from githubkit_schemas.latest.models import CheckSuite, PullRequest, PullRequestReview

from bot.campaigns.events import (
    BaseMoved,
    CheckSuiteCompleted,
    Event,
    PrClosed,
    PrReopened,
    Pushed,
    ReviewRequested,
    ReviewSubmitted,
    Verdict,
)
from bot.campaigns.states import PrStatus, Target

_VERDICTS = {
    "APPROVED": Verdict.APPROVED,
    "CHANGES_REQUESTED": Verdict.CHANGES_REQUESTED,
    "COMMENTED": Verdict.COMMENTED,
    "DISMISSED": Verdict.DISMISSED,
}


def lifecycle_events(target: Target, pr: PullRequest) -> list[Event]:
    """Merged or closed with GitHub's own times; reopened only when the target thought otherwise.

    An open PR's ``updated_at`` also moves when Godwit comments, so it is not
    reported as activity unless the PR really came back from closed.
    """
    if pr.merged_at is not None:
        return [PrClosed(pr.merged_at, merged=True)]
    if pr.state == "closed":
        return [PrClosed(pr.closed_at or pr.updated_at, merged=False)]
    if target.pr_status is PrStatus.CLOSED:
        return [PrReopened(pr.updated_at)]
    return []


def head_events(target: Target, pr: PullRequest, *, observed: datetime) -> list[Event]:
    """A head Godwit did not write is a person's commit, stamped when Godwit first saw it.

    Commit dates say when a commit was authored, not when it was pushed, so
    they cannot order a person's push against Godwit's own writes.
    """
    if pr.state != "open" or any(push.sha == pr.head.sha for push in target.pushes):
        return []
    return [Pushed(observed, pr.head.sha, by_human=True)]


def review_events(pr_number: int, reviews: Iterable[PullRequestReview]) -> list[Event]:
    events: list[Event] = []
    for review in reviews:
        verdict = _VERDICTS.get(review.state.upper())
        submitted = review.submitted_at
        if verdict is None or review.user is None or not isinstance(submitted, datetime):
            continue  # pending reviews have no verdict and no submission time yet
        events.append(ReviewSubmitted(submitted, pr_number, review.user.login, verdict))
    return events


def check_events(suites: Iterable[CheckSuite]) -> list[Event]:
    events: list[Event] = []
    for suite in suites:
        if suite.status != "completed" or suite.conclusion is None or suite.updated_at is None:
            continue
        app = suite.app.slug if suite.app is not None and suite.app.slug else "unknown"
        events.append(CheckSuiteCompleted(suite.updated_at, app, suite.head_sha, suite.conclusion))
    return events


def base_events(
    target: Target, *, built_on: str | None, default_head: str | None, observed: datetime
) -> list[Event]:
    """The default branch moved past the commit the open PR was built on."""
    if target.pr_status is not PrStatus.OPEN or built_on is None or default_head is None:
        return []
    if default_head == built_on or target.out_of_date:
        return []
    return [BaseMoved(observed)]


def reviewer_events(target: Target, pr: PullRequest, *, observed: datetime) -> list[Event]:
    """Reviewers asked for since Godwit last looked (people may add some by hand)."""
    requested = [user.login for user in pr.requested_reviewers or []]
    owner = target.repo.split("/", 1)[0]
    requested += [f"{owner}/{team.slug}" for team in pr.requested_teams or []]
    known = {reviewer.lower() for reviewer in target.reviewers}
    return [ReviewRequested(observed, r) for r in requested if r.lower() not in known]
