"""How fast ``godwit serve`` acknowledges signed deliveries while its workers run a campaign.

Runs the GitHub sandbox (in this process) with a campaign over ``--repos``
consumer repositories (each with CODEOWNERS), ``godwit serve`` against it
(intake and workers in one process, SQLite store and queue, as embedded
deployments run it) and a bare FastAPI app that only answers 202, both under
uvicorn on loopback. Once the campaign is opening pull requests, rounds
alternate the two servers (baseline first in even rounds, Godwit first in odd
ones); in each, a load generator in its own process sends fresh signed
deliveries at the same concurrency. Latencies are compared round by round, so
both servers meet the same machine load; the medians across rounds are the
result, with their spread. At the end the store must hold every delivery sent
to Godwit exactly once. The last line printed is one JSON object.

    uv run python bench/webhooks.py [--rounds 5] [--deliveries 2000] [--concurrency 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response
from githubkit import webhooks
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from campaign import consumer_fleet, is_opened_pull, seed  # noqa: E402  (a sibling benchmark)

from bot.campaigns.lifecycle import CampaignState  # noqa: E402
from bot.demo.processes import marker_key_for  # noqa: E402
from bot.demo.world import (  # noqa: E402
    CAMPAIGN_LABEL,
    LEAD,
    ORG,
    campaign_issue_body,
    campaign_issue_title,
    examples_dir,
)
from bot.rendering import templates_dir  # noqa: E402
from bot.sandbox import Sandbox, serve  # noqa: E402
from bot.spec import load_campaign  # noqa: E402  (needs ROOT on the path)
from bot.store.db import create_engine_for  # noqa: E402
from bot.store.models import Campaign, Delivery  # noqa: E402
from tests.app.payloads import issue_comment_event  # noqa: E402

TARGET_RATIO = 2.0
START_TIMEOUT = 300.0
CAMPAIGN_TIMEOUT = 600.0
WARMUP = 200
APP_NAME = "Godwit"

Signed = tuple[str, str, dict[str, str]]
"""Delivery id, body (text, to travel as JSON to the load generator) and headers."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bare_app() -> FastAPI:
    """The baseline: the cheapest FastAPI endpoint that reads the body and answers 202."""
    app = FastAPI()

    @app.post("/webhook")
    async def receive(request: Request) -> Response:
        await request.body()
        return Response(status_code=202)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(status_code=200)

    return app


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before answering")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up within {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def server(command: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    process = start(command, env)
    try:
        wait_until_up(url, process)
        yield
    finally:
        stop(process)


def deliveries(count: int, secret: str, repos: list[str]) -> list[Signed]:
    """Signed comments on issues that are no campaign's: each is stored, queued and handled.

    Everything is prepared up front so the timed loop only sends.
    """
    made = []
    for index in range(count):
        payload = issue_comment_event(number=index % 97 + 1, comment_id=3_000_000 + index)
        name = repos[index % len(repos)]
        payload["repository"]["full_name"] = name
        payload["repository"]["name"] = name.split("/")[1]
        delivery_id, body = str(uuid.uuid4()), json.dumps(payload)
        headers = {
            "X-GitHub-Event": "issue_comment",
            "X-GitHub-Delivery": delivery_id,
            "X-Hub-Signature-256": webhooks.sign(secret, body.encode(), "sha256"),
            "Content-Type": "application/json",
        }
        made.append((delivery_id, body, headers))
    return made


async def send_all(url: str, batch: list[Signed], concurrency: int) -> list[float]:
    """Send every delivery with ``concurrency`` in flight; return each one's latency in ms."""
    latencies: list[float] = []
    pending = iter([(d, body.encode(), headers) for d, body, headers in batch])
    # Drop idle connections before uvicorn's 5 s keep-alive timeout can close them mid-reuse.
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def post(body: bytes, headers: dict[str, str]) -> httpx.Response:
            """One retry when a kept-alive connection was closed under us (a starved loop)."""
            try:
                return await client.post("/webhook", content=body, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                return await client.post("/webhook", content=body, headers=headers)

        async def sender() -> None:
            for delivery_id, body, headers in pending:
                started = time.perf_counter()  # a retried delivery's latency counts both tries
                response = await post(body, headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 202:
                    raise SystemExit(f"delivery {delivery_id}: HTTP {response.status_code}")

        await asyncio.gather(*(sender() for _ in range(concurrency)))
    return latencies


def load_generator(url: str, batch_file: Path, concurrency: int) -> None:
    """The load generator's own process: warm up, send the batch, print the latencies as JSON."""
    document = json.loads(batch_file.read_text(encoding="utf-8"))
    warmup = [tuple(item) for item in document["warmup"]]
    batch = [tuple(item) for item in document["batch"]]
    asyncio.run(send_all(url, warmup, min(concurrency, len(warmup))))
    latencies = asyncio.run(send_all(url, batch, concurrency))
    print(json.dumps(latencies))


def generate_load(
    url: str, warmup: list[Signed], batch: list[Signed], concurrency: int, scratch: Path
) -> list[float]:
    batch_file = scratch / f"batch-{uuid.uuid4().hex}.json"
    batch_file.write_text(json.dumps({"warmup": warmup, "batch": batch}), encoding="utf-8")
    command = [sys.executable, __file__, "--load-generator", url, str(batch_file)]
    command += ["--concurrency", str(concurrency)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    batch_file.unlink()
    if finished.returncode != 0:
        raise SystemExit(f"load generator failed: {finished.stderr.decode()[-2000:]}")
    latencies: list[float] = json.loads(finished.stdout.decode().splitlines()[-1])
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(fraction * 1000) - 1]


def stored_exactly_once(engine: Engine, expected: set[str]) -> bool:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Delivery.delivery_id, func.count()).group_by(Delivery.delivery_id)
        ).all()
    counts = dict(rows)
    return all(counts.get(delivery_id) == 1 for delivery_id in expected)


