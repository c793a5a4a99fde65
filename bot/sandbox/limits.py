"""Injected faults, GitHub's secondary rate limits and the request log.

Godwit's retry and pacing logic can only be trusted if it has met the failures GitHub
produces: transient 5xx, secondary-limit 403s with and without ``retry-after``, 429s and
slow answers. Limit enforcement runs on a scaled clock so an hour of accounting can pass
in a minute of benchmark.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Literal

SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)
MUTATING_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
RATE_LIMIT = 5000
"""The primary hourly limit of an installation, reported in ``x-ratelimit-*`` headers."""

FaultKind = Literal["error", "secondary", "secondary_no_retry_after", "too_many", "latency"]


@dataclass
class FaultRule:
    """Answer matching requests with a fault, for the next ``count`` matches or by chance."""

    kind: FaultKind
    status: int = 502
    count: int | None = 1
    probability: float | None = None
    method: str | None = None
    path: str | None = None
    """A regular expression searched in the request path."""
    retry_after: int = 60
    latency_s: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None


@dataclass(frozen=True)
class FaultAnswer:
    status: int
    message: str
    retry_after: int | None


class Faults:
    """The active fault rules; probability draws come from a seeded generator, so runs repeat."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self, seed: int | None = None) -> None:
        with self._lock:
            self._rules.clear()
            if seed is not None:
                self._random.seed(seed)

    def draw(self, method: str, path: str) -> tuple[float, FaultAnswer | None]:
        """The latency to add and the fault answer, if any, for one request."""
        latency = 0.0
        with self._lock:
            for rule in list(self._rules):
                if not rule.matches(method, path):
                    continue
                if rule.probability is not None and self._random.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                self.injected[rule.kind] += 1
                if rule.kind == "latency":
                    latency += rule.latency_s
                    continue
                return latency, _answer(rule)
        return latency, None


def _answer(rule: FaultRule) -> FaultAnswer:
    if rule.kind == "secondary":
        return FaultAnswer(403, SECONDARY_LIMIT_MESSAGE, rule.retry_after)
    if rule.kind == "secondary_no_retry_after":
        return FaultAnswer(403, SECONDARY_LIMIT_MESSAGE, None)
    if rule.kind == "too_many":
        return FaultAnswer(429, SECONDARY_LIMIT_MESSAGE, rule.retry_after)
    return FaultAnswer(rule.status, "Server Error" if rule.status >= 500 else "Error", None)


@dataclass
class LimitConfig:
    """GitHub's documented secondary limits; ``enabled`` is off so ordinary tests run freely."""

    enabled: bool = False
    content_per_minute: int = 80
    content_per_hour: int = 500
    concurrent: int = 100
    min_mutation_interval_s: float = 1.0
    time_scale: float = 1.0
    """Scaled seconds per real second: 60 makes each real second count as a minute."""


@dataclass
class LimitCounters:
    violations: Counter[str] = field(default_factory=Counter)
    close_mutations: int = 0
    """Mutations less than ``min_mutation_interval_s`` (scaled) after the previous one."""


class SecondaryLimits:
    """Per-installation accounting of content creation, concurrency and mutation spacing."""

    def __init__(self, config: LimitConfig | None = None) -> None:
        self.config = config or LimitConfig()
        self.counters = LimitCounters()
        self._lock = threading.Lock()
        self._origin = time.monotonic()
        self._content: dict[int | None, deque[float]] = {}
        self._last_mutation: dict[int | None, float] = {}
        self._in_flight = 0

    def configure(self, config: LimitConfig) -> None:
        with self._lock:
            self.config = config
            self.counters = LimitCounters()
            self._origin = time.monotonic()
            self._content.clear()
            self._last_mutation.clear()

    def scaled_now(self) -> float:
        return (time.monotonic() - self._origin) * self.config.time_scale

    def enter(self, installation_id: int | None, method: str) -> str | None:
        """Admit a request, or name the limit it breaks; admitted requests must call ``leave``."""
        with self._lock:
            self._in_flight += 1
            if not self.config.enabled:
                return None
            if self._in_flight > self.config.concurrent:
                return self._violate("concurrent")
            if method.upper() not in MUTATING_METHODS:
                return None
            moment = self.scaled_now()
            last = self._last_mutation.get(installation_id)
            if last is not None and moment - last < self.config.min_mutation_interval_s:
                self.counters.close_mutations += 1
            self._last_mutation[installation_id] = moment
            window = self._content.setdefault(installation_id, deque())
            while window and moment - window[0] >= 3600:
                window.popleft()
            last_minute = sum(1 for stamp in window if moment - stamp < 60)
            if last_minute >= self.config.content_per_minute:
                return self._violate("content_per_minute")
            if len(window) >= self.config.content_per_hour:
                return self._violate("content_per_hour")
            window.append(moment)
            return None

    def _violate(self, kind: str) -> str:
        self.counters.violations[kind] += 1
        return kind

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    installation_id: int | None
    status: int
    timestamp: float


class RequestLog:
    """Every API request the sandbox answered, for tests and benchmarks to count."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._hourly: Counter[tuple[int | None, int]] = Counter()
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            self._hourly[record.installation_id, int(record.timestamp // 3600)] += 1

    def used_this_hour(self, installation_id: int | None) -> int:
        """Requests of the installation in the current clock hour (the primary-limit window)."""
        return self._hourly[installation_id, int(time.time() // 3600)]

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._hourly.clear()
