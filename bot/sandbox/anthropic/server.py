"""Run the fake Messages API under uvicorn on a free loopback port, for a ``with`` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.sandbox.anthropic.app import create_app
from bot.sandbox.anthropic.script import ScriptedModel
from bot.sandbox.loopback import serve_on_loopback


@dataclass(frozen=True)
class FakeAnthropicServer:
    """A running fake: give ``url`` to the SDK as ``base_url``; ``model`` holds the script."""

    model: ScriptedModel
    url: str


@contextmanager
def serve_anthropic(
    model: ScriptedModel | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[FakeAnthropicServer]:
    model = model or ScriptedModel()
    with serve_on_loopback(
        lambda _url: create_app(model),
        host,
        port,
        thread_name="fake-anthropic",
        label="the fake Anthropic API",
    ) as url:
        yield FakeAnthropicServer(model, url)
