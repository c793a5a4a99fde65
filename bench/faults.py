"""Fault benchmark: a campaign over 40+ repositories while GitHub fails and workers are killed.

Seeds a sandboxed organisation (the campaign benchmark's fleet), enforces
GitHub's secondary limits in real time and injects faults on every endpoint:
5xx, secondary-limit 403s with and without ``retry-after``, and 429s. Godwit
runs as an operator runs it, in separate processes: ``godwit serve --workers 0``
(the intake) and ``godwit worker``. The campaign is opened and started while
the worker is killed with SIGKILL at random moments (at least ``--kills`` times)
and started again each time. The run ends when every consumer repository has
its pull request and the store owes nothing, or at the timeout.

Counted afterwards, from the sandbox and the store: pull requests opened, more
than one per repository, repositories without one, campaign branches without
a PR, jobs still owed or deliveries still pending (``lost_jobs``), and
secondary-limit violations. Runs on SQLite and on PostgreSQL + Redis; a JSON
line per backend, and a last line that sums them (``seconds_to_settle``: the
slowest).

    uv run python bench/faults.py [--repos 40] [--kills 3] [--backend both]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from campaign import consumer_fleet, seed
from sqlalchemy import func, select

from bot.campaigns.messages import PLAN_MARKER
from bot.campaigns.pr import branch_name
from bot.demo.processes import (
    START_TIMEOUT_S,
    Backend,
    GodwitProcess,
    free_port,
    godwit_environment,
    intake,
    wait_until_serving,
    worker,
)
from bot.demo.world import CAMPAIGN_LABEL, LEAD, ORG, campaign_issue_body, examples_dir
from bot.rendering import templates_dir
from bot.sandbox import LimitConfig, Sandbox, serve
from bot.sandbox.limits import FaultRule
from bot.spec import load_campaign
from bot.store.db import create_engine_for, session_factory
from bot.store.deliveries import PENDING
from bot.store.models import Delivery, OwedJob

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"
HEARTBEAT_S = 1.0
WORKER_TIMEOUT_S = 5.0
POLL_S = 1.0
CONSUMING = "Huey consumer started"
"""What ``godwit worker`` logs once it takes jobs."""


def faults(probability: float) -> list[FaultRule]:
    """Every kind of failure GitHub produces, each on a share of requests (and a few certain)."""
    return [
        FaultRule(kind="error", status=502, count=None, probability=probability),
        FaultRule(kind="error", status=503, count=None, probability=probability / 2),
        FaultRule(
            kind="secondary", count=None, probability=probability, method="POST", retry_after=2
        ),
        FaultRule(kind="too_many", count=None, probability=probability, retry_after=1),
        # GitHub asks for a minute after a secondary limit that names no wait: a few of those.
        FaultRule(kind="secondary_no_retry_after", count=2, method="POST", path=r"/git/"),
    ]


@dataclass
class Result:
    backend: str
    repos: int
    kills: int
    prs_opened: int
    duplicate_prs: int
    repos_without_pr: int
    orphan_branches: int
    lost_jobs: int
    secondary_limit_violations: int
    faults_injected: dict[str, int]
    seconds_to_settle: float
    settled: bool


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def backend_for(name: str, scratch: Path) -> Iterator[Backend]:
    """SQLite files in ``scratch``, or a fresh PostgreSQL schema and Redis queue name."""
    queue_name = f"godwit_faults_{uuid.uuid4().hex[:10]}"
    if name == "sqlite":
        yield Backend(
            name, f"sqlite:///{scratch / 'godwit.db'}", f"sqlite:///{scratch / 'q.db'}", queue_name
        )
        return
    if not (reachable(5432) and reachable(6379)):
        raise SystemExit("PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must be running")
    schema = queue_name
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Backend(name, f"{POSTGRES}?options=-csearch_path%3D{schema}", REDIS, queue_name)
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


class Killer:
    """Kills the worker with SIGKILL ``times`` times at random moments, restarting it each time."""

    def __init__(
        self, process: GodwitProcess, rng: random.Random, gap: tuple[float, float], times: int
    ) -> None:
        self._process = process
        self._times = times
        self._rng = rng
        self._gap = gap
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="killer", daemon=True)
        self.kills = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def is_alive(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        """Each gap is counted from the moment the worker takes jobs, so each kill hits work."""
        self._wait_until_consuming()
        while self.kills < self._times and not self._stop.wait(self._rng.uniform(*self._gap)):
            self._process.kill()
            self.kills += 1
            print(f"  killed the worker ({self.kills}); starting it again", flush=True)
            self._process.start()
            self._wait_until_consuming()

    def _wait_until_consuming(self) -> None:
        log = self._process.workdir / f"{self._process.log_name}-{self._process.starts}.log"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and not self._stop.is_set():
            if CONSUMING in log.read_text(errors="replace"):
                return
            time.sleep(0.2)


def owed_work(database_url: str) -> int:
    """Jobs still owed and deliveries still pending: work nobody finished."""
    engine = create_engine_for(database_url)
    try:
        with session_factory(engine)() as session:
            jobs = session.scalar(select(func.count()).select_from(OwedJob)) or 0
            pending = (
                session.scalar(
                    select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)
                )
                or 0
            )
            return int(jobs) + int(pending)
    finally:
        engine.dispose()


def campaign_prs(sandbox: Sandbox, branch: str) -> tuple[Counter[str], set[str]]:
    """PRs from ``branch`` per repository, and the repositories where the branch exists."""
    pulls: Counter[str] = Counter()
    branches: set[str] = set()
    with sandbox.state.lock:
        for repo in sandbox.state.repos.values():
            if f"refs/heads/{branch}" in repo.refs:
                branches.add(repo.full_name)
            for issue in repo.issues.values():
                if issue.pull is not None and issue.pull.head_ref == branch:
                    pulls[repo.full_name] += 1
    return pulls, branches


def plan_posted(sandbox: Sandbox, host: str, number: int, bot: str) -> bool:
    issue = sandbox.issue(host, number)
    return any(c.user.login == bot and c.body.startswith(PLAN_MARKER) for c in issue.comments)


def run(backend: Backend, args: argparse.Namespace, scratch: Path) -> Result:
    fleet = consumer_fleet(args.repos, args.seed)
    sandbox, host = seed(fleet)
    sandbox.limits.configure(LimitConfig(enabled=True))
    sandbox.faults.clear(seed=args.seed)
    for rule in faults(args.fault_rate):
        sandbox.faults.add(rule)
    campaign_yaml = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
    spec = load_campaign(campaign_yaml)
    port = free_port()
    app = sandbox.create_app("Godwit", f"http://127.0.0.1:{port}/webhook")
    bot = f"{app.slug}[bot]"
    rng = random.Random(args.seed)
    with serve(sandbox) as github:
        environment = godwit_environment(
            app,
            github.url,
            backend,
            {
                "GODWIT_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_S),
                "GODWIT_WORKER_TIMEOUT_SECONDS": str(WORKER_TIMEOUT_S),
                "GODWIT_JOB_RETRY_DELAY": "1.0",
            },
        )
        web = intake(environment, scratch, port)
        jobs = worker(environment, scratch, args.workers, "worker")
        killer = Killer(jobs, rng, (args.min_gap, args.max_gap), args.kills)
        web.start()
        try:
            wait_until_serving(f"http://127.0.0.1:{port}", web)
            jobs.start()
            sandbox.install(app.app_id, ORG)
            form = templates_dir() / "issue-form" / "godwit-campaign.yml"
            started = time.monotonic()
            number = sandbox.open_issue(
                host, LEAD, spec.title, campaign_issue_body(form, campaign_yaml), [CAMPAIGN_LABEL]
            )
            killer.start()  # from here on, at random moments, discovery included
            deadline = started + args.timeout
            while not plan_posted(sandbox, host, number, bot) and time.monotonic() < deadline:
                time.sleep(POLL_S)
            sandbox.comment(host, number, LEAD, "/migrate start")
            settled = False
            consumers = {f"{ORG}/{name}" for name in fleet.repos}
            while time.monotonic() < deadline:
                pulls, _ = campaign_prs(sandbox, branch_name(spec))
                if (
                    consumers <= set(pulls)
                    and not killer.is_alive()
                    and owed_work(backend.database_url) == 0
                ):
                    settled = True
                    break
                time.sleep(POLL_S)
            seconds = time.monotonic() - started
            if killer.is_alive():
                killer.stop()
        finally:
            jobs.stop()
            web.stop()
        pulls, branches = campaign_prs(sandbox, branch_name(spec))
        return Result(
            backend=backend.name,
            repos=len(consumers),
            kills=killer.kills,
            prs_opened=sum(pulls.values()),
            duplicate_prs=sum(count - 1 for count in pulls.values() if count > 1),
            repos_without_pr=len(consumers - set(pulls)),
            orphan_branches=len(branches - set(pulls)),
            lost_jobs=owed_work(backend.database_url),
            secondary_limit_violations=sum(sandbox.limits.counters.violations.values()),
            faults_injected=dict(sandbox.faults.injected),
            seconds_to_settle=round(seconds, 1),
            settled=settled,
        )


def summary(results: list[Result]) -> dict[str, object]:
    total = {
        key: sum(getattr(r, key) for r in results)
        for key in (
            "kills",
            "prs_opened",
            "duplicate_prs",
            "repos_without_pr",
            "orphan_branches",
            "lost_jobs",
            "secondary_limit_violations",
        )
    }
    return {
        "repos": results[0].repos,
        "backends": [r.backend for r in results],
        **total,
        "seconds_to_settle": max(r.seconds_to_settle for r in results),
        "settled": all(r.settled for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of the worker, at least.")
    parser.add_argument("--backend", choices=["sqlite", "postgres+redis", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2, help="Threads of the worker process.")
    parser.add_argument("--fault-rate", type=float, default=0.03)
    parser.add_argument("--min-gap", type=float, default=8.0, help="Least seconds between kills.")
    parser.add_argument("--max-gap", type=float, default=30.0, help="Most seconds between kills.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=1800.0, help="Real seconds to wait.")
    args = parser.parse_args()
    if args.repos < 40 or args.kills < 3:
        parser.error("the benchmark needs at least 40 repositories and 3 kills")

    names = ["sqlite", "postgres+redis"] if args.backend == "both" else [args.backend]
    results = []
    for name in names:
        with (
            tempfile.TemporaryDirectory(prefix="godwit-faults-") as workdir,
            backend_for(name, Path(workdir)) as backend,
        ):
            print(f"{name}: {args.repos} repositories, at least {args.kills} kills", flush=True)
            result = run(backend, args, Path(workdir))
            print(json.dumps(result.__dict__), flush=True)
            results.append(result)
    print(json.dumps(summary(results)))


if __name__ == "__main__":
    main()
