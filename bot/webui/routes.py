"""The dashboard's pages under ``/dashboard``: sign-in, campaigns, one campaign, an owner's PRs.

Read-only by design: every action a page suggests is a link to GitHub, where it happens.
A campaign is shown only to people GitHub lets read the repository hosting its issue;
anyone else gets the same 404 as for a campaign that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from bot.campaigns.board import (
    SORT_KEYS,
    QueryError,
    TableQuery,
    owners_in,
    parse_query,
    select_rows,
    waiting_for,
)
from bot.campaigns.burndown import chart
from bot.campaigns.links import IssueRef, campaign_page_url
from bot.campaigns.states import RepoState
from bot.github.client import api_url, web_url
from bot.rendering import render_html, templates_dir
from bot.service.context import utc_now
from bot.settings import Settings
from bot.webui.oauth import OAuthApp
from bot.webui.reads import CampaignPage, all_campaigns, campaign_page
from bot.webui.sessions import ACCESS_CACHE_S, SessionStore, WebSession
from bot.webui.signin import PREFIX, SessionCookie, add_sign_in_routes

LIVE_INTERVAL_MS = 3000
MAX_OWNER = 200
STATIC = {"style.css": "text/css", "live.js": "text/javascript"}


@dataclass(frozen=True)
class DashboardConfig:
    sessions: sessionmaker[Session]
    oauth: OAuthApp
    session_key: bytes
    session_seconds: float
    stale_days: int
    public_url: str | None
    clock: Callable[[], datetime]


def dashboard_router(config: DashboardConfig) -> APIRouter:
    """The router ``bot.web.create_app`` mounts; it holds its sessions in memory."""
    router = APIRouter(prefix=PREFIX)
    store = SessionStore(config.session_key, config.session_seconds)

    def base_url(request: Request) -> str:
        return (config.public_url or str(request.base_url)).rstrip("/")

    def page(template: str, status: int = 200, /, **context: object) -> HTMLResponse:
        body = render_html(f"web/{template}", prefix=PREFIX, **context)
        return HTMLResponse(body, status_code=status, headers=_NO_STORE)

    def sign_in_first(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/login?{urlencode({'next': target})}", status_code=303)

    def may_read(who: WebSession, repo: str) -> bool:
        now = config.clock().timestamp()
        known = who.readable.get(repo.lower())
        if known is not None and now - known[1] < ACCESS_CACHE_S:
            return known[0]
        answer = config.oauth.can_read(who.token, repo)
        who.readable[repo.lower()] = (answer, now)
        return answer

    def not_found(who: WebSession) -> HTMLResponse:
        return page("not_found.html.j2", 404, title="Not found", user=who.login)

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            return PlainTextResponse("not found", status_code=404)
        text = (templates_dir() / "web" / name).read_text(encoding="utf-8")
        return Response(text, media_type=STATIC[name], headers={"cache-control": "max-age=300"})

    add_sign_in_routes(
        router,
        store=store,
        oauth=config.oauth,
        base_url=base_url,
        session_seconds=config.session_seconds,
        page=page,
    )

    @router.get("/", response_model=None)
    def campaigns(
        request: Request, session_cookie: SessionCookie = None, installation: int | None = None
    ) -> Response:
        who = store.get(session_cookie)
        if who is None:
            return sign_in_first(request)
        with config.sessions() as session:
            listings = all_campaigns(session, installation)
        shown = [c for c in listings if may_read(who, c.repo)]
        accounts = sorted({(c.installation_id, c.account) for c in shown})
        return page(
            "campaigns.html.j2",
            title="Campaigns",
            user=who.login,
            campaigns=shown,
            installations=accounts,
            installation=installation,
            states=[s.value for s in RepoState],
        )

    def load(who: WebSession, owner: str, repo: str, number: int) -> CampaignPage | None:
        """The page's data, or ``None`` for a campaign that is missing or not the person's to see.

        The store answers first, so a made-up address never becomes a request to GitHub.
        """
        with config.sessions() as session:
            found = campaign_page(
                session, f"{owner}/{repo}", number, now=config.clock(), stale_days=config.stale_days
            )
        if found is None or not may_read(who, found.campaign.repo):
            return None
        return found

    def campaign_context(found: CampaignPage, query: TableQuery) -> dict[str, object]:
        issue = IssueRef(found.campaign.repo, found.campaign.issue_number)
        return {
            "found": found,
            "spec": found.spec,
            "issue_url": issue.url(config.oauth.web_base),
            "github_base": config.oauth.web_base,
            "page_url": campaign_page_url(PREFIX, issue.repo, issue.number),
            "rows": select_rows(found.rows, query),
            "query": query,
            "owners": owners_in(found.rows),
            "states": [s for s in RepoState if any(r.state is s for r in found.rows)],
            "sort_keys": list(SORT_KEYS),
            "sort_link": lambda key: _sort_link(query, key),
            "chart": chart(found.days),
            "now": config.clock(),
            "live_interval": LIVE_INTERVAL_MS,
        }

    @router.get("/campaigns/{owner}/{repo}/{number}", response_model=None)
    def campaign(
        request: Request,
        owner: str,
        repo: str,
        number: int,
        session_cookie: SessionCookie = None,
        state: str | None = None,
        by: str | None = None,
        sort: str | None = None,
        order: str | None = None,
    ) -> Response:
        who = store.get(session_cookie)
        if who is None:
            return sign_in_first(request)
        found = load(who, owner, repo, number)
        if found is None:
            return not_found(who)
        try:
            query = parse_query(state, _bounded(by), sort, order)
        except QueryError as error:
            return page(
                "bad_query.html.j2",
                400,
                title="Bad filter",
                user=who.login,
                reason=str(error),
                back=request.url.path,
            )
        return page(
            "campaign.html.j2",
            title=found.spec.title,
            user=who.login,
            live_query=request.url.query,
            **campaign_context(found, query),
        )

    @router.get("/campaigns/{owner}/{repo}/{number}/live", response_model=None)
    def live(
        request: Request,
        owner: str,
        repo: str,
        number: int,
        session_cookie: SessionCookie = None,
        state: str | None = None,
        by: str | None = None,
        sort: str | None = None,
        order: str | None = None,
    ) -> Response:
        """The part of the campaign page that changes, for the page's script to swap in."""
        who = store.get(session_cookie)
        if who is None:
            return PlainTextResponse("signed out", status_code=401)
        found = load(who, owner, repo, number)
        if found is None:
            return PlainTextResponse("not found", status_code=404)
        try:
            query = parse_query(state, _bounded(by), sort, order)
        except QueryError as error:
            return PlainTextResponse(str(error), status_code=400)
        return page("_live.html.j2", **campaign_context(found, query))

    @router.get("/campaigns/{owner}/{repo}/{number}/owners/{who_name:path}", response_model=None)
    def owner_page(
        request: Request,
        owner: str,
        repo: str,
        number: int,
        who_name: str,
        session_cookie: SessionCookie = None,
    ) -> Response:
        who = store.get(session_cookie)
        if who is None:
            return sign_in_first(request)
        found = load(who, owner, repo, number)
        if found is None or len(who_name) > MAX_OWNER:
            return not_found(who)
        issue = IssueRef(found.campaign.repo, found.campaign.issue_number)
        return page(
            "owner.html.j2",
            title=f"{who_name} · {found.spec.title}",
            user=who.login,
            found=found,
            owner=who_name,
            rows=waiting_for(found.rows, who_name),
            issue_url=issue.url(config.oauth.web_base),
            page_url=campaign_page_url(PREFIX, issue.repo, issue.number),
            now=config.clock(),
        )

    return router


_NO_STORE = {"cache-control": "no-store"}


def _bounded(owner: str | None) -> str | None:
    return owner[:MAX_OWNER] if owner else owner


def _sort_link(query: TableQuery, key: str) -> str:
    descending = query.sort == key and not query.descending
    params = {"sort": key, "order": "desc" if descending else "asc"}
    if query.state is not None:
        params["state"] = query.state.value
    if query.owner:
        params["by"] = query.owner
    return "?" + urlencode(params, quote_via=quote)


def dashboard_for(
    settings: Settings, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utc_now
) -> APIRouter | None:
    """The dashboard router for these settings, or ``None`` when sign-in is not configured."""
    if settings.client_id is None or settings.client_secret is None:
        return None
    oauth = OAuthApp(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        web_base=web_url(settings.github_url),
        api_base=api_url(settings.github_url),
    )
    return dashboard_router(
        DashboardConfig(
            sessions=sessions,
            oauth=oauth,
            session_key=settings.session_key(),
            session_seconds=settings.session_hours * 3600,
            stale_days=settings.stale_days,
            public_url=settings.public_url,
            clock=clock,
        )
    )
