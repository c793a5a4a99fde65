"""What asks the agent for a task, read off githubkit's webhook models into plain values.

Only identifiers and the comment itself are taken from a payload; whatever the
task then needs (the PR's head, its files, the thread, the check output) is
read afresh from the API when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from githubkit_schemas.latest.models import (
    SimpleInstallation,
    WebhookCheckSuiteCompleted,
    WebhookPullRequestReviewCommentCreated,
    WebhookPullRequestReviewSubmitted,
)

REVIEW_STATES = frozenset({"changes_requested", "commented"})
"""Reviews whose body is a request; an approval's words are not asked to be acted on."""


@dataclass(frozen=True)
class ReviewRequest:
    """A review comment, or a review's body, on a pull request."""

    repo: str
    pr_number: int
    installation_id: int
    author: str
    author_is_bot: bool
    body: str
    url: str
    key: str  # unique in the repository: ``review-comment:<id>`` or ``review:<id>``
    comment_id: int | None = None  # a line comment: the answer goes to its thread
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class CheckSuiteRequest:
    """A completed check suite on one or more pull requests' head commit."""

    repo: str
    installation_id: int
    suite_id: int
    head_sha: str
    conclusion: str | None
    pr_numbers: tuple[int, ...]


def _installation(installation: object) -> int | None:
    return installation.id if isinstance(installation, SimpleInstallation) else None


def review_comment_request(event: WebhookPullRequestReviewCommentCreated) -> ReviewRequest | None:
    comment = event.comment
    installation = _installation(event.installation)
    if installation is None or comment.user is None:
        return None
    return ReviewRequest(
        repo=event.repository.full_name,
        pr_number=event.pull_request.number,
        installation_id=installation,
        author=comment.user.login,
        author_is_bot=comment.user.type == "Bot",
        body=comment.body,
        url=comment.html_url,
        key=f"review-comment:{comment.id}",
        comment_id=comment.id,
        path=comment.path,
        line=comment.line,
    )


def review_request(event: WebhookPullRequestReviewSubmitted) -> ReviewRequest | None:
    review = event.review
    installation = _installation(event.installation)
    body = review.body or ""
    if installation is None or review.user is None or review.state.lower() not in REVIEW_STATES:
        return None
    if not body.strip():
        return None  # its line comments arrive as review comments of their own
    return ReviewRequest(
        repo=event.repository.full_name,
        pr_number=event.pull_request.number,
        installation_id=installation,
        author=review.user.login,
        author_is_bot=review.user.type == "Bot",
        body=body,
        url=review.html_url,
        key=f"review:{review.id}",
    )


def check_suite_request(event: WebhookCheckSuiteCompleted) -> CheckSuiteRequest | None:
    suite = event.check_suite
    installation = _installation(event.installation)
    if installation is None:
        return None
    return CheckSuiteRequest(
        repo=event.repository.full_name,
        installation_id=installation,
        suite_id=suite.id,
        head_sha=suite.head_sha,
        conclusion=suite.conclusion,
        pr_numbers=tuple(pr.number for pr in suite.pull_requests),
    )
