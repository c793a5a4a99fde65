"""Run the fake Messages API under uvicorn on a free loopback port, for a ``with`` block."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from bot.sandbox.anthropic.app import create_app
from bot.sandbox.anthropic.script import ScriptedModel

STARTUP_TIMEOUT_S = 10.0


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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(model), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="fake-anthropic", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake Anthropic API did not start")
        time.sleep(0.01)
    try:
        yield FakeAnthropicServer(model, f"http://{host}:{bound_port}")
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        listener.close()
