"""Read-only HTML pages for what GitHub shows people: repositories, files, issues, pull requests.

Godwit writes web links (``html_url``, blob links with ``#L12``, commit links) into plan
comments, dashboards and PR bodies; these pages make every such link answer in a browser,
so a person can see what a reviewer would see. Nothing here changes the sandbox, and
every value shown is escaped (bodies are rendered from Markdown without raw HTML).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.rendering import render_html
from bot.sandbox.deps import LockedRoute, SandboxDep
from bot.sandbox.diffs import FileDiff, diff_trees
from bot.sandbox.errors import GitHubError
from bot.sandbox.gitobjects import GitObjectError
from bot.sandbox.markdown import markdown_html
from bot.sandbox.people import Sandbox
from bot.sandbox.state import Issue, Label, Reaction, Repo

router = APIRouter(route_class=LockedRoute)
RESERVED_OWNERS = frozenset(
    {"api", "_sandbox", "apps", "login", "settings", "organizations", "static"}
)
"""First path segments that belong to the API or the web flows, never to an account."""
EMOJI = {
    "+1": "👍",
    "-1": "👎",
    "laugh": "😄",
    "confused": "😕",
    "heart": "❤️",
    "hooray": "🎉",
    "rocket": "🚀",
    "eyes": "👀",
}
_HEX_COLOR = re.compile(r"[0-9a-fA-F]{6}")
MAX_SHOWN_BYTES = 1_000_000
"""Larger files are not shown inline, like GitHub's "view raw" cut-off."""


def page(template: str, **context: object) -> HTMLResponse:
    return HTMLResponse(render_html(f"sandbox/web/{template}", **context))


def not_found_page(what: str) -> HTMLResponse:
    body = render_html("sandbox/web/not_found.html.j2", title="Not found", what=what)
    return HTMLResponse(body, status_code=404)


def _repo(sandbox: Sandbox, owner: str, name: str) -> Repo | None:
    if owner.lower() in RESERVED_OWNERS:
        return None
    return sandbox.state.repos.get(f"{owner}/{name}".lower())


@dataclass(frozen=True)
class LabelView:
    name: str
    color: str | None


def labels_of(labels: list[Label]) -> list[LabelView]:
    return [
        LabelView(label.name, label.color if _HEX_COLOR.fullmatch(label.color) else None)
        for label in labels
    ]


def reactions_of(reactions: list[Reaction]) -> list[tuple[str, str, int]]:
    """(emoji, name, count) per kind of reaction present, in GitHub's order."""
    counts = Counter(reaction.content for reaction in reactions)
    return [(EMOJI[name], name, counts[name]) for name in EMOJI if counts[name]]


@router.get("/", response_class=HTMLResponse)
def repositories(sandbox: SandboxDep) -> HTMLResponse:
    repos = sorted(sandbox.state.repos.values(), key=lambda r: r.full_name.lower())
    return page("repositories.html.j2", title="Repositories", repos=repos)


@router.get("/apps/{slug}", response_class=HTMLResponse)
def app_page(slug: str, sandbox: SandboxDep) -> HTMLResponse:
    found = next((a for a in sandbox.state.apps.values() if a.slug == slug), None)
    if found is None:
        return not_found_page(f"app {slug}")
    installs = [i for i in sandbox.state.installations.values() if i.app.id == found.id]
    return page("app.html.j2", title=found.name, app=found, installations=installs)


@router.get("/{owner}", response_class=HTMLResponse)
def account(owner: str, sandbox: SandboxDep) -> HTMLResponse:
    found = None if owner.lower() in RESERVED_OWNERS else sandbox.state.accounts.get(owner.lower())
    if found is None:
        return not_found_page(f"account {owner}")
    repos = sorted(
        (r for r in sandbox.state.repos.values() if r.owner.id == found.id),
        key=lambda r: r.name.lower(),
    )
    return page("account.html.j2", title=found.login, account=found, repos=repos)


def _tree_page(sandbox: Sandbox, repo: Repo, ref: str) -> HTMLResponse:
    try:
        sha = repo.resolve(ref)
    except GitHubError:
        return not_found_page(f"{ref} in {repo.full_name}")
    files = sorted(repo.objects.flatten(repo.objects.commit(sha).tree))
    issues = sorted(repo.issues.values(), key=lambda i: -i.number)
    return page(
        "repository.html.j2",
        title=repo.full_name,
        repo=repo,
        ref=ref,
        sha=sha,
        files=[(path, blob_href(repo, ref, path)) for path in files],
        issues=issues,
    )


