"""Pacing shared by every worker process of a deployment, kept in Redis.

A ``Pacer`` serialises the threads of one process. Workers on several machines
acting for the same installation must take turns too, or together they send
mutations closer than GitHub allows and overspend the content budget: the turn
is a Redis lock, and the time of the last mutation and of each creation live
in Redis next to it. Time is Redis's own clock, which every machine shares.

A turn is held across the request it paces, which may take long; it is a
lease renewed every third of ``lease_seconds`` while the request runs, so a
worker killed holding it gives the turn up within ``lease_seconds`` (the worker
timeout), not after a fixed five minutes.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager, suppress

from redis import Redis
from redis.exceptions import LockError
from redis.lock import Lock

from bot.github.pacing import (
    GITHUB_CONTENT_BUDGET,
    ContentBudget,
    MutationPacer,
    PacerFactory,
    reschedule_beyond,
    room_wait,
    turn_in_thread,
    turn_wait,
    wait_for_turn,
)

KEY_PREFIX = "godwit:pacing:"
HOUR = 3600.0


def redis_clock(client: Redis) -> Callable[[], float]:
    def now() -> float:
        seconds, microseconds = client.time()
        return float(seconds) + microseconds / 1_000_000

    return now


class RedisPacer:
    """``Pacer``'s rules for one installation, with the turn and the history in Redis."""

    def __init__(
        self,
        client: Redis,
        scope: str,
        interval: float,
        *,
        budget: ContentBudget = GITHUB_CONTENT_BUDGET,
        lease_seconds: float,
        max_blocking_wait: float = 90.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.lease_seconds = lease_seconds
        self.budget = budget
        self.max_blocking_wait = max_blocking_wait
        self._client = client
        self._clock = clock or redis_clock(client)
        self._sleep = sleep
        key = KEY_PREFIX + scope
        self._turn_key, self._last_key, self._created_key = (
            f"{key}:turn",
            f"{key}:last",
            f"{key}:created",
        )

    def _history(self, now: float) -> tuple[float | None, list[float]]:
        pipe = self._client.pipeline()
        pipe.get(self._last_key)
        pipe.zremrangebyscore(self._created_key, "-inf", now - HOUR)
        pipe.zrange(self._created_key, 0, -1, withscores=True)
        last, _, created = pipe.execute()
        return (None if last is None else float(last)), [score for _, score in created]

    def _record(self, done: float, content: bool) -> None:
        pipe = self._client.pipeline()
        pipe.set(self._last_key, repr(done), ex=int(HOUR))
        if content:
            pipe.zadd(self._created_key, {uuid.uuid4().hex: done})
            pipe.expire(self._created_key, int(HOUR) + 60)
        pipe.execute()

    @contextmanager
    def mutation(self, *, content: bool) -> Iterator[None]:
        """Hold the installation's turn across processes; raise ``RescheduleJob`` for long waits."""
        turn = self._client.lock(self._turn_key, timeout=self.lease_seconds, sleep=0.01)
        turn.acquire()
        try:
            with renewing(turn, self.lease_seconds):
                now = self._clock()
                last_done, created = self._history(now)
                wait = turn_wait(
                    now, last_done, self.interval, created, self.budget, content=content
                )
                wait_for_turn(wait, self.max_blocking_wait, self._sleep)
                try:
                    yield
                finally:
                    # Stamped at the answer, as ``Pacer`` does (see there).
                    self._record(self._clock(), content)
        finally:
            # A turn held past its timeout was taken over: there is nothing to hand back.
            with suppress(LockError):
                turn.release()

    def async_mutation(self, *, content: bool) -> AbstractAsyncContextManager[None]:
        return turn_in_thread(self.mutation(content=content))

    def check_room(self, content: int) -> None:
        now = self._clock()
        _, created = self._history(now)
        reschedule_beyond(room_wait(created, now, self.budget, content), self.max_blocking_wait)


@contextmanager
def renewing(turn: Lock, lease_seconds: float) -> Iterator[None]:
    """Keep renewing ``turn``'s lease while the block runs; a dead process stops renewing it."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(lease_seconds / 3):
            with suppress(LockError):
                turn.reacquire()

    thread = threading.Thread(target=renew, name="godwit-pacing-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def redis_pacers(client: Redis, *, lease_seconds: float) -> PacerFactory:
    """A ``use_pacer_factory`` factory whose pacers all share ``client``'s Redis."""

    def build(scope: str, interval: float) -> MutationPacer:
        return RedisPacer(client, scope, interval, lease_seconds=lease_seconds)

    return build
