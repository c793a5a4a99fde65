"""App and installation endpoints: who the app is, where it is installed, access tokens."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.sandbox.deps import AppDep, InstallationDep, LockedRoute, PagingDep, SandboxDep, ok
from bot.sandbox.errors import not_found
from bot.sandbox.shapes import ts

router = APIRouter(route_class=LockedRoute)


@router.get("/app")
def get_authenticated_app(app: AppDep, sandbox: SandboxDep) -> JSONResponse:
    return ok(sandbox.shapes.app(app))


@router.get("/app/installations")
def list_installations(app: AppDep, sandbox: SandboxDep, paging: PagingDep) -> JSONResponse:
    installations = [i for i in sandbox.state.installations.values() if i.app.id == app.id]
    shaped = [sandbox.shapes.installation(i) for i in installations]
    return paging.respond(shaped)


@router.get("/app/installations/{installation_id}")
def get_installation(installation_id: int, app: AppDep, sandbox: SandboxDep) -> JSONResponse:
    installation = sandbox.state.installations.get(installation_id)
    if installation is None or installation.app.id != app.id:
        raise not_found()
    return ok(sandbox.shapes.installation(installation))


@router.post("/app/installations/{installation_id}/access_tokens")
def create_access_token(installation_id: int, app: AppDep, sandbox: SandboxDep) -> JSONResponse:
    installation = sandbox.state.installations.get(installation_id)
    if installation is None or installation.app.id != app.id:
        raise not_found()
    issued = sandbox.tokens.issue(installation)
    body = {
        "token": issued.token,
        "expires_at": ts(issued.expires_at),
        "permissions": dict(app.permissions),
        "repository_selection": ("all" if installation.repository_ids is None else "selected"),
    }
    return ok(body, 201)


@router.get("/repos/{owner}/{repo}/installation")
def get_repo_installation(owner: str, repo: str, app: AppDep, sandbox: SandboxDep) -> JSONResponse:
    target = sandbox.state.repo(owner, repo)
    for installation in sandbox.state.installations_covering(target):
        if installation.app.id == app.id:
            return ok(sandbox.shapes.installation(installation))
    raise not_found()


@router.get("/orgs/{org}/installation")
def get_org_installation(org: str, app: AppDep, sandbox: SandboxDep) -> JSONResponse:
    account = sandbox.state.account(org)
    for installation in sandbox.state.installations.values():
        if installation.app.id == app.id and installation.account.id == account.id:
            return ok(sandbox.shapes.installation(installation))
    raise not_found()


@router.get("/installation/repositories")
def list_installation_repos(
    installation: InstallationDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    repos = sorted(sandbox.state.installation_repos(installation), key=lambda r: r.id)
    chunk, headers = paging.cut(repos)
    body = {
        "total_count": len(repos),
        "repository_selection": "all" if installation.repository_ids is None else "selected",
        "repositories": [sandbox.shapes.repo(repo) for repo in chunk],
    }
    return ok(body, headers=headers)
