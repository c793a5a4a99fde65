"""The campaign benchmark's yardstick: the least time GitHub's secondary limits allow."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.sandbox import LimitConfig

BENCH = Path(__file__).resolve().parents[2] / "bench" / "campaign.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_campaign", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GITHUB = LimitConfig(enabled=True)
SMALL = LimitConfig(enabled=True, content_per_minute=3, content_per_hour=5)


@pytest.mark.parametrize(
    ("limits", "history", "count", "expected"),
    [
        (GITHUB, [], 0, 0.0),
        (GITHUB, [], 1, 0.0),
        # One a second: 60 requests take 59 s, inside the minute budget of 80.
        (GITHUB, [], 60, 59.0),
        # At one a second the minute budget (80) never binds.
        (GITHUB, [], 81, 80.0),
        # 501 requests: the 501st waits an hour after the first.
        (GITHUB, [], 501, 3600.0),
        # 1440 requests (240 PRs x 6): two full hours, then 440 more a second apart.
        (GITHUB, [], 1440, 7200.0 + 439),
        # Three per minute, five per hour: 0, 1, 2, 60, 61, then the hour.
        (SMALL, [], 6, 3600.0),
        # Earlier requests still count against the windows.
        (SMALL, [-30.0, -20.0, -10.0], 2, 40.0),
        # ... and the hour's budget: three earlier plus two leaves the third for the next hour.
        (SMALL, [-30.0, -20.0, -10.0], 3, 3570.0),
    ],
)
def test_earliest_finish(
    bench: ModuleType, limits: LimitConfig, history: list[float], count: int, expected: float
) -> None:
    assert bench.earliest_finish(history, count, limits) == expected


def test_every_generated_repository_consumes_the_old_table(bench: ModuleType) -> None:
    fleet = bench.consumer_fleet(40, seed=3)
    assert len(fleet.repos) == 40
    assert {repo for repo, _ in fleet.consumers} == set(fleet.repos)
