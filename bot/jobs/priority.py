"""Let jobs wait while the webhook intake is busy, when both share one process.

GitHub fails a delivery that is not acknowledged within 10 s, while a job can
run a little later without harm. ``godwit serve`` runs both in one process
(and one GIL), so during a burst of deliveries the workers step aside for a
bounded time before each job; a standalone ``godwit worker`` never waits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Foreground:
    """Counts requests in flight; background work waits until there are none."""

    def __init__(self) -> None:
        self._in_flight = 0
        self._quiet = threading.Condition()

    @contextmanager
    def active(self) -> Iterator[None]:
        with self._quiet:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._quiet:
                self._in_flight -= 1
                if not self._in_flight:
                    self._quiet.notify_all()

    def wait_until_quiet(self, timeout: float) -> bool:
        """Block until nothing is in flight or ``timeout`` passes; True if it went quiet."""
        with self._quiet:
            return self._quiet.wait_for(lambda: not self._in_flight, timeout)
