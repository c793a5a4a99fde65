"""Run an ASGI app under uvicorn in a background thread, on a loopback port, for a ``with`` block.

The fakes bind their socket before building the app, so an app that must know its own URL
(the GitHub sandbox writes it into API payloads) gets it from the bound port, even when the
port was picked by the system.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

STARTUP_TIMEOUT_S = 10.0


@contextmanager
def serve_on_loopback(
    app_for: Callable[[str], FastAPI], host: str, port: int, *, thread_name: str, label: str
) -> Iterator[str]:
    """Serve ``app_for(url)`` on ``host:port`` (0 picks a free port) and yield its base URL.

    ``label`` names the server in the error raised when it does not start in time.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    url = f"http://{host}:{listener.getsockname()[1]}"
    config = uvicorn.Config(app_for(url), log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name=thread_name, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{label} did not start")
        time.sleep(0.01)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        listener.close()
