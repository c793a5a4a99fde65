"""The httpx transport under every Godwit GitHub client: counts each request, paces mutations.

Sitting below githubkit, it sees every request actually sent, including retries
and the installation-token requests githubkit's auth flow makes on its own.
"""

from __future__ import annotations

import httpx

from bot.github.metrics import record_request
from bot.github.pacing import MutationPacer, creates_content, is_paced


def relative_path(url: httpx.URL, api_path: str) -> str:
    """The request's path below the API root (``/api/v3`` on a server, nothing on github.com)."""
    if api_path != "/" and url.path.startswith(api_path + "/"):
        return url.path[len(api_path) :]
    return url.path


class GodwitTransport(httpx.BaseTransport):
    """Wrap ``inner`` so requests are counted and, with a ``pacer``, mutations take turns."""

    def __init__(
        self, inner: httpx.BaseTransport, *, api_path: str, pacer: MutationPacer | None
    ) -> None:
        self._inner = inner
        self._api_path = "/" + api_path.strip("/")
        self._pacer = pacer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = relative_path(request.url, self._api_path)
        record_request(request.method, path)
        if self._pacer is None or not is_paced(request.method, path):
            return self._inner.handle_request(request)
        with self._pacer.mutation(content=creates_content(request.method, path)):
            return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class AsyncGodwitTransport(httpx.AsyncBaseTransport):
    """``GodwitTransport`` for githubkit's ``async_`` endpoints; shares the same pacers."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, api_path: str, pacer: MutationPacer | None
    ) -> None:
        self._inner = inner
        self._api_path = "/" + api_path.strip("/")
        self._pacer = pacer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = relative_path(request.url, self._api_path)
        record_request(request.method, path)
        if self._pacer is None or not is_paced(request.method, path):
            return await self._inner.handle_async_request(request)
        async with self._pacer.async_mutation(content=creates_content(request.method, path)):
            return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
