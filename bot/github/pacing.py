"""Pace one installation's mutating requests the way GitHub asks integrators to.

GitHub's guidance against secondary limits: never send mutations concurrently,
leave at least a second between them, and stay under about 80 content-creating
requests a minute and 500 an hour. A ``Pacer`` holds one installation's lock
while a mutation is in flight and sleeps out the gap; a wait for the hourly
budget is too long to block a worker, so it becomes ``RescheduleJob``.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass
from typing import Protocol

import anyio

from bot.github.retry import RescheduleJob

MUTATING_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_UNPACED_PATHS = re.compile(
    r"^/(app/installations/\d+/access_tokens|app-manifests/[^/]+/conversions)$"
)
"""Token minting and manifest conversion act on the App, not on an installation's content."""


def is_paced(method: str, path: str) -> bool:
    """Whether a request (``path`` relative to the API root) waits for the installation's turn."""
    return method.upper() in MUTATING_METHODS and not _UNPACED_PATHS.match(path)


def creates_content(method: str, path: str) -> bool:
    """Counted against the content-creation budget: every paced mutation.

    GitHub does not list which requests create content, and an edited comment
    or a moved branch is content too; counting every mutation keeps the budget
    on the safe side of however GitHub counts.
    """
    return is_paced(method, path)


@dataclass(frozen=True)
class ContentBudget:
    per_minute: int = 80
    per_hour: int = 500


GITHUB_CONTENT_BUDGET = ContentBudget()


def budget_wait(created: Sequence[float], now: float, budget: ContentBudget) -> float:
    """How long until one more creation fits both windows; ``created`` is sorted, oldest first."""
    recent = [t for t in created if t > now - 3600]
    waits = [0.0]
    if len(recent) >= budget.per_hour:
        waits.append(recent[-budget.per_hour] + 3600 - now)
    last_minute = [t for t in recent if t > now - 60]
    if len(last_minute) >= budget.per_minute:
        waits.append(last_minute[-budget.per_minute] + 60 - now)
    return max(waits)


def room_wait(created: Sequence[float], now: float, budget: ContentBudget, count: int) -> float:
    """How long until ``count`` more creations, sent one after another from now, all fit."""
    if count < 1:
        return 0.0
    return budget_wait([*created, *([now] * (count - 1))], now, budget)


def turn_wait(
    now: float,
    last_done: float | None,
    interval: float,
    created: Sequence[float],
    budget: ContentBudget,
    *,
    content: bool,
) -> float:
    """The wait before a mutation may start: the gap after the last one, and the budget."""
    gap = 0.0 if last_done is None else last_done + interval - now
    return max(gap, budget_wait(created, now, budget) if content else 0.0)


def wait_for_turn(wait: float, max_blocking_wait: float, sleep: Callable[[float], None]) -> None:
    """Sleep out a short wait; a longer one is too long to block a worker: ``RescheduleJob``."""
    reschedule_beyond(wait, max_blocking_wait)
    if wait > 0:
        sleep(wait)


def reschedule_beyond(wait: float, max_blocking_wait: float) -> None:
    """``RescheduleJob`` for a budget wait too long to block a worker; nothing otherwise."""
    if wait > max_blocking_wait:
        raise RescheduleJob(wait, "GitHub content-creation budget used up")


class MutationPacer(Protocol):
    """What the transport needs: a turn per mutation, for threads and for event loops."""

    def mutation(self, *, content: bool) -> AbstractContextManager[None]: ...

    def async_mutation(self, *, content: bool) -> AbstractAsyncContextManager[None]: ...

    def check_room(self, content: int) -> None:
        """``RescheduleJob`` unless ``content`` more creations fit the budget without a long wait.

        A job that needs several creations asks first, so the budget running out
        sends it back before it has sent anything, not halfway through.
        """
        ...


@asynccontextmanager
async def turn_in_thread(turn: AbstractContextManager[None]) -> AsyncIterator[None]:
    """Take a blocking turn from an event loop: awaited in a thread, never blocking the loop.

    Taking the turn is shielded from cancellation, so a cancelled request
    still hands the turn back instead of holding it forever.
    """
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(turn.__enter__)
    try:
        yield
    finally:
        turn.__exit__(None, None, None)


class Pacer:
    """Serialises one installation's mutations with at least ``interval`` seconds between them.

    The gap runs from the end of one mutation to the start of the next. ``clock``
    and ``sleep`` are injectable so the rules are tested without waiting. It
    paces the threads of one process; ``bot.github.shared_pacing`` paces several.
    """

    def __init__(
        self,
        interval: float,
        *,
        budget: ContentBudget = GITHUB_CONTENT_BUDGET,
        max_blocking_wait: float = 90.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.budget = budget
        self.max_blocking_wait = max_blocking_wait
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_done: float | None = None
        self._created: deque[float] = deque()

    @contextmanager
    def mutation(self, *, content: bool) -> Iterator[None]:
        """Hold the installation's turn for one mutation; raise ``RescheduleJob`` for long waits."""
        with self._lock:
            now = self._clock()
            while self._created and self._created[0] <= now - 3600:
                self._created.popleft()
            wait = turn_wait(
                now, self._last_done, self.interval, self._created, self.budget, content=content
            )
            wait_for_turn(wait, self.max_blocking_wait, self._sleep)
            try:
                yield
            finally:
                self._last_done = self._clock()
                # GitHub stamps the request somewhere between sending and answering;
                # stamping it at the answer lets it leave our window no earlier than GitHub's.
                if content:
                    self._created.append(self._last_done)

    def async_mutation(self, *, content: bool) -> AbstractAsyncContextManager[None]:
        return turn_in_thread(self.mutation(content=content))

    def check_room(self, content: int) -> None:
        with self._lock:
            now = self._clock()
            wait = room_wait(self._created, now, self.budget, content)
        reschedule_beyond(wait, self.max_blocking_wait)


PacerFactory = Callable[[str, float], MutationPacer]
"""Builds the pacer of one scope (API URL and installation) with a given interval."""

_pacers: dict[tuple[str, float], MutationPacer] = {}
_pacers_lock = threading.Lock()


def _process_pacer(scope: str, interval: float) -> MutationPacer:
    return Pacer(interval)


_new_pacer: PacerFactory = _process_pacer


def use_pacer_factory(factory: PacerFactory) -> None:
    """Build the pacers ``pacer_for`` creates from now on with ``factory(scope, interval)``.

    Workers on several machines pass pacers that share their state in Redis; a
    benchmark against the sandbox's scaled clock passes pacers that keep time on
    that same clock, so a simulated hour of budget takes a real minute.
    """
    global _new_pacer
    with _pacers_lock:
        _new_pacer = factory


def pacer_for(scope: str, interval: float) -> MutationPacer:
    """The process-wide pacer of one installation (``scope`` names API URL and installation).

    Every client built for the same installation with the same interval shares
    it, so two jobs in one worker process never interleave their mutations.
    """
    with _pacers_lock:
        key = (scope, interval)
        if key not in _pacers:
            _pacers[key] = _new_pacer(scope, interval)
        return _pacers[key]