def campaign_state(engine: Engine) -> str | None:
    """The campaign's state, or None before it exists (or while Godwit holds the write lock)."""
    try:
        with engine.connect() as connection:
            return connection.execute(select(Campaign.state)).scalars().first()
    except OperationalError:
        return None


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_for(what: str, done: Callable[[], bool], timeout: float = CAMPAIGN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.2)


def opened_pulls(sandbox: Sandbox, since: float = 0.0, until: float = float("inf")) -> int:
    return sum(
        1 for r in sandbox.requests.records() if is_opened_pull(r) and since <= r.timestamp < until
    )


@dataclass(frozen=True)
class Round:
    """One round's latencies (ms) for both servers, and how busy the campaign was meanwhile."""

    baseline: list[float]
    godwit: list[float]
    godwit_requests: int
    """GitHub requests the workers sent while Godwit's deliveries were timed."""
    prs_opened: int
    """Campaign PRs opened during the round."""

    def ratio(self, fraction: float) -> float:
        return percentile(self.godwit, fraction) / percentile(self.baseline, fraction)


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def start_campaign(sandbox: Sandbox, host: str, engine: Engine) -> None:
    """Open the campaign issue, wait for its plan, ``/migrate start``, wait for a first PR."""
    form = templates_dir() / "issue-form" / "godwit-campaign.yml"
    campaign_yaml = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
    title = campaign_issue_title(form, load_campaign(campaign_yaml).title)
    body = campaign_issue_body(form, campaign_yaml)
    issue = sandbox.open_issue(host, LEAD, title, body, [CAMPAIGN_LABEL])
    progress("waiting for the campaign's plan")
    wait_for("the plan", lambda: campaign_state(engine) == CampaignState.PLANNED)
    sandbox.comment(host, issue, LEAD, "/migrate start")
    wait_for("the first pull request", lambda: opened_pulls(sandbox) > 0)
    progress("the campaign is opening pull requests; rounds start")


def run_rounds(
    args: argparse.Namespace, sandbox: Sandbox, host: str, repos: list[str], scratch: Path
) -> dict[str, object]:
    """Bring up both servers and the campaign, alternate the rounds, check the store."""
    godwit_port, baseline_port = free_port(), free_port()
    godwit_url, baseline_url = (f"http://127.0.0.1:{p}" for p in (godwit_port, baseline_port))
    app = sandbox.create_app(APP_NAME, f"{godwit_url}/webhook")
    database = scratch / "godwit.db"
    with serve(sandbox) as github:
        env = os.environ | {
            "GODWIT_APP_ID": str(app.app_id),
            "GODWIT_PRIVATE_KEY": app.private_key_pem,
            "GODWIT_WEBHOOK_SECRET": app.webhook_secret,
            "GODWIT_MARKER_KEY": marker_key_for(app),
            "GODWIT_GITHUB_URL": github.url,
            "GODWIT_DATABASE_URL": f"sqlite:///{database}",
            "GODWIT_QUEUE_URL": f"sqlite:///{scratch / 'queue.db'}",
            "GODWIT_MUTATION_INTERVAL": str(args.mutation_interval),
        }
        godwit = [sys.executable, "-c", "from bot.cli import main; main()", "serve"]
        godwit += ["--port", str(godwit_port), "--log-level", "warning"]
        baseline = [sys.executable, __file__, "--baseline-server", str(baseline_port)]
        with (
            server(godwit, env, godwit_url),
            server(baseline, env, baseline_url),
        ):
            engine = create_engine_for(f"sqlite:///{database}")
            try:
                sandbox.install(app.app_id, ORG)
                start_campaign(sandbox, host, engine)
                rounds, sent = [], set()
                for index in range(args.rounds):
                    warmup = deliveries(WARMUP, app.webhook_secret, repos)
                    batches = {
                        url: deliveries(args.deliveries, app.webhook_secret, repos)
                        for url in (baseline_url, godwit_url)
                    }
                    sent |= {d for d, _, _ in [*warmup, *batches[godwit_url]]}
                    order = [baseline_url, godwit_url][:: 1 if index % 2 == 0 else -1]
                    latencies, begun, godwit_requests = {}, time.time(), 0
                    for url in order:
                        before = len(sandbox.requests.records())
                        latencies[url] = generate_load(
                            url, warmup, batches[url], args.concurrency, scratch
                        )
                        if url == godwit_url:
                            godwit_requests = len(sandbox.requests.records()) - before
                    prs = opened_pulls(sandbox, since=begun)
                    rounds.append(
                        Round(latencies[baseline_url], latencies[godwit_url], godwit_requests, prs)
                    )
                    describe(index, rounds[-1])
                exactly_once = stored_exactly_once(engine, sent)
                still_open = args.repos - opened_pulls(sandbox)
            finally:
                engine.dispose()
    return summary(args, rounds, exactly_once, still_open)


