"""A fresh sandbox on a free loopback port per test, githubkit clients, and a webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from githubkit import AppAuthStrategy, GitHub

from bot.sandbox import AppCredentials, Sandbox, SandboxServer, serve

FILES = {
    "README.md": "# jobs\n",
    "sql/daily.sql": "SELECT id\nFROM `proj.legacy.events`\nWHERE day = CURRENT_DATE()\n",
    "sql/weekly.sql": "SELECT 1\n",
}


@dataclass
class Received:
    """Webhook requests as the receiver got them: headers and raw body."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(received.status)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook", received
    server.shutdown()
    server.server_close()


@dataclass
class SandboxEnv:
    sandbox: Sandbox
    server: SandboxServer
    app: AppCredentials
    installation_id: int

    def app_client(self) -> GitHub[AppAuthStrategy]:
        strategy = AppAuthStrategy(str(self.app.app_id), self.app.private_key_pem)
        return GitHub(strategy, base_url=self.server.api_url)

    def client(self) -> GitHub[AppAuthStrategy]:
        gh = self.app_client()
        return gh.with_auth(gh.auth.as_installation(self.installation_id))


@pytest.fixture
def world(receiver: tuple[str, Received]) -> Iterator[SandboxEnv]:
    """Org ``acme`` with repo ``jobs``, people alice (write) and bob, the app installed."""
    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("alice")
    sandbox.create_user("bob")
    app = sandbox.create_app("godwit", receiver[0])
    sandbox.create_repo("acme", "jobs", FILES)
    sandbox.create_repo("acme", "other", {"x.txt": "x\n"})
    sandbox.set_permission("acme/jobs", "alice", "write")
    installation_id = sandbox.install(app.app_id, "acme", repos=["jobs"])
    with serve(sandbox) as server:
        yield SandboxEnv(sandbox, server, app, installation_id)
