"""Pacing rules on a fake clock: nothing here waits for real."""

from __future__ import annotations

import pytest

from bot.github.pacing import ContentBudget, Pacer, creates_content, is_paced
from bot.github.retry import RescheduleJob


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def pacer(clock: FakeClock, interval: float = 1.0, **budget: int) -> Pacer:
    return Pacer(
        interval,
        budget=ContentBudget(**budget),
        max_blocking_wait=90.0,
        clock=clock,
        sleep=clock.sleep,
    )


@pytest.mark.parametrize(
    ("method", "path", "paced", "content"),
    [
        ("GET", "/repos/acme/etl/git/trees/main", False, False),
        ("POST", "/repos/acme/etl/pulls", True, True),
        ("POST", "/repos/acme/etl/git/trees", True, True),
        ("PATCH", "/repos/acme/etl/git/refs/heads/godwit/x", True, True),
        ("DELETE", "/repos/acme/etl/git/refs/heads/godwit/x", True, True),
        ("POST", "/app/installations/42/access_tokens", False, False),
        ("POST", "/app-manifests/abc123/conversions", False, False),
    ],
)
def test_which_requests_are_paced(method: str, path: str, paced: bool, content: bool) -> None:
    assert is_paced(method, path) is paced
    assert creates_content(method, path) is content


def test_first_mutation_goes_at_once_and_the_next_waits_out_the_interval() -> None:
    clock = FakeClock()
    paced = pacer(clock)
    with paced.mutation(content=False):
        clock.now += 0.3  # the request takes 0.3 s
    clock.now += 0.2
    with paced.mutation(content=False):
        pass
    assert clock.sleeps == [0.8]


def test_no_wait_once_the_interval_has_passed() -> None:
    clock = FakeClock()
    paced = pacer(clock)
    with paced.mutation(content=True):
        pass
    clock.now += 5
    with paced.mutation(content=True):
        pass
    assert clock.sleeps == []


def test_gap_counts_from_the_end_of_a_failed_mutation_too() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=2.0)

    def failing_request() -> None:
        with paced.mutation(content=False):
            clock.now += 1.0
            raise ConnectionError

    with pytest.raises(ConnectionError):
        failing_request()
    with paced.mutation(content=False):
        pass
    assert clock.sleeps == [2.0]


def test_per_minute_budget_waits_for_the_oldest_creation_to_age_out() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=1.0, per_minute=3, per_hour=100)
    for _ in range(3):
        with paced.mutation(content=True):
            pass
    # Creations at 1000, 1001, 1002: the fourth may start at 1060.
    with paced.mutation(content=True):
        pass
    assert clock.sleeps == [1.0, 1.0, 58.0]


def test_non_content_mutations_ignore_the_creation_budget() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=1.0, per_minute=1, per_hour=100)
    with paced.mutation(content=True):
        pass
    with paced.mutation(content=False):
        pass
    assert clock.sleeps == [1.0]


def test_hourly_budget_reschedules_instead_of_blocking() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=0.0, per_minute=100, per_hour=2)
    for _ in range(2):
        with paced.mutation(content=True):
            clock.now += 10
    with pytest.raises(RescheduleJob) as raised, paced.mutation(content=True):
        pass
    # The first creation was answered at t=1010 and leaves the hour at 4610; it is now 1020.
    assert raised.value.after_seconds == 3590.0


def test_a_creation_counts_from_its_answer_so_it_never_leaves_the_window_before_githubs() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=0.0, per_minute=1, per_hour=100)
    with paced.mutation(content=True):
        clock.now += 5  # a slow answer: GitHub may have counted it as late as t=1005
    with paced.mutation(content=True):
        pass
    assert clock.sleeps == [60.0]


def test_room_for_several_creations_is_refused_before_any_is_sent() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=0.0, per_minute=100, per_hour=5)
    for _ in range(2):
        with paced.mutation(content=True):
            clock.now += 10
    paced.check_room(3)  # 2 + 3 fit the hour
    with pytest.raises(RescheduleJob) as raised:
        paced.check_room(4)
    # The fourth of four would be the sixth this hour: it waits for the first (t=1010) to age out.
    assert raised.value.after_seconds == 3590.0
    assert clock.sleeps == []


def test_room_waits_shorter_than_the_blocking_limit_are_left_to_the_turns() -> None:
    clock = FakeClock()
    paced = pacer(clock, interval=0.0, per_minute=2, per_hour=100)
    with paced.mutation(content=True):
        pass
    paced.check_room(3)  # the third waits a minute, within the 90 s a worker sleeps through
    assert clock.sleeps == []
