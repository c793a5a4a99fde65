"""Count the GitHub requests a job makes, by method and endpoint.

The request budget is what limits how fast a campaign can move, so every job
and benchmark reports what it spent. Counting rides on a context variable: the
transport records into whichever counters the current job opened, without the
GitHub client knowing about jobs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from bot.github.pacing import MUTATING_METHODS

_REST_OF_PATH = {
    "refs": "{ref}",
    "ref": "{ref}",
    "matching-refs": "{ref}",
    "tarball": "{ref}",
    "zipball": "{ref}",
    "contents": "{path}",
}
"""Segments after which the whole remaining path is one variable (a ref or a file path)."""
_OWNERS = {"repos": ["{owner}", "{repo}"], "orgs": ["{org}"], "users": ["{user}"]}
_SHA = re.compile(r"^[0-9a-f]{40}$")


def endpoint_template(path: str) -> str:
    """Fold the variable parts of an API path so requests to one endpoint count together.

    >>> endpoint_template("/repos/acme/etl/git/trees/" + "a" * 40)
    '/repos/{owner}/{repo}/git/trees/{sha}'
    >>> endpoint_template("/repos/acme/etl/git/refs/heads/godwit/retire-x")
    '/repos/{owner}/{repo}/git/refs/{ref}'
    """
    parts = path.strip("/").split("/")
    owner = _OWNERS.get(parts[0], [])
    if len(parts) > len(owner):
        parts[1 : 1 + len(owner)] = owner
    folded: list[str] = []
    for part in parts:
        if folded and folded[-1] in _REST_OF_PATH:
            folded.append(_REST_OF_PATH[folded[-1]])
            break
        folded.append("{id}" if part.isdigit() else "{sha}" if _SHA.match(part) else part)
    return "/" + "/".join(folded)


@dataclass
class RequestCounts:
    """Requests sent while a counter was open, keyed by (method, endpoint template)."""

    by_endpoint: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())

    @property
    def mutations(self) -> int:
        return sum(n for (method, _), n in self.by_endpoint.items() if method in MUTATING_METHODS)

    def per(self, units: int) -> float:
        """Requests per unit of work, e.g. per pull request opened."""
        return self.total / units if units else float(self.total)


_open_counters: ContextVar[tuple[RequestCounts, ...]] = ContextVar(
    "godwit_request_counters", default=()
)


@contextmanager
def counting_requests() -> Iterator[RequestCounts]:
    """Count every GitHub request sent in this context (nested counters all count)."""
    counts = RequestCounts()
    token = _open_counters.set((*_open_counters.get(), counts))
    try:
        yield counts
    finally:
        _open_counters.reset(token)


def record_request(method: str, path: str) -> None:
    """Add one request (``path`` relative to the API root) to every open counter."""
    key = (method.upper(), endpoint_template(path))
    for counts in _open_counters.get():
        counts.by_endpoint[key] += 1
