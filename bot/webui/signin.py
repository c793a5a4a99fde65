"""Signing in with GitHub (the App's OAuth web flow) and signing out, for the dashboard.

``/login`` starts the flow with a fresh ``state`` tied to this browser, ``/callback``
checks it (once), exchanges the code for the person's token and asks GitHub who they
are, ``/logout`` ends the session on the server. Only dashboard paths are followed
after signing in, so the flow cannot be used to send people elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.github.manifest import DASHBOARD_CALLBACK
from bot.webui.oauth import OAuthApp, SignInError
from bot.webui.sessions import SESSION_COOKIE, STATE_COOKIE, STATE_LIFETIME_S, SessionStore

PREFIX = "/dashboard"
MAX_NEXT = 2000

SessionCookie = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]
StateCookie = Annotated[str | None, Cookie(alias=STATE_COOKIE)]
Page = Callable[..., HTMLResponse]


def add_sign_in_routes(
    router: APIRouter,
    *,
    store: SessionStore,
    oauth: OAuthApp,
    base_url: Callable[[Request], str],
    session_seconds: float,
    page: Page,
) -> None:
    """Register ``/login``, ``/callback`` and ``/logout`` on the dashboard's router."""

    @router.get("/login", response_model=None)
    def login(request: Request, next: str = PREFIX + "/") -> RedirectResponse:
        state, cookie = store.begin_sign_in(_local(next))
        redirect = oauth.authorize_url(f"{base_url(request)}{DASHBOARD_CALLBACK}", state)
        answer = RedirectResponse(redirect, status_code=303)
        _set_cookie(answer, base_url(request), STATE_COOKIE, cookie, STATE_LIFETIME_S)
        return answer

    @router.get("/callback", response_model=None)
    def callback(
        request: Request,
        state_cookie: StateCookie = None,
        code: str | None = None,
        state: str | None = None,
    ) -> Response:
        next_path = store.finish_sign_in(state, state_cookie)
        if next_path is None or not code or len(code) > 200:
            return page(
                "signed_out.html.j2",
                400,
                title="Sign-in failed",
                user=None,
                reason=None,
                stale_state=True,
            )
        try:
            token = oauth.exchange(code, f"{base_url(request)}{DASHBOARD_CALLBACK}")
            login_name = oauth.login_of(token)
        except SignInError as error:
            return page(
                "signed_out.html.j2",
                502,
                title="Sign-in failed",
                user=None,
                reason=str(error),
                stale_state=False,
            )
        answer = RedirectResponse(next_path, status_code=303)
        _set_cookie(
            answer,
            base_url(request),
            SESSION_COOKIE,
            store.create(login_name, token),
            session_seconds,
        )
        answer.delete_cookie(STATE_COOKIE, path=PREFIX)
        return answer

    @router.post("/logout", response_model=None)
    def logout(request: Request, session_cookie: SessionCookie = None) -> Response:
        store.drop(session_cookie)
        answer = page(
            "signed_out.html.j2", title="Signed out", user=None, reason=None, stale_state=False
        )
        answer.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return answer


def _local(path: str) -> str:
    """Only paths of the dashboard itself are followed after signing in (no open redirect)."""
    if len(path) <= MAX_NEXT and path.startswith(PREFIX + "/") and "\\" not in path:
        return path
    return PREFIX + "/"


def _set_cookie(answer: Response, base: str, name: str, value: str, seconds: float) -> None:
    """Lax, not Strict: the callback is a top-level navigation from GitHub and needs its cookie."""
    answer.set_cookie(
        name,
        value,
        max_age=int(seconds),
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=base.startswith("https://"),
    )
