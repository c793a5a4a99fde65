"""Request plumbing shared by the routers: the sandbox, callers, repository access, paging."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from bot.sandbox.auth import bad_credentials, verify_app_jwt
from bot.sandbox.errors import GitHubError, not_found
from bot.sandbox.people import Sandbox
from bot.sandbox.state import App, Installation, Repo

LEVELS = ("none", "read", "write", "admin")


class LockedRoute(APIRoute):
    """Runs each endpoint under the state lock.

    Requests are served on several threads and the person API runs on others; holding the
    lock for a whole request means no reader iterates a dict another request is changing, and
    no client ever sees a half-applied change (GitHub's API is consistent per request).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _under_lock(endpoint), **kwargs)


def _under_lock(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if "sandbox" not in inspect.signature(endpoint).parameters:
        raise TypeError(f"{endpoint.__name__} must take the sandbox to lock its state")

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        with kwargs["sandbox"].state.lock:
            return endpoint(*args, **kwargs)

    return run


def get_sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(get_sandbox)]


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not value:
        raise GitHubError(401, "Requires authentication")
    return value.strip()


def get_app(request: Request, sandbox: SandboxDep) -> App:
    """The app behind a JWT; installation tokens are refused like on GitHub."""
    token = bearer(request)
    if token.startswith("ghs_"):
        raise GitHubError(401, "A JSON web token could not be decoded")
    return verify_app_jwt(sandbox.state, token)


def get_installation(request: Request, sandbox: SandboxDep) -> Installation:
    """The installation an access token acts for; expired or unknown tokens are bad credentials."""
    issued = sandbox.tokens.lookup(bearer(request))
    installation = sandbox.state.installations.get(issued.installation_id) if issued else None
    if installation is None:
        raise bad_credentials()
    return installation


AppDep = Annotated[App, Depends(get_app)]
InstallationDep = Annotated[Installation, Depends(get_installation)]


def visible_repo(sandbox: Sandbox, installation: Installation, owner: str, name: str) -> Repo:
    """A repository the installation can see; others are 404, as GitHub hides them."""
    repo = sandbox.state.repo(owner, name)
    if not installation.covers(repo):
        raise not_found()
    return repo


def get_repo(owner: str, repo: str, sandbox: SandboxDep, installation: InstallationDep) -> Repo:
    return visible_repo(sandbox, installation, owner, repo)


RepoDep = Annotated[Repo, Depends(get_repo)]


def require(installation: Installation, permission: str, level: str) -> None:
    """Refuse with GitHub's 403 when the app lacks ``permission`` at ``level``."""
    granted = installation.app.permissions.get(permission, "none")
    if LEVELS.index(granted) < LEVELS.index(level):
        raise GitHubError(403, "Resource not accessible by integration")


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def paginate(
    request: Request, items: list[Any], per_page: int, page: int
) -> tuple[list[Any], dict[str, str]]:
    """One page of a list and GitHub's ``Link`` header, so paginating clients stop correctly."""
    per_page = max(1, min(per_page, 100))
    page = max(1, page)
    last = max(1, -(-len(items) // per_page))
    links = [
        f'<{request.url.include_query_params(page=target, per_page=per_page)}>; rel="{rel}"'
        for rel, target in (("next", page + 1), ("last", last))
        if page < last
    ]
    return items[(page - 1) * per_page : page * per_page], {
        "link": ", ".join(links)
    } if links else {}


def listing(request: Request, items: list[Any], per_page: int, page: int) -> JSONResponse:
    chunk, headers = paginate(request, items, per_page, page)
    return JSONResponse(chunk, headers=headers)


@dataclass(frozen=True)
class Paging:
    """The page a list endpoint was asked for, from GitHub's ``per_page`` and ``page`` query.

    One dependency gives every list endpoint the same query parameters and the same ``Link``
    header, so no endpoint pages differently from the others.
    """

    request: Request
    per_page: int
    page: int

    def cut(self, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """This page of ``items`` and its ``Link`` header, for bodies that wrap the page."""
        return paginate(self.request, items, self.per_page, self.page)

    def respond(self, items: list[Any]) -> JSONResponse:
        return listing(self.request, items, self.per_page, self.page)


def get_paging(request: Request, per_page: int = 30, page: int = 1) -> Paging:
    return Paging(request, per_page, page)


PagingDep = Annotated[Paging, Depends(get_paging)]