def describe(index: int, round_: Round) -> None:
    print(
        f"round {index + 1}: godwit p50 {percentile(round_.godwit, 0.5):6.1f} ms "
        f"p99 {percentile(round_.godwit, 0.99):6.1f} ms | bare p50 "
        f"{percentile(round_.baseline, 0.5):6.1f} ms p99 {percentile(round_.baseline, 0.99):6.1f}"
        f" ms | ratio p50 {round_.ratio(0.5):.2f} p99 {round_.ratio(0.99):.2f} | campaign: "
        f"{round_.godwit_requests} GitHub requests while timed, {round_.prs_opened} PRs opened",
        flush=True,
    )


def summary(
    args: argparse.Namespace, rounds: list[Round], exactly_once: bool, still_open: int
) -> dict[str, object]:
    ratio_p50 = spread([r.ratio(0.5) for r in rounds])
    ratio_p99 = spread([r.ratio(0.99) for r in rounds])
    busy = sum(1 for r in rounds if r.godwit_requests > 0)
    verdict = "within" if max(ratio_p50["median"], ratio_p99["median"]) <= TARGET_RATIO else "ABOVE"
    print(
        f"median ratio p50 {ratio_p50['median']:.2f} p99 {ratio_p99['median']:.2f} "
        f"({verdict} the target of {TARGET_RATIO:g}); campaign busy in {busy}/{len(rounds)} "
        f"rounds, {still_open} repositories still without a PR at the end"
    )
    print(f"persisted exactly once: {exactly_once}")

    def median_of(fraction: float, godwit: bool) -> float:
        values = [percentile(r.godwit if godwit else r.baseline, fraction) for r in rounds]
        return round(statistics.median(values), 2)

    return {
        "rounds": len(rounds),
        "deliveries_per_round": args.deliveries,
        "concurrency": args.concurrency,
        "p50_ms": median_of(0.5, godwit=True),
        "p99_ms": median_of(0.99, godwit=True),
        "baseline_p50_ms": median_of(0.5, godwit=False),
        "baseline_p99_ms": median_of(0.99, godwit=False),
        "ratio_p50": ratio_p50["median"],
        "ratio_p99": ratio_p99["median"],
        "ratio_p50_spread": ratio_p50,
        "ratio_p99_spread": ratio_p99,
        "target_ratio": TARGET_RATIO,
        "campaign_repos": args.repos,
        "campaign_busy_rounds": busy,
        "campaign_prs_during_rounds": sum(r.prs_opened for r in rounds),
        "persisted_exactly_once": exactly_once,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--deliveries", type=int, default=2000, help="Per server per round.")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--repos", type=int, default=240, help="Size of the background campaign.")
    parser.add_argument("--mutation-interval", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument(
        "--load-generator", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.baseline_server:
        uvicorn.run(bare_app(), host="127.0.0.1", port=args.baseline_server, log_level="warning")
        return
    if args.load_generator:
        url, batch_file = args.load_generator
        load_generator(url, Path(batch_file), args.concurrency)
        return
    if args.rounds < 1 or args.deliveries < 10 or args.concurrency < 1 or args.repos < 1:
        parser.error("--rounds, --concurrency and --repos must be positive, --deliveries >= 10")

    fleet = consumer_fleet(args.repos, args.seed)
    sandbox, host = seed(fleet)
    repos = [f"{ORG}/{name}" for name in fleet.repos]
    with tempfile.TemporaryDirectory(prefix="godwit-bench-") as scratch:
        result = run_rounds(args, sandbox, host, repos, Path(scratch))
    print(json.dumps(result))
    if not result["persisted_exactly_once"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
