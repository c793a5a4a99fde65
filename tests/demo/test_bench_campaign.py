"""The campaign benchmark's yardstick, its fleet and its production pacer on the scaled clock."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.github.pacing import ContentBudget
from bot.github.retry import RescheduleJob
from bot.sandbox import LimitConfig, codeowners
from bot.sandbox.limits import RequestRecord

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


def test_every_generated_repository_names_code_owners_for_its_files(bench: ModuleType) -> None:
    fleet = bench.consumer_fleet(12, seed=5)
    for name, files in fleet.repos.items():
        rules = codeowners.parse(files[bench.CODEOWNERS_PATH])
        owners = {owner for path in files for owner in codeowners.owners_of(rules, path)}
        assert owners, name
        assert owners <= {f"@{login}" for login in bench.OWNERS}


class RealClock:
    """What the scaled pacer takes for real time, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scaled(bench: ModuleType, clock: RealClock, **budget: int) -> Any:
    return bench.ScaledPacer(
        1.0,
        30.0,
        budget=ContentBudget(**budget),
        real_clock=clock,
        real_sleep=clock.sleep,
    )


def test_the_scaled_pacer_sleeps_short_waits_in_real_seconds(bench: ModuleType) -> None:
    clock = RealClock()
    pacer = scaled(bench, clock)
    for _ in range(2):
        with pacer.mutation(content=True):
            pass
    # One scaled second between mutations is a thirtieth of a real one.
    assert clock.sleeps == [pytest.approx(1 / 30)]
    assert pacer.reschedules == 0


def test_the_scaled_pacer_sends_long_waits_back_to_the_queue_in_real_seconds(
    bench: ModuleType,
) -> None:
    clock = RealClock()
    pacer = scaled(bench, clock, per_minute=100, per_hour=2)
    for _ in range(2):
        with pacer.mutation(content=True):
            clock.now += 1.0  # a real second: 30 scaled ones
    pacer.check_room(0)
    with pytest.raises(RescheduleJob) as room:
        pacer.check_room(1)
    with pytest.raises(RescheduleJob) as turn, pacer.mutation(content=True):
        pass
    # The first creation (answered at scaled 3030) leaves the hour at 6630; it is 3061 now
    # (the second waited one scaled second for its turn): 3569 scaled seconds, 118.97 real.
    assert room.value.after_seconds == pytest.approx(3569 / 30)
    assert turn.value.after_seconds == pytest.approx(3569 / 30)
    assert pacer.reschedules == 2


def test_reviewer_requests_are_told_from_other_pull_request_calls(bench: ModuleType) -> None:
    def record(path: str, status: int = 201) -> RequestRecord:
        return RequestRecord("POST", path, 7, status, 0.0)

    assert bench.is_reviewer_request(record("/repos/acme/x/pulls/3/requested_reviewers"))
    assert not bench.is_reviewer_request(record("/repos/acme/x/pulls/3/requested_reviewers", 422))
    assert not bench.is_reviewer_request(record("/repos/acme/x/pulls"))
    assert bench.is_opened_pull(record("/repos/acme/x/pulls"))
