"""How fast ``godwit serve`` acknowledges signed deliveries, next to a bare FastAPI endpoint.

Starts ``godwit serve`` (temporary SQLite store and queue) and a FastAPI app
that only answers 202, both under uvicorn on loopback, sends each the same
signed deliveries at the same concurrency, then checks the store holds every
delivery exactly once. The last line printed is one JSON object.

    uv run python bench/webhooks.py [--deliveries 2000] [--concurrency 200]
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
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response
from githubkit import webhooks
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store.db import create_engine_for  # noqa: E402  (needs ROOT on the path)
from bot.store.models import Delivery  # noqa: E402
from tests.app.payloads import issue_comment_event  # noqa: E402

MARKER_KEY = "bench-marker-key-5f0e9d8c7b6a59483726150f1e2d3c4b"
SECRET = "bench-" + uuid.uuid4().hex
TARGET_RATIO = 3.0
START_TIMEOUT = 300.0
UNUSED_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\nthe intake signs nothing\n-----END RSA PRIVATE KEY-----"
)
REPOSITORIES = 50


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


Signed = tuple[str, bytes, dict[str, str]]


def deliveries(count: int) -> list[Signed]:
    """Signed deliveries of comments on issues spread over a few repositories.

    Everything is prepared up front so the timed loop only sends.
    """
    made = []
    for index in range(count):
        payload = issue_comment_event(number=index % 97 + 1, comment_id=3_000_000 + index)
        name = f"acme-data/warehouse-jobs-{index % REPOSITORIES}"
        payload["repository"]["full_name"] = name
        payload["repository"]["name"] = name.split("/")[1]
        delivery_id, body = str(uuid.uuid4()), json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": "issue_comment",
            "X-GitHub-Delivery": delivery_id,
            "X-Hub-Signature-256": webhooks.sign(SECRET, body, "sha256"),
            "Content-Type": "application/json",
        }
        made.append((delivery_id, body, headers))
    return made


async def send_all(url: str, batch: list[Signed], concurrency: int) -> list[float]:
    """Send every delivery with ``concurrency`` in flight; return each one's latency in ms."""
    latencies: list[float] = []
    pending = iter(batch)
    # Drop idle connections before uvicorn's 5 s keep-alive timeout can close them mid-reuse.
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def sender() -> None:
            for delivery_id, body, headers in pending:
                started = time.perf_counter()
                response = await client.post("/webhook", content=body, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 202:
                    raise SystemExit(f"delivery {delivery_id}: HTTP {response.status_code}")

        await asyncio.gather(*(sender() for _ in range(concurrency)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(fraction * 1000) - 1]


def measure(url: str, batch: list[Signed], concurrency: int, warmup: list[Signed]) -> list[float]:
    asyncio.run(send_all(url, warmup, min(concurrency, len(warmup))))
    return asyncio.run(send_all(url, batch, concurrency))


def stored_exactly_once(database: Path, expected: set[str]) -> bool:
    engine = create_engine_for(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(
            select(Delivery.delivery_id, func.count()).group_by(Delivery.delivery_id)
        ).all()
    engine.dispose()
    counts = dict(rows)
    return all(counts.get(delivery_id) == 1 for delivery_id in expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.baseline_server:
        uvicorn.run(bare_app(), host="127.0.0.1", port=args.baseline_server, log_level="warning")
        return

    warmup = deliveries(min(200, args.deliveries))
    batch = deliveries(args.deliveries)
    with tempfile.TemporaryDirectory(prefix="godwit-bench-") as scratch:
        database = Path(scratch) / "godwit.db"
        env = os.environ | {
            "GODWIT_APP_ID": "912233",
            "GODWIT_PRIVATE_KEY": UNUSED_KEY,
            "GODWIT_WEBHOOK_SECRET": SECRET,
            "GODWIT_MARKER_KEY": MARKER_KEY,
            "GODWIT_DATABASE_URL": f"sqlite:///{database}",
            "GODWIT_QUEUE_URL": f"sqlite:///{Path(scratch) / 'queue.db'}",
        }

        port = free_port()
        baseline = start([sys.executable, __file__, "--baseline-server", str(port)], env)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", baseline)
            base_latencies = measure(f"http://127.0.0.1:{port}", batch, args.concurrency, warmup)
        finally:
            stop(baseline)

        port = free_port()
        command = [sys.executable, "-c", "from bot.cli import main; main()"]
        serve = start([*command, "serve", "--port", str(port), "--log-level", "warning"], env)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", serve)
            latencies = measure(f"http://127.0.0.1:{port}", batch, args.concurrency, warmup)
        finally:
            stop(serve)

        expected = {delivery_id for delivery_id, _, _ in [*warmup, *batch]}
        exactly_once = stored_exactly_once(database, expected)

    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    base_p99 = percentile(base_latencies, 0.99)
    ratio = p99 / base_p99
    print(f"godwit serve : p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({len(latencies)} deliveries)")
    print(f"bare FastAPI : p50 {percentile(base_latencies, 0.5):7.1f} ms  p99 {base_p99:7.1f} ms")
    verdict = "within" if ratio <= TARGET_RATIO else "ABOVE"
    print(f"p99 ratio    : {ratio:.2f} ({verdict} the target of {TARGET_RATIO:g})")
    print(f"persisted exactly once: {exactly_once}")
    summary = {
        "deliveries": len(latencies),
        "concurrency": args.concurrency,
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "baseline_p50_ms": round(percentile(base_latencies, 0.5), 2),
        "baseline_p99_ms": round(base_p99, 2),
        "ratio_p99": round(ratio, 3),
        "target_ratio_p99": TARGET_RATIO,
        "persisted_exactly_once": exactly_once,
    }
    print(json.dumps(summary))
    if not exactly_once:
        sys.exit(1)


if __name__ == "__main__":
    main()