@router.get("/{owner}/{name}", response_class=HTMLResponse)
def repository(owner: str, name: str, sandbox: SandboxDep) -> HTMLResponse:
    repo = _repo(sandbox, owner, name)
    if repo is None:
        return not_found_page(f"repository {owner}/{name}")
    if not repo.refs:
        return page(
            "repository.html.j2",
            title=repo.full_name,
            repo=repo,
            ref=None,
            sha=None,
            files=[],
            issues=[],
        )
    return _tree_page(sandbox, repo, repo.default_branch)


@router.get("/{owner}/{name}/tree/{ref:path}", response_class=HTMLResponse)
def tree(owner: str, name: str, ref: str, sandbox: SandboxDep) -> HTMLResponse:
    repo = _repo(sandbox, owner, name)
    if repo is None:
        return not_found_page(f"repository {owner}/{name}")
    return _tree_page(sandbox, repo, ref)


def blob_href(repo: Repo, ref: str, path: str) -> str:
    return f"/{repo.full_name}/blob/{quote(ref, safe='/')}/{quote(path, safe='/')}"


def split_ref_path(repo: Repo, rest: str) -> tuple[str, str] | None:
    """GitHub's ``blob/<ref>/<path>``: the longest leading part that names a ref or commit."""
    parts = rest.split("/")
    for cut in range(len(parts) - 1, 0, -1):
        ref = "/".join(parts[:cut])
        try:
            repo.resolve(ref)
        except GitHubError:
            continue
        return ref, "/".join(parts[cut:])
    return None


@router.get("/{owner}/{name}/blob/{rest:path}", response_class=HTMLResponse)
def blob(owner: str, name: str, rest: str, sandbox: SandboxDep) -> HTMLResponse:
    repo = _repo(sandbox, owner, name)
    found = None if repo is None or not repo.refs else split_ref_path(repo, rest)
    if repo is None or found is None:
        return not_found_page(f"{rest} in {owner}/{name}")
    ref, path = found
    entry = repo.objects.flatten(repo.objects.commit(repo.resolve(ref)).tree).get(path)
    if entry is None:
        return not_found_page(f"{path} at {ref} in {repo.full_name}")
    data = repo.objects.blob(entry.sha)
    text: str | None
    try:
        text = data.decode() if len(data) <= MAX_SHOWN_BYTES else None
    except UnicodeDecodeError:
        text = None
    return page(
        "blob.html.j2",
        title=f"{path} at {ref} · {repo.full_name}",
        repo=repo,
        ref=ref,
        path=path,
        size=len(data),
        lines=None if text is None else text.splitlines(),
    )


@router.get("/{owner}/{name}/commit/{sha}", response_class=HTMLResponse)
def commit(owner: str, name: str, sha: str, sandbox: SandboxDep) -> HTMLResponse:
    repo = _repo(sandbox, owner, name)
    if repo is None or not repo.objects.has_commit(sha):
        return not_found_page(f"commit {sha} in {owner}/{name}")
    found = repo.objects.commit(sha)
    parent_tree = repo.objects.commit(found.parents[0]).tree if found.parents else None
    diffs = diff_trees(repo.objects, parent_tree, found.tree)
    return page(
        "commit.html.j2",
        title=f"{found.message.splitlines()[0] if found.message else sha} · {repo.full_name}",
        repo=repo,
        commit=found,
        files=[diff_view(item) for item in diffs],
    )


