"""Pull requests: create, list, update, files, commits, merge, reviews and review comments."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.sandbox import ops_issues, ops_pulls
from bot.sandbox.deps import (
    InstallationDep,
    LockedRoute,
    PagingDep,
    RepoDep,
    SandboxDep,
    ok,
    require,
)
from bot.sandbox.errors import invalid_field
from bot.sandbox.routes_issues import ReactionIn
from bot.sandbox.state import Installation, Issue, Repo

router = APIRouter(route_class=LockedRoute)
PULLS = "/repos/{owner}/{repo}/pulls"


def _pull_to_write(installation: Installation, repo: Repo, number: int) -> Issue:
    """The pull request a write targets; GitHub checks the permission before the number."""
    require(installation, "pull_requests", "write")
    issue, _ = repo.pull(number)
    return issue


class PullCreate(BaseModel):
    title: str | None = None
    head: str
    base: str
    body: str | None = None
    draft: bool = False


class PullUpdate(BaseModel):
    title: str | None = None
    body: str | None = None
    state: str | None = None
    base: str | None = None


@router.post(PULLS)
def create_pull(
    body: PullCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    require(installation, "pull_requests", "write")
    owner, sep, _ = body.head.partition(":")
    if sep and owner.lower() != repo.owner.login.lower():
        raise invalid_field("PullRequest", "head")
    issue = ops_pulls.create_pull(
        sandbox,
        repo,
        installation.app.bot,
        title=body.title or body.head.split(":")[-1],
        head=body.head,
        base=body.base,
        body=body.body,
        draft=body.draft,
    )
    return ok(sandbox.issue_shapes.pull(repo, issue), 201)


@router.get(PULLS)
def list_pulls(
    repo: RepoDep,
    sandbox: SandboxDep,
    paging: PagingDep,
    state: str = "open",
    head: str = "",
    base: str = "",
) -> JSONResponse:
    numbers: list[int] | None = None
    if head and ":" in head:
        owner, _, branch = head.partition(":")
        numbers = [] if owner.lower() != repo.owner.login.lower() else None
    else:
        branch = head
    if numbers is None and branch and state == "open":
        open_number = repo.open_pulls_by_head.get(branch)
        numbers = [open_number] if open_number is not None else []
    candidates = (
        [repo.issues[n] for n in numbers]
        if numbers is not None
        else sorted(repo.issues.values(), key=lambda i: -i.number)
    )
    found = [
        issue
        for issue in candidates
        if issue.pull is not None
        and (state == "all" or issue.state == state)
        and (not branch or issue.pull.head_ref == branch)
        and (not base or issue.pull.base_ref == base)
    ]
    shaped = [sandbox.issue_shapes.pull_simple(repo, issue) for issue in found]
    return paging.respond(shaped)


@router.get(PULLS + "/{number}")
def get_pull(number: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    issue, _ = repo.pull(number)
    return ok(sandbox.issue_shapes.pull(repo, issue))


@router.patch(PULLS + "/{number}")
def update_pull(
    number: int,
    body: PullUpdate,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = _pull_to_write(installation, repo, number)
    with sandbox.state.lock:
        if body.base is not None:
            ops_pulls.change_base(sandbox, repo, issue, body.base, installation.app.bot)
        ops_issues.edit_issue(
            sandbox,
            repo,
            issue,
            installation.app.bot,
            title=body.title,
            body=body.body,
            state=body.state,
        )
    return ok(sandbox.issue_shapes.pull(repo, issue))


@router.get(PULLS + "/{number}/files")
def list_files(number: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep) -> JSONResponse:
    _, pull = repo.pull(number)
    files = sandbox.issue_shapes.pull_files(repo, pull)
    shaped = [sandbox.issue_shapes.diff_entry(repo, pull.head_sha, item) for item in files]
    return paging.respond(shaped)


@router.get(PULLS + "/{number}/commits")
def list_commits(
    number: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    _, pull = repo.pull(number)
    commits = repo.objects.commits_between(pull.base_sha, pull.head_sha)
    shaped = [sandbox.shapes.commit(repo, commit) for commit in commits]
    return paging.respond(shaped)


class MergeIn(BaseModel):
    commit_title: str | None = None
    commit_message: str | None = None
    sha: str | None = None
    merge_method: ops_pulls.MergeMethod = "merge"


@router.put(PULLS + "/{number}/merge")
def merge_pull(
    number: int,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
    body: MergeIn | None = None,
) -> JSONResponse:
    require(installation, "contents", "write")
    issue, _ = repo.pull(number)
    options = body or MergeIn()
    sha = ops_pulls.merge_pull(
        sandbox,
        repo,
        issue,
        installation.app.bot,
        method=options.merge_method,
        sha=options.sha,
        commit_title=options.commit_title,
        commit_message=options.commit_message,
    )
    return ok({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


# Reviews ------------------------------------------------------------------------------


class ReviewCommentIn(BaseModel):
    path: str
    body: str
    line: int | None = None
    position: int | None = None


class ReviewIn(BaseModel):
    body: str = ""
    event: str = "COMMENT"
    commit_id: str | None = None
    comments: list[ReviewCommentIn] = []


@router.get(PULLS + "/{number}/reviews")
def list_reviews(
    number: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    issue, pull = repo.pull(number)
    shaped = [sandbox.issue_shapes.review(repo, issue, review) for review in pull.reviews]
    return paging.respond(shaped)


@router.post(PULLS + "/{number}/reviews")
def create_review(
    number: int,
    body: ReviewIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = _pull_to_write(installation, repo, number)
    review = ops_pulls.create_review(
        sandbox,
        repo,
        issue,
        installation.app.bot,
        event=body.event,
        body=body.body,
        comments=[(c.path, c.line or c.position, c.body) for c in body.comments],
        commit_id=body.commit_id,
    )
    return ok(sandbox.issue_shapes.review(repo, issue, review))


class ReviewCommentCreate(BaseModel):
    body: str
    path: str
    line: int | None = None
    position: int | None = None
    in_reply_to: int | None = None


@router.get(PULLS + "/{number}/comments")
def list_review_comments(
    number: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    issue, pull = repo.pull(number)
    shaped = [sandbox.issue_shapes.review_comment(repo, issue, c) for c in pull.review_comments]
    return paging.respond(shaped)


@router.post(PULLS + "/{number}/comments")
def create_review_comment(
    number: int,
    body: ReviewCommentCreate,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = _pull_to_write(installation, repo, number)
    comment = ops_pulls.create_review_comment(
        sandbox,
        repo,
        issue,
        installation.app.bot,
        path=body.path,
        line=body.line or body.position,
        body=body.body,
        in_reply_to=body.in_reply_to,
    )
    return ok(sandbox.issue_shapes.review_comment(repo, issue, comment), 201)


class ReplyIn(BaseModel):
    body: str


@router.post(PULLS + "/{number}/comments/{comment_id}/replies")
def reply_to_review_comment(
    number: int,
    comment_id: int,
    body: ReplyIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = _pull_to_write(installation, repo, number)
    comment = ops_pulls.reply_to_review_comment(
        sandbox, repo, issue, installation.app.bot, comment_id, body.body
    )
    return ok(sandbox.issue_shapes.review_comment(repo, issue, comment), 201)


@router.post(PULLS + "/comments/{comment_id}/reactions")
def react_to_review_comment(
    comment_id: int,
    body: ReactionIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    """201 with the new reaction, 200 with the existing one, as for conversation comments."""
    comment = ops_pulls.find_review_comment(sandbox, repo, comment_id)
    count = len(comment.reactions)
    reaction = ops_issues.react(sandbox, comment.reactions, body.content, installation.app.bot)
    status = 201 if len(comment.reactions) > count else 200
    return ok(sandbox.issue_shapes.reaction(reaction), status)


class ReviewersIn(BaseModel):
    reviewers: list[str] = []
    team_reviewers: list[str] = []


@router.get(PULLS + "/{number}/requested_reviewers")
def list_requested_reviewers(number: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    _, pull = repo.pull(number)
    users = [sandbox.shapes.user(account) for account in pull.requested_reviewers]
    return ok({"users": users, "teams": []})


@router.post(PULLS + "/{number}/requested_reviewers")
def request_reviewers(
    number: int,
    body: ReviewersIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = _pull_to_write(installation, repo, number)
    ops_pulls.request_reviewers(sandbox, repo, issue, body.reviewers, installation.app.bot)
    return ok(sandbox.issue_shapes.pull_simple(repo, issue), 201)
