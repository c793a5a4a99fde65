"""Issues, issue comments, reactions and labels (pull requests included, as on GitHub)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.sandbox import ops_issues
from bot.sandbox.deps import (
    InstallationDep,
    LockedRoute,
    PagingDep,
    RepoDep,
    SandboxDep,
    ok,
    require,
)
from bot.sandbox.errors import GitHubError, not_found
from bot.sandbox.state import Installation, Issue

router = APIRouter(route_class=LockedRoute)


def _writer(installation: Installation, issue: Issue | None = None) -> None:
    """Pull requests need ``pull_requests`` write; plain issues need ``issues`` write."""
    if issue is not None and issue.pull is not None:
        granted = installation.app.permissions
        if granted.get("pull_requests") == "write" or granted.get("issues") == "write":
            return
        raise GitHubError(403, "Resource not accessible by integration")
    require(installation, "issues", "write")


def _label_names(labels: list[Any]) -> list[str]:
    return [label["name"] if isinstance(label, dict) else str(label) for label in labels]


class IssueCreate(BaseModel):
    title: str | int
    body: str | None = None
    labels: list[Any] = []


class IssueUpdate(BaseModel):
    title: str | int | None = None
    body: str | None = None
    state: str | None = None
    state_reason: str | None = None
    labels: list[Any] | None = None


@router.post("/repos/{owner}/{repo}/issues")
def create_issue(
    body: IssueCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    _writer(installation)
    issue = ops_issues.create_issue(
        sandbox,
        repo,
        installation.app.bot,
        str(body.title),
        body.body,
        _label_names(body.labels),
    )
    return ok(sandbox.issue_shapes.issue(repo, issue), 201)


@router.get("/repos/{owner}/{repo}/issues")
def list_issues(
    repo: RepoDep,
    sandbox: SandboxDep,
    paging: PagingDep,
    state: str = "open",
    labels: str = "",
    creator: str = "",
) -> JSONResponse:
    wanted = {name.strip().lower() for name in labels.split(",") if name.strip()}
    found = [
        issue
        for issue in sorted(repo.issues.values(), key=lambda i: -i.number)
        if (state == "all" or issue.state == state)
        and wanted <= {label.name.lower() for label in issue.labels}
        and (not creator or issue.user.login.lower() == creator.lower())
    ]
    chunk = [sandbox.issue_shapes.issue(repo, issue) for issue in found]
    return paging.respond(chunk)


@router.get("/repos/{owner}/{repo}/issues/{number}")
def get_issue(number: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    return ok(sandbox.issue_shapes.issue(repo, repo.issue(number)))


@router.patch("/repos/{owner}/{repo}/issues/{number}")
def update_issue(
    number: int,
    body: IssueUpdate,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = repo.issue(number)
    _writer(installation, issue)
    ops_issues.edit_issue(
        sandbox,
        repo,
        issue,
        installation.app.bot,
        title=None if body.title is None else str(body.title),
        body=body.body,
        state=body.state,
        state_reason=body.state_reason,
        labels=None if body.labels is None else _label_names(body.labels),
    )
    return ok(sandbox.issue_shapes.issue(repo, issue))


# Comments -----------------------------------------------------------------------------


class CommentIn(BaseModel):
    body: str


@router.get("/repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(
    number: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    comments = repo.issue(number).comments
    shaped = [sandbox.issue_shapes.comment(repo, comment) for comment in comments]
    return paging.respond(shaped)


@router.post("/repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(
    number: int,
    body: CommentIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = repo.issue(number)
    _writer(installation, issue)
    comment = ops_issues.create_comment(
        sandbox, repo, issue, installation.app.bot, body.body, installation.app
    )
    return ok(sandbox.issue_shapes.comment(repo, comment), 201)


@router.get("/repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(comment_id: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    _, comment = ops_issues.find_comment(sandbox, repo, comment_id)
    return ok(sandbox.issue_shapes.comment(repo, comment))


@router.patch("/repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(
    comment_id: int,
    body: CommentIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue, comment = ops_issues.find_comment(sandbox, repo, comment_id)
    _writer(installation, issue)
    if comment.user.id != installation.app.bot.id:
        raise GitHubError(403, "Resource not accessible by integration")
    ops_issues.edit_comment(sandbox, repo, comment_id, body.body, installation.app.bot)
    return ok(sandbox.issue_shapes.comment(repo, comment))


@router.delete("/repos/{owner}/{repo}/issues/comments/{comment_id}")
def delete_comment(
    comment_id: int, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> Response:
    issue, _ = ops_issues.find_comment(sandbox, repo, comment_id)
    _writer(installation, issue)
    ops_issues.delete_comment(sandbox, repo, comment_id, installation.app.bot)
    return Response(status_code=204)


class ReactionIn(BaseModel):
    content: str


@router.post("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def react_to_comment(
    comment_id: int,
    body: ReactionIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    _, comment = ops_issues.find_comment(sandbox, repo, comment_id)
    count = len(comment.reactions)
    reaction = ops_issues.react(sandbox, comment.reactions, body.content, installation.app.bot)
    status = 201 if len(comment.reactions) > count else 200
    return ok(sandbox.issue_shapes.reaction(reaction), status)


@router.post("/repos/{owner}/{repo}/issues/{number}/reactions")
def react_to_issue(
    number: int,
    body: ReactionIn,
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = repo.issue(number)
    count = len(issue.reactions)
    reaction = ops_issues.react(sandbox, issue.reactions, body.content, installation.app.bot)
    status = 201 if len(issue.reactions) > count else 200
    return ok(sandbox.issue_shapes.reaction(reaction), status)


# Labels -------------------------------------------------------------------------------


class LabelsIn(BaseModel):
    labels: list[Any]


def _issue_labels(sandbox: SandboxDep, repo: RepoDep, issue: Issue) -> JSONResponse:
    return ok([sandbox.issue_shapes.label(repo, label) for label in issue.labels])


@router.get("/repos/{owner}/{repo}/issues/{number}/labels")
def list_issue_labels(number: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    return _issue_labels(sandbox, repo, repo.issue(number))


@router.post("/repos/{owner}/{repo}/issues/{number}/labels")
def add_issue_labels(
    number: int,
    body: LabelsIn | list[Any],
    repo: RepoDep,
    installation: InstallationDep,
    sandbox: SandboxDep,
) -> JSONResponse:
    issue = repo.issue(number)
    _writer(installation, issue)
    names = _label_names(body.labels if isinstance(body, LabelsIn) else body)
    ops_issues.add_labels(sandbox, repo, issue, names, installation.app.bot)
    return _issue_labels(sandbox, repo, issue)


@router.delete("/repos/{owner}/{repo}/issues/{number}/labels/{name}")
def remove_issue_label(
    number: int, name: str, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    issue = repo.issue(number)
    _writer(installation, issue)
    ops_issues.remove_label(sandbox, repo, issue, name, installation.app.bot)
    return _issue_labels(sandbox, repo, issue)


class LabelCreate(BaseModel):
    name: str
    color: str = ops_issues.NEW_LABEL_COLOR
    description: str | None = None


@router.get("/repos/{owner}/{repo}/labels")
def list_labels(repo: RepoDep, sandbox: SandboxDep, paging: PagingDep) -> JSONResponse:
    shaped = [sandbox.issue_shapes.label(repo, label) for label in repo.labels.values()]
    return paging.respond(shaped)


@router.get("/repos/{owner}/{repo}/labels/{name}")
def get_label(name: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    label = repo.labels.get(name.lower())
    if label is None:
        raise not_found()
    return ok(sandbox.issue_shapes.label(repo, label))


@router.post("/repos/{owner}/{repo}/labels")
def create_label(
    body: LabelCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    _writer(installation)
    label = ops_issues.create_label(sandbox, repo, body.name, body.color, body.description)
    return ok(sandbox.issue_shapes.label(repo, label), 201)
