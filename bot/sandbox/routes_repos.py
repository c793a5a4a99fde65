"""Repository endpoints: the repository, branches, commits, compares, tarballs and contents."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from bot.sandbox.deps import (
    LockedRoute,
    RepoDep,
    SandboxDep,
    get_installation,
    listing,
    ok,
    visible_repo,
)
from bot.sandbox.diffs import FileDiff, diff_trees
from bot.sandbox.errors import GitHubError, not_found
from bot.sandbox.people import Sandbox
from bot.sandbox.routes_oauth import repo_for_user, user_grant
from bot.sandbox.shapes import Json
from bot.sandbox.state import Repo

router = APIRouter(route_class=LockedRoute)


def _files(sandbox: Sandbox, repo: Repo, ref: str, diffs: list[FileDiff]) -> list[Json]:
    return [sandbox.issue_shapes.diff_entry(repo, ref, item) for item in diffs]


@router.get("/repos/{owner}/{repo}")
def get_repo(owner: str, repo: str, request: Request, sandbox: SandboxDep) -> JSONResponse:
    """Installation tokens and, for signing people in, user tokens (``ghu_``) alike."""
    grant = user_grant(sandbox, request)
    if grant is not None:
        return repo_for_user(sandbox, grant, owner, repo)
    found = visible_repo(sandbox, get_installation(request, sandbox), owner, repo)
    return ok(sandbox.shapes.repo(found))


@router.get("/repos/{owner}/{repo}/branches/{branch:path}")
def get_branch(branch: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    sha = repo.branch_sha(branch)
    if sha is None:
        raise GitHubError(404, "Branch not found")
    url = f"{sandbox.shapes.repo_url(repo)}/branches/{branch}"
    body = {
        "name": branch,
        "commit": sandbox.shapes.commit(repo, repo.objects.commit(sha)),
        "_links": {"html": f"{sandbox.shapes.web}/{repo.full_name}/tree/{branch}", "self": url},
        "protected": False,
        "protection": {"enabled": False},
        "protection_url": f"{url}/protection",
    }
    return ok(body)


@router.get("/repos/{owner}/{repo}/commits/{ref:path}")
def get_commit(ref: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    commit = repo.objects.commit(repo.resolve(ref))
    parent_tree = repo.objects.commit(commit.parents[0]).tree if commit.parents else None
    diffs = diff_trees(repo.objects, parent_tree, commit.tree)
    return ok(sandbox.shapes.commit(repo, commit, _files(sandbox, repo, commit.sha, diffs)))


@router.get("/repos/{owner}/{repo}/compare/{basehead:path}")
def compare(basehead: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    base_ref, sep, head_ref = basehead.partition("...")
    if not sep:
        raise not_found()
    base, head = repo.resolve(base_ref), repo.resolve(head_ref)
    store = repo.objects
    merge_base = store.merge_base(base, head)
    if merge_base is None:
        raise not_found()
    ahead = store.commits_between(base, head)
    behind = store.commits_between(head, base)
    status = "identical"
    if ahead and behind:
        status = "diverged"
    elif ahead:
        status = "ahead"
    elif behind:
        status = "behind"
    diffs = diff_trees(store, store.commit(merge_base).tree, store.commit(head).tree)
    url = f"{sandbox.shapes.repo_url(repo)}/compare/{basehead}"
    html = f"{sandbox.shapes.web}/{repo.full_name}/compare/{basehead}"
    body = {
        "url": url,
        "html_url": html,
        "permalink_url": f"{sandbox.shapes.web}/{repo.full_name}/compare/{base}...{head}",
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "base_commit": sandbox.shapes.commit(repo, store.commit(base)),
        "merge_base_commit": sandbox.shapes.commit(repo, store.commit(merge_base)),
        "status": status,
        "ahead_by": len(ahead),
        "behind_by": len(behind),
        "total_commits": len(ahead),
        "commits": [sandbox.shapes.commit(repo, commit) for commit in ahead],
        "files": _files(sandbox, repo, head, diffs),
    }
    return ok(body)


@router.get("/repos/{owner}/{repo}/tarball/{ref:path}")
@router.get("/repos/{owner}/{repo}/tarball")
def tarball(repo: RepoDep, sandbox: SandboxDep, ref: str = "") -> Response:
    """The archive GitHub serves, with its ``owner-repo-shortsha/`` top folder."""
    sha = repo.resolve(ref or repo.default_branch)
    folder = f"{repo.owner.login}-{repo.name}-{sha[:7]}"
    headers = {"content-disposition": f"attachment; filename={folder}.tar.gz"}
    return Response(
        repo.objects.tarball(sha, folder), media_type="application/x-gzip", headers=headers
    )


@router.get("/repos/{owner}/{repo}/contents/{path:path}")
@router.get("/repos/{owner}/{repo}/contents")
def get_contents(
    request: Request, repo: RepoDep, sandbox: SandboxDep, path: str = "", ref: str = ""
) -> JSONResponse:
    ref = ref or repo.default_branch
    tree = repo.objects.commit(repo.resolve(ref)).tree
    files = repo.objects.flatten(tree)
    path = path.strip("/")
    if path in files:
        return ok(sandbox.shapes.content_file(repo, files[path], ref))
    prefix = f"{path}/" if path else ""
    children: dict[str, Json] = {}
    for item_path, entry in files.items():
        if not item_path.startswith(prefix):
            continue
        name, _, rest = item_path[len(prefix) :].partition("/")
        if rest:
            children.setdefault(name, _dir_item(sandbox, repo, tree, f"{prefix}{name}", ref))
        else:
            item = sandbox.shapes.content_file(repo, entry, ref)
            del item["content"], item["encoding"]
            children[name] = item
    if not children:
        raise not_found()
    return listing(request, [children[name] for name in sorted(children)], 1000, 1)


def _dir_item(sandbox: Sandbox, repo: Repo, tree: str, path: str, ref: str) -> Json:
    entry = repo.objects.entry_at(tree, path)
    sha = entry.sha if entry is not None else ""
    url = f"{sandbox.shapes.repo_url(repo)}/contents/{path}?ref={ref}"
    git_url = f"{sandbox.shapes.repo_url(repo)}/git/trees/{sha}"
    html = f"{sandbox.shapes.web}/{repo.full_name}/tree/{ref}/{path}"
    return {
        "type": "dir",
        "size": 0,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": None,
        "_links": {"git": git_url, "html": html, "self": url},
    }
