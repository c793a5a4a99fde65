"""The sandbox as a real HTTP server on loopback, in a background thread.

``serve()`` is a context manager so a test fixture, a benchmark or ``godwit demo`` can run
a GitHub for exactly as long as it needs one, on a free port, with no setup.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.sandbox import (
    routes_app,
    routes_checks,
    routes_control,
    routes_git,
    routes_issues,
    routes_misc,
    routes_oauth,
    routes_pulls,
    routes_repos,
    routes_web,
)
from bot.sandbox.errors import DOCS, GitHubError
from bot.sandbox.gitobjects import GitObjectError
from bot.sandbox.limits import RATE_LIMIT, SECONDARY_LIMIT_MESSAGE, RequestRecord
from bot.sandbox.loopback import serve_on_loopback
from bot.sandbox.people import Sandbox

API_PREFIX = "/api/v3"
LIMIT_WINDOWS_S = {"content_per_minute": 60, "content_per_hour": 3600, "concurrent": 60}


def _error(error: GitHubError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def create_api(sandbox: Sandbox) -> FastAPI:
    """The ASGI app: GitHub's REST API under ``/api/v3``, the web flows and ``/_sandbox``."""
    api = FastAPI(title="Godwit GitHub sandbox", docs_url=None, redoc_url=None)
    api.state.sandbox = sandbox
    # Checks first: ``/commits/{ref:path}`` in routes_repos would swallow ``/check-runs``.
    for module in (
        routes_oauth,
        routes_checks,
        routes_app,
        routes_git,
        routes_repos,
        routes_issues,
        routes_pulls,
        routes_misc,
    ):
        api.include_router(module.router, prefix=API_PREFIX)
    api.include_router(routes_misc.web_router)
    api.include_router(routes_oauth.web_router)
    api.include_router(routes_control.router)
    api.include_router(routes_web.router)  # last: ``/{owner}/{repo}`` would match anything

    @api.exception_handler(GitHubError)
    async def github_error(request: Request, error: GitHubError) -> JSONResponse:
        return _error(error)

    @api.exception_handler(GitObjectError)
    async def git_error(request: Request, error: GitObjectError) -> JSONResponse:
        return _error(GitHubError(422, str(error)))

    @api.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        body = {
            "message": "Invalid request.",
            "documentation_url": DOCS,
            "status": "422",
            "errors": [str(item.get("msg")) for item in error.errors()],
        }
        return JSONResponse(body, status_code=422)

    @api.middleware("http")
    async def github_behaviour(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not request.url.path.startswith(API_PREFIX):
            return await call_next(request)
        return await _api_request(sandbox, request, call_next)

    return api


def _installation_id(sandbox: Sandbox, request: Request) -> int | None:
    _, _, token = request.headers.get("authorization", "").partition(" ")
    issued = sandbox.tokens.lookup(token.strip())
    return issued.installation_id if issued else None


async def _api_request(
    sandbox: Sandbox, request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Faults first, then secondary limits, then the route; every answer is logged."""
    request_id = uuid.uuid4().hex[:20].upper()
    installation_id = _installation_id(sandbox, request)
    method, path = request.method, request.url.path.removeprefix(API_PREFIX)
    latency, fault = sandbox.faults.draw(method, path)
    if latency:
        await asyncio.sleep(latency)
    violation = None if fault else sandbox.limits.enter(installation_id, method)
    try:
        if fault is not None:
            error = GitHubError(fault.status, fault.message)
            if fault.retry_after is not None:
                error.headers["retry-after"] = str(fault.retry_after)
            response: Response = _error(error)
        elif violation is not None:
            window = LIMIT_WINDOWS_S[violation] / sandbox.limits.config.time_scale
            error = GitHubError(403, SECONDARY_LIMIT_MESSAGE)
            error.headers["retry-after"] = str(max(1, math.ceil(window)))
            response = _error(error)
        else:
            response = await call_next(request)
    finally:
        if fault is None:
            sandbox.limits.leave()
    record = RequestRecord(method, path, installation_id, response.status_code, time.time())
    sandbox.requests.add(record)
    used = sandbox.requests.used_this_hour(installation_id)
    response.headers.update(
        {
            "x-github-request-id": request_id,
            "x-github-api-version-selected": "2022-11-28",
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(max(0, RATE_LIMIT - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str((int(time.time()) // 3600 + 1) * 3600),
            "x-ratelimit-resource": "core",
        }
    )
    return response


@dataclass(frozen=True)
class SandboxServer:
    """A running sandbox: ``url`` for web flows, ``api_url`` for API clients."""

    sandbox: Sandbox
    url: str

    @property
    def api_url(self) -> str:
        """The base URL to give githubkit (trailing slash included)."""
        return f"{self.url}{API_PREFIX}/"


@contextmanager
def serve(
    sandbox: Sandbox | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SandboxServer]:
    """Run the sandbox under uvicorn on ``host:port`` (a free port by default) until exit."""
    sandbox = sandbox or Sandbox()
    try:
        with serve_on_loopback(
            partial(_api_served_at, sandbox),
            host,
            port,
            thread_name="sandbox-server",
            label="the GitHub sandbox",
        ) as url:
            yield SandboxServer(sandbox, url)
    finally:
        sandbox.webhooks.close()


def _api_served_at(sandbox: Sandbox, url: str) -> FastAPI:
    """The API of a sandbox that links to itself (``html_url`` and the like) at ``url``."""
    sandbox.state.base_url = url
    return create_api(sandbox)