@router.get("/{owner}/{name}/compare/{basehead:path}", response_class=HTMLResponse)
def compare(owner: str, name: str, basehead: str, sandbox: SandboxDep) -> HTMLResponse:
    repo = _repo(sandbox, owner, name)
    base_ref, separator, head_ref = basehead.partition("...")
    if repo is None or not separator:
        return not_found_page(f"comparison {basehead} in {owner}/{name}")
    try:
        base, head = repo.resolve(base_ref), repo.resolve(head_ref)
    except GitHubError:
        return not_found_page(f"comparison {basehead} in {repo.full_name}")
    start = repo.objects.merge_base(base, head) or base
    diffs = diff_trees(
        repo.objects, repo.objects.commit(start).tree, repo.objects.commit(head).tree
    )
    return page(
        "compare.html.j2",
        title=f"Comparing {basehead} · {repo.full_name}",
        repo=repo,
        base=base_ref,
        head=head_ref,
        files=[diff_view(item) for item in diffs],
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "hunk" or "context"
    text: str


@dataclass(frozen=True)
class DiffView:
    filename: str
    status: str
    additions: int
    deletions: int
    lines: tuple[DiffLine, ...] | None  # None: binary


def diff_view(item: FileDiff) -> DiffView:
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    lines = (
        None
        if item.patch is None
        else tuple(
            DiffLine(kinds.get(line[:1], "context"), line) for line in item.patch.split("\n")
        )
    )
    return DiffView(item.filename, item.status, item.additions, item.deletions, lines)


def _issue(sandbox: Sandbox, owner: str, name: str, number: int) -> tuple[Repo, Issue] | None:
    repo = _repo(sandbox, owner, name)
    issue = None if repo is None else repo.issues.get(number)
    return None if repo is None or issue is None else (repo, issue)


def _conversation(sandbox: Sandbox, repo: Repo, issue: Issue) -> dict[str, object]:
    return {
        "repo": repo,
        "issue": issue,
        "body": markdown_html(issue.body),
        "labels": labels_of(issue.labels),
        "reactions": reactions_of(issue.reactions),
        "comments": [
            {
                "id": comment.id,
                "user": comment.user.login,
                "created_at": comment.created_at,
                "body": markdown_html(comment.body),
                "reactions": reactions_of(comment.reactions),
            }
            for comment in issue.comments
        ],
    }


@router.get("/{owner}/{name}/issues/{number}", response_class=HTMLResponse, response_model=None)
def issue_page(
    owner: str, name: str, number: int, sandbox: SandboxDep
) -> HTMLResponse | RedirectResponse:
    found = _issue(sandbox, owner, name, number)
    if found is None:
        return not_found_page(f"issue #{number} in {owner}/{name}")
    repo, issue = found
    if issue.pull is not None:  # GitHub sends pull request numbers to the pull request
        return RedirectResponse(f"/{repo.full_name}/pull/{number}", status_code=302)
    return page(
        "issue.html.j2",
        title=f"{issue.title} · Issue #{number} · {repo.full_name}",
        **_conversation(sandbox, repo, issue),
    )


def _pull_context(sandbox: Sandbox, repo: Repo, issue: Issue) -> dict[str, object]:
    assert issue.pull is not None
    pull = issue.pull
    checks = [
        run for suite in repo.check_suites if suite.head_sha == pull.head_sha for run in suite.runs
    ]
    reviews = [
        {
            "user": review.user.login,
            "state": review.state,
            "submitted_at": review.submitted_at,
            "body": markdown_html(review.body),
            "comments": [
                {
                    "path": c.path,
                    "line": c.line,
                    "body": markdown_html(c.body),
                    "user": c.user.login,
                }
                for c in pull.review_comments
                if c.review_id == review.id
            ],
        }
        for review in pull.reviews
    ]
    loose = [
        {"path": c.path, "line": c.line, "body": markdown_html(c.body), "user": c.user.login}
        for c in pull.review_comments
        if c.review_id is None
    ]
    return {
        **_conversation(sandbox, repo, issue),
        "pull": pull,
        "checks": checks,
        "reviews": reviews,
        "loose_comments": loose,
        "requested": [account.login for account in pull.requested_reviewers],
    }


@router.get("/{owner}/{name}/pull/{number}", response_class=HTMLResponse)
def pull_page(owner: str, name: str, number: int, sandbox: SandboxDep) -> HTMLResponse:
    found = _issue(sandbox, owner, name, number)
    if found is None or found[1].pull is None:
        return not_found_page(f"pull request #{number} in {owner}/{name}")
    repo, issue = found
    return page(
        "pull.html.j2",
        title=f"{issue.title} · Pull Request #{number} · {repo.full_name}",
        tab="conversation",
        **_pull_context(sandbox, repo, issue),
    )


@router.get("/{owner}/{name}/pull/{number}/files", response_class=HTMLResponse)
def pull_files(owner: str, name: str, number: int, sandbox: SandboxDep) -> HTMLResponse:
    found = _issue(sandbox, owner, name, number)
    if found is None or found[1].pull is None:
        return not_found_page(f"pull request #{number} in {owner}/{name}")
    repo, issue = found
    pull = issue.pull
    assert pull is not None
    try:
        base = repo.objects.merge_base(pull.base_sha, pull.head_sha) or pull.base_sha
        diffs = diff_trees(
            repo.objects, repo.objects.commit(base).tree, repo.objects.commit(pull.head_sha).tree
        )
    except GitObjectError:
        diffs = []
    return page(
        "pull_files.html.j2",
        title=f"Files changed · Pull Request #{number} · {repo.full_name}",
        tab="files",
        repo=repo,
        issue=issue,
        pull=pull,
        files=[diff_view(item) for item in diffs],
    )


@router.get("/{owner}/{name}/runs/{run_id}", response_class=HTMLResponse)
def check_run(owner: str, name: str, run_id: int, sandbox: SandboxDep) -> HTMLResponse:
    found = sandbox.state.check_runs.get(run_id)
    repo = _repo(sandbox, owner, name)
    if found is None or repo is None or found[0].id != repo.id:
        return not_found_page(f"check run {run_id} in {owner}/{name}")
    run = found[1]
    return page(
        "check_run.html.j2",
        title=f"{run.name} · {repo.full_name}",
        repo=repo,
        run=run,
        summary=markdown_html(run.summary),
    )
