"""A sandboxed GitHub over real HTTP, with Godwit's App installed on ``acme/etl``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.github.auth import GitHubApp
from bot.github.retry import RetryPolicy
from bot.sandbox import Sandbox, SandboxServer, serve
from bot.sandbox.limits import RequestRecord

ETL_FILES: dict[str, str | bytes] = {
    "README.md": "# ETL jobs\n",
    "sql/daily_orders.sql": "SELECT order_id\nFROM `acme-prod.sales.orders`\n",
    "sql/weekly.sql": "SELECT 1\n",
    "models/staging/stg_orders.sql": "select * from {{ source('sales', 'orders') }}\n",
    "assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}
TEXT_FILES = {path: text for path, text in ETL_FILES.items() if isinstance(text, str)}
INTERVAL = 0.05
"""A short mutation interval so pacing shows in the request log without slowing the tests."""
FAST_RETRY = RetryPolicy(
    max_blocking_wait=5.0,
    secondary_min_wait=0.05,
    server_error_wait=0.01,
    max_server_retries=3,
    max_rate_limit_retries=3,
)


@dataclass
class World:
    sandbox: Sandbox
    server: SandboxServer
    app: GitHubApp
    installation_id: int

    def requests(self, method: str | None = None, path_end: str = "") -> list[RequestRecord]:
        return [
            record
            for record in self.sandbox.requests.records()
            if (method is None or record.method == method) and record.path.endswith(path_end)
        ]


@pytest.fixture
def world() -> Iterator[World]:
    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("alice")
    credentials = sandbox.create_app("godwit")
    sandbox.create_repo("acme", "etl", ETL_FILES)
    sandbox.set_permission("acme/etl", "alice", "write")
    installation_id = sandbox.install(credentials.app_id, "acme", repos=["etl"])
    with serve(sandbox) as server:
        app = GitHubApp(
            credentials.app_id,
            credentials.private_key_pem,
            base_url=server.api_url,
            mutation_interval=INTERVAL,
            retry=FAST_RETRY,
        )
        yield World(sandbox, server, app, installation_id)
