"""Pacing shared through a real Redis: two pacers stand for workers on two machines."""

from __future__ import annotations

import itertools
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from redis import Redis

from bot.github.pacing import ContentBudget
from bot.github.retry import RescheduleJob
from bot.github.shared_pacing import RedisPacer, redis_clock
from bot.settings import DEFAULT_WORKER_TIMEOUT_SECONDS
from tests.github.test_github_pacing import FakeClock

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def client() -> Iterator[Redis]:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    client = Redis.from_url(REDIS)
    yield client
    client.close()


@pytest.fixture
def scope() -> Iterator[str]:
    name = f"https://api.test#{uuid.uuid4().hex[:12]}"
    yield name
    with Redis.from_url(REDIS) as cleanup:
        for key in cleanup.scan_iter(f"godwit:pacing:{name}:*"):
            cleanup.delete(key)


def machines(
    client: Redis, scope: str, clock: FakeClock, interval: float = 1.0, **budget: int
) -> tuple[RedisPacer, RedisPacer]:
    def pacer() -> RedisPacer:
        return RedisPacer(
            client,
            scope,
            interval,
            lease_seconds=DEFAULT_WORKER_TIMEOUT_SECONDS,
            budget=ContentBudget(**budget),
            clock=clock,
            sleep=clock.sleep,
        )

    return pacer(), pacer()


def test_the_gap_between_mutations_holds_across_machines(client: Redis, scope: str) -> None:
    clock = FakeClock()
    first, second = machines(client, scope, clock)
    with first.mutation(content=False):
        clock.now += 0.3  # the request takes 0.3 s
    clock.now += 0.2
    with second.mutation(content=False):
        pass
    assert clock.sleeps == [0.8]


def test_the_content_budget_is_spent_by_all_machines_together(client: Redis, scope: str) -> None:
    clock = FakeClock()
    first, second = machines(client, scope, clock, interval=1.0, per_minute=3, per_hour=100)
    for pacer in (first, second, first):
        with pacer.mutation(content=True):
            pass
    # Creations at 1000, 1001, 1002 from two machines: the fourth may start at 1060.
    with second.mutation(content=True):
        pass
    assert clock.sleeps == [1.0, 1.0, 58.0]


def test_a_long_budget_wait_reschedules_and_hands_the_turn_back(client: Redis, scope: str) -> None:
    clock = FakeClock()
    first, second = machines(client, scope, clock, interval=0.0, per_minute=100, per_hour=1)
    with first.mutation(content=True):
        clock.now += 10
    with pytest.raises(RescheduleJob) as raised, second.mutation(content=True):
        pass
    assert raised.value.after_seconds == 3600.0
    with first.mutation(content=False):  # the turn is free again at once
        pass
    assert clock.sleeps == []


def test_installations_do_not_share_a_budget(client: Redis, scope: str) -> None:
    clock = FakeClock()
    first, _ = machines(client, scope, clock, interval=5.0)
    other, _ = machines(client, scope + "-other", clock, interval=5.0)
    with first.mutation(content=True):
        pass
    with other.mutation(content=True):
        pass
    assert clock.sleeps == []
    with Redis.from_url(REDIS) as cleanup:
        for key in cleanup.scan_iter(f"godwit:pacing:{scope}-other:*"):
            cleanup.delete(key)


def test_threads_on_two_machines_never_overlap_and_keep_the_gap(client: Redis, scope: str) -> None:
    interval = 0.05
    spans: list[tuple[float, float]] = []
    record = threading.Lock()

    def worker(pacer: RedisPacer) -> None:
        for _ in range(4):
            with pacer.mutation(content=True):
                started = time.monotonic()
                time.sleep(0.01)
                ended = time.monotonic()
            with record:
                spans.append((started, ended))

    pacers = [
        RedisPacer(
            Redis.from_url(REDIS), scope, interval, lease_seconds=DEFAULT_WORKER_TIMEOUT_SECONDS
        )
        for _ in range(2)
    ]
    threads = [threading.Thread(target=worker, args=(p,)) for p in pacers for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    spans.sort()
    assert len(spans) == 16
    gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(spans)]
    # Redis's clock and this process's differ by the round trips, a few milliseconds at most.
    assert min(gaps) >= interval - 0.005
    assert client.zcard(f"godwit:pacing:{scope}:created") == 16


def test_the_clock_is_redis_s_own(client: Redis) -> None:
    assert abs(redis_clock(client)() - time.time()) < 5


def test_room_counts_every_machine_s_creations(client: Redis, scope: str) -> None:
    clock = FakeClock()
    first, second = machines(client, scope, clock, interval=0.0, per_minute=100, per_hour=3)
    with first.mutation(content=True):
        clock.now += 10
    second.check_room(2)
    with pytest.raises(RescheduleJob) as raised:
        second.check_room(3)
    assert raised.value.after_seconds == 3600.0
