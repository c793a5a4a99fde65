"""The sign-in pages of the OAuth web flow, the token exchange, and what a user token can read.

The sign-in page lets the person at the browser pick any of the sandbox's people, so a
web app's access rules can be tried as an owner, a collaborator or an outsider.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse

from bot.rendering import render_html
from bot.sandbox.auth import bad_credentials
from bot.sandbox.deps import LockedRoute, SandboxDep, bearer, ok
from bot.sandbox.errors import not_found
from bot.sandbox.oauth import Grant
from bot.sandbox.people import Sandbox
from bot.sandbox.state import App, Repo

web_router = APIRouter(route_class=LockedRoute)
router = APIRouter(route_class=LockedRoute)
MAX_FORM_BYTES = 16_384


def _app_by_client_id(sandbox: Sandbox, client_id: str | None) -> App | None:
    return next((a for a in sandbox.state.apps.values() if a.client_id == client_id), None)


def _refusal(message: str, status: int = 404) -> HTMLResponse:
    body = render_html("sandbox/web/not_found.html.j2", title="Sign-in refused", what=message)
    return HTMLResponse(body, status_code=status)


@web_router.get("/login/oauth/authorize", response_class=HTMLResponse)
def authorize_page(
    sandbox: SandboxDep,
    client_id: str | None = None,
    redirect_uri: str | None = None,
    state: str | None = None,
) -> HTMLResponse:
    app = _app_by_client_id(sandbox, client_id)
    if app is None or not redirect_uri:
        return _refusal("app with that client id (or no redirect_uri was given)")
    people = sorted(
        (a for a in sandbox.state.accounts.values() if a.type == "User"),
        key=lambda a: a.login.lower(),
    )
    body = render_html(
        "sandbox/web/sign_in.html.j2",
        title=f"Sign in to {app.name}",
        app=app,
        people=people,
        redirect_uri=redirect_uri,
        state=state,
    )
    return HTMLResponse(body)


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return {}
    return {key: values[0] for key, values in parse_qs(raw.decode(errors="replace")).items()}


FormDep = Annotated[dict[str, str], Depends(_form)]


@web_router.post("/login/oauth/authorize", response_model=None)
def authorize(sandbox: SandboxDep, form: FormDep) -> RedirectResponse | HTMLResponse:
    """The person picked who they are: back to the app's callback with a code and the state."""
    app = _app_by_client_id(sandbox, form.get("client_id"))
    account = sandbox.state.accounts.get(form.get("login", "").lower())
    redirect_uri = form.get("redirect_uri")
    if app is None or account is None or account.type != "User" or not redirect_uri:
        return _refusal("such app or person")
    code = sandbox.user_tokens.issue_code(account.login, app.id, redirect_uri)
    query = {"code": code}
    if form.get("state"):
        query["state"] = form["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)


@web_router.post("/login/oauth/access_token", response_model=None)
def access_token(
    request: Request, sandbox: SandboxDep, form: FormDep
) -> JSONResponse | PlainTextResponse:
    """GitHub answers 200 even for a bad code, with an ``error`` field."""
    app = _app_by_client_id(sandbox, form.get("client_id"))
    body: dict[str, str]
    if app is None or form.get("client_secret") != app.client_secret:
        body = {"error": "incorrect_client_credentials"}
    else:
        code, redirect_uri = form.get("code", ""), form.get("redirect_uri")
        token = sandbox.user_tokens.exchange(code, app.id, redirect_uri)
        if token is None:
            body = {"error": "bad_verification_code"}
        else:
            body = {"access_token": token, "token_type": "bearer", "scope": ""}
    if "json" in request.headers.get("accept", ""):
        return JSONResponse(body)
    return PlainTextResponse(urlencode(body), media_type="application/x-www-form-urlencoded")


def user_grant(sandbox: Sandbox, request: Request) -> Grant | None:
    """The person a ``ghu_`` token acts for, when the request carries one."""
    header = request.headers.get("authorization", "")
    if "ghu_" not in header:
        return None
    grant = sandbox.user_tokens.lookup(bearer(request))
    if grant is None:
        raise bad_credentials()
    return grant


@router.get("/user")
def authenticated_user(request: Request, sandbox: SandboxDep) -> JSONResponse:
    grant = user_grant(sandbox, request)
    if grant is None:
        raise bad_credentials()
    return ok(sandbox.shapes.user(sandbox.state.account(grant.login)))


def repo_for_user(sandbox: Sandbox, grant: Grant, owner: str, name: str) -> JSONResponse:
    """A user token reads a repository its person can read and the app is installed on.

    That is GitHub's rule for user tokens of Apps; ``permissions`` are the person's own.
    """
    repo: Repo = sandbox.state.repo(owner, name)
    role = sandbox.state.permission(repo, grant.login)
    installed = any(
        inst.app.id == grant.app_id for inst in sandbox.state.installations_covering(repo)
    )
    if not installed or (repo.private and role == "none"):
        raise not_found()
    body = sandbox.shapes.repo(repo)
    levels = ("read", "triage", "write", "maintain", "admin")
    body["permissions"] = {
        "pull": not repo.private or role in levels,
        "triage": role in levels[1:],
        "push": role in levels[2:],
        "maintain": role in levels[3:],
        "admin": role == "admin",
    }
    return ok(body)
