"""What the agent's tasks read from GitHub, as the plain data ``bot.agent`` takes.

Everything here is read afresh from the API rather than taken from a webhook
payload: threads grow, check runs are re-run, and the PR's head moves.
Nothing is interpreted here; the agent core fences all of it as untrusted data.
"""

from __future__ import annotations

from collections.abc import Iterable

from githubkit_schemas.latest.models import DiffEntry, PullRequestReviewComment

from bot.agent import Annotation, CheckFailure, ThreadComment
from bot.github.client import AnyGitHub
from bot.github.content import RepoSnapshot, read_snapshot
from bot.service.github_ops import split_repo

FAILED = frozenset({"failure", "timed_out"})
MAX_ANNOTATIONS = 50
"""Per check run; GitHub pages annotations 50 at a time and more rarely help a fix."""


def review_thread(
    gh: AnyGitHub, repo: str, pr_number: int, comment_id: int
) -> tuple[ThreadComment, ...]:
    """Earlier comments of the thread ``comment_id`` belongs to, oldest first, without it."""
    owner, name = split_repo(repo)
    comments: list[PullRequestReviewComment] = list(
        gh.rest.paginate(
            gh.rest.pulls.list_review_comments,
            owner=owner,
            repo=name,
            pull_number=pr_number,
            per_page=100,
        )
    )
    by_id = {comment.id: comment for comment in comments}
    current = by_id.get(comment_id)
    root = current.in_reply_to_id if current is not None and current.in_reply_to_id else comment_id
    thread = [
        comment
        for comment in comments
        if comment.id != comment_id and (comment.id == root or comment.in_reply_to_id == root)
    ]
    thread.sort(key=lambda comment: (comment.created_at, comment.id))
    return tuple(
        ThreadComment(comment.user.login if comment.user else "ghost", comment.body)
        for comment in thread
    )


def pull_request_files(
    gh: AnyGitHub, repo: str, pr_number: int, head_sha: str, *, also: tuple[str, ...] = ()
) -> RepoSnapshot:
    """The PR's changed files (and ``also``) as they are on ``head_sha``."""
    owner, name = split_repo(repo)
    listed: Iterable[DiffEntry] = gh.rest.paginate(
        gh.rest.pulls.list_files, owner=owner, repo=name, pull_number=pr_number, per_page=100
    )
    paths = {entry.filename for entry in listed if entry.status != "removed"} | set(also)
    return read_snapshot(gh, owner, name, head_sha, wanted=paths.__contains__)


def failing_checks(
    gh: AnyGitHub, repo: str, head_sha: str, suite_id: int | None
) -> tuple[CheckFailure, ...]:
    """The failed runs of the suite on ``head_sha``, with summaries and annotations."""
    owner, name = split_repo(repo)
    runs = gh.rest.checks.list_for_ref(owner, name, head_sha, per_page=100).parsed_data.check_runs
    failures: list[CheckFailure] = []
    for run in runs:
        if run.conclusion not in FAILED:
            continue
        if suite_id is not None and run.check_suite is not None and run.check_suite.id != suite_id:
            continue
        notes = gh.rest.checks.list_annotations(
            owner, name, run.id, per_page=MAX_ANNOTATIONS
        ).parsed_data
        annotations = tuple(
            Annotation(note.path, note.start_line, note.message or "")
            for note in notes
            if note.annotation_level in ("failure", "warning")
        )
        summary = run.output.summary if isinstance(run.output.summary, str) else ""
        failures.append(CheckFailure(run.name, summary, annotations))
    return tuple(sorted(failures, key=lambda failure: failure.name))
