"""Build githubkit clients for github.com, GitHub Enterprise Server or the local sandbox.

One factory decides every client option so no caller can forget one: Godwit's
transport (counting, pacing), Godwit's retry decision instead of githubkit's,
no HTTP cache (a worker must act on GitHub's current state, and archives are
too large to keep in memory twice).
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from githubkit import GitHub
from githubkit.auth import BaseAuthStrategy
from githubkit.cache import BaseCacheStrategy

from bot.github.pacing import MutationPacer
from bot.github.retry import DEFAULT_RETRY_POLICY, RetryPolicy, retry_decision
from bot.github.transport import AsyncGodwitTransport, GodwitTransport

GITHUB_API_URL = "https://api.github.com/"
GITHUB_WEB_URL = "https://github.com"
USER_AGENT = "Godwit"

A = TypeVar("A", bound=BaseAuthStrategy)
AnyGitHub = GitHub[Any]
"""A client with any authentication, for helpers that only send requests."""


def api_url(github_url: str) -> str:
    """The REST root for a GitHub address: api.github.com, or ``<host>/api/v3/`` for a server.

    >>> api_url("https://github.example.com")
    'https://github.example.com/api/v3/'
    """
    url = httpx.URL(github_url)
    if url.host in ("github.com", "api.github.com"):
        return GITHUB_API_URL
    path = url.path.rstrip("/")
    if not path.endswith("/api/v3"):
        path += "/api/v3"
    return str(url.copy_with(path=path + "/", query=None, fragment=None))


def web_url(github_url: str) -> str:
    """The web address people open, for the same forms of address ``api_url`` accepts.

    >>> web_url("https://github.example.com/api/v3/")
    'https://github.example.com'
    """
    url = httpx.URL(github_url)
    if url.host in ("github.com", "api.github.com"):
        return GITHUB_WEB_URL
    path = url.path.rstrip("/").removesuffix("/api/v3")
    return str(url.copy_with(path=path or "/", query=None, fragment=None)).rstrip("/")


def build_github(
    auth: A,
    *,
    base_url: str,
    pacer: MutationPacer | None = None,
    retry: RetryPolicy = DEFAULT_RETRY_POLICY,
    cache_strategy: BaseCacheStrategy | None = None,
    timeout: float = 30.0,
) -> GitHub[A]:
    """A client for ``base_url`` (a REST root, see ``api_url``), sync and async alike.

    ``cache_strategy`` holds tokens: githubkit keeps installation tokens until a
    minute before they expire.
    """
    api_path = httpx.URL(base_url).path
    return GitHub(
        auth,
        base_url=base_url,
        user_agent=USER_AGENT,
        timeout=timeout,
        transport=GodwitTransport(httpx.HTTPTransport(), api_path=api_path, pacer=pacer),
        async_transport=AsyncGodwitTransport(
            httpx.AsyncHTTPTransport(), api_path=api_path, pacer=pacer
        ),
        http_cache=False,
        cache_strategy=cache_strategy,
        auto_retry=retry_decision(retry),
    )
