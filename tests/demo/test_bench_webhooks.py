"""The webhook benchmark's parts: signed deliveries, the load generator's process, the summary."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import SecretStr

from bot.web import is_signed_by_github

BENCH = Path(__file__).resolve().parents[2] / "bench" / "webhooks.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_webhooks", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_deliveries_are_signed_distinct_comments_on_the_given_repositories(
    bench: ModuleType,
) -> None:
    made = bench.deliveries(6, "s3cret", ["acme/a", "acme/b"])
    assert len({delivery_id for delivery_id, _, _ in made}) == 6
    for _, body, headers in made:
        assert is_signed_by_github(
            SecretStr("s3cret"), body.encode(), headers["X-Hub-Signature-256"]
        )
        assert not is_signed_by_github(
            SecretStr("other"), body.encode(), headers["X-Hub-Signature-256"]
        )
    assert [headers["X-GitHub-Event"] for _, _, headers in made] == ["issue_comment"] * 6
    assert ['"full_name": "acme/a"' in body for _, body, _ in made] == [True, False] * 3


def test_the_load_generator_runs_in_its_own_process_and_times_every_delivery(
    bench: ModuleType, tmp_path: Path
) -> None:
    port = bench.free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(BENCH), "--baseline-server", str(port)]
    warmup = bench.deliveries(3, "s3cret", ["acme/a"])
    batch = bench.deliveries(25, "s3cret", ["acme/a"])
    with bench.server(command, dict(os.environ), url):
        latencies = bench.generate_load(url, warmup, batch, 4, tmp_path)
    assert len(latencies) == 25
    assert all(latency > 0 for latency in latencies)
    assert list(tmp_path.iterdir()) == []  # the batch file is gone


def test_the_summary_takes_medians_of_round_by_round_ratios(bench: ModuleType) -> None:
    def round_(base: float, godwit: float, requests: int) -> object:
        return bench.Round([base] * 100, [godwit] * 100, requests, 1)

    rounds = [round_(10.0, 15.0, 3), round_(10.0, 30.0, 0), round_(20.0, 20.0, 5)]
    args = argparse.Namespace(deliveries=100, concurrency=10, repos=40)
    summary = bench.summary(args, rounds, True, 2)
    assert (summary["ratio_p50"], summary["ratio_p99"]) == (1.5, 1.5)
    assert summary["ratio_p50_spread"] == {"median": 1.5, "min": 1.0, "max": 3.0}
    assert (summary["p50_ms"], summary["baseline_p50_ms"]) == (20.0, 10.0)
    assert summary["campaign_busy_rounds"] == 2
    assert summary["persisted_exactly_once"] is True
