"""A worker process killed with SIGKILL mid-job: its job runs again and its locks come free.

Real processes throughout: the sandbox in this process, ``godwit serve
--workers 0`` as the intake and ``godwit worker`` as the only process that runs
jobs, on SQLite (state and queue) and on PostgreSQL with Redis. A latency fault
on one GitHub endpoint holds the worker inside a job until the test kills it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.campaigns.messages import PLAN_MARKER
from bot.demo.processes import (
    Backend,
    GodwitProcess,
    free_port,
    godwit_environment,
    intake,
    wait_until_serving,
    worker,
)
from bot.demo.world import CAMPAIGN_LABEL, LEAD, ORG, examples_dir, seed_organisation
from bot.sandbox import Sandbox, serve
from bot.sandbox.limits import FaultRule
from tests.app.conftest import wait_for

HEARTBEAT_S = 0.5
WORKER_TIMEOUT_S = 5.0
"""Short, for a short test, yet long enough that a busy machine's live worker never looks dead."""
LONG_LATENCY_S = 600.0
"""Longer than any test: the request only ends because its worker is killed."""
STATUS = "<!-- godwit:status -->"
HELP = "<!-- godwit:help -->"
WAIT_S = 180.0


@pytest.fixture(params=["sqlite", "postgres+redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    name = f"godwit_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        return Backend(
            "sqlite", f"sqlite:///{tmp_path / 'godwit.db'}", f"sqlite:///{tmp_path / 'q.db'}", name
        )
    database = str(request.getfixturevalue("postgres_url"))
    return Backend("postgres+redis", database, str(request.getfixturevalue("redis_url")), name)


@dataclass
class Deployment:
    sandbox: Sandbox
    host: str
    bot: str
    worker: GodwitProcess

    def bot_comments(self, number: int) -> list[str]:
        issue = self.sandbox.issue(self.host, number)
        return [c.body for c in issue.comments if c.user.login == self.bot]

    def has_reply(self, number: int, marker: str) -> bool:
        return any(body.startswith(marker) for body in self.bot_comments(number))

    def slow(self, path: str, method: str = "GET") -> None:
        """Every matching request waits ``LONG_LATENCY_S`` until the faults are cleared."""
        self.sandbox.faults.add(
            FaultRule(
                kind="latency", count=None, method=method, path=path, latency_s=LONG_LATENCY_S
            )
        )

    def held_up(self) -> int:
        return self.sandbox.faults.injected["latency"]

    def restart_worker(self) -> None:
        """Kill the worker mid-request, let GitHub answer again, and start a new worker."""
        self.worker.kill()
        self.sandbox.faults.clear()
        self.worker.start()

    def open_campaign(self) -> int:
        body = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
        return self.sandbox.open_issue(
            self.host, LEAD, "Retire plays_v1", f"```yaml\n{body}```\n", labels=[CAMPAIGN_LABEL]
        )


@pytest.fixture
def deployment(backend: Backend, tmp_path: Path) -> Iterator[Deployment]:
    sandbox = Sandbox()
    org = seed_organisation(sandbox, examples_dir() / "repos")
    port = free_port()
    app = sandbox.create_app("Godwit", f"http://127.0.0.1:{port}/webhook")
    with serve(sandbox) as github:
        environment = godwit_environment(
            app,
            github.url,
            backend,
            {
                "GODWIT_MUTATION_INTERVAL": "0",
                "GODWIT_DASHBOARD_DELAY": "0",
                "GODWIT_JOB_RETRY_DELAY": "0.1",
                "GODWIT_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_S),
                "GODWIT_WORKER_TIMEOUT_SECONDS": str(WORKER_TIMEOUT_S),
            },
        )
        web = intake(environment, tmp_path, port)
        jobs = worker(environment, tmp_path, 2, "worker")
        web.start()
        try:
            wait_until_serving(f"http://127.0.0.1:{port}", web)
            jobs.start()
            sandbox.install(app.app_id, ORG)
            yield Deployment(sandbox, org.host, f"{app.slug}[bot]", jobs)
        finally:
            jobs.stop()
            web.stop()


def test_a_job_killed_mid_run_runs_again_after_a_restart(deployment: Deployment) -> None:
    deployment.slow(r"/tarball/")  # discovery reads each repository as a tarball
    number = deployment.open_campaign()
    wait_for(lambda: deployment.held_up() > 0, timeout=WAIT_S)  # inside the discovery job

    deployment.restart_worker()

    wait_for(lambda: deployment.has_reply(number, PLAN_MARKER), timeout=WAIT_S)
    plans = [body for body in deployment.bot_comments(number) if body.startswith(PLAN_MARKER)]
    assert len(plans) == 1
    assert "acme-bq-jobs" in plans[0]


def test_a_dead_workers_delivery_runs_again_and_its_lock_comes_free(
    deployment: Deployment,
) -> None:
    number = deployment.open_campaign()
    wait_for(lambda: deployment.has_reply(number, PLAN_MARKER), timeout=WAIT_S)
    deployment.slow(r"/reactions$", method="POST")  # the 👍 on an accepted command
    deployment.sandbox.comment(deployment.host, number, LEAD, "/migrate status")
    wait_for(lambda: deployment.held_up() > 0, timeout=WAIT_S)  # holding the repository's lock

    deployment.restart_worker()
    # The same repository: this delivery waits for the dead worker's lock, which the
    # worker's silence frees long before its 15-minute expiry.
    deployment.sandbox.comment(deployment.host, number, LEAD, "/migrate help")

    wait_for(lambda: deployment.has_reply(number, HELP), timeout=WAIT_S)
    wait_for(lambda: deployment.has_reply(number, STATUS), timeout=WAIT_S)
    comments = deployment.bot_comments(number)
    assert sum(body.startswith(STATUS) for body in comments) == 1
    assert sum(body.startswith(HELP) for body in comments) == 1
