"""When a failed GitHub request is worth repeating, and when the job should go back to the queue.

githubkit's default retry sleeps until a primary limit resets (up to an hour) and
gives up on a 403 that only says "secondary rate limit". Godwit's workers are few,
so a long wait must free the worker instead: ``RescheduleJob`` carries the wait to
the job queue. The decision itself is a pure function of the response, the attempt
number and the current time, so every rule is tested on synthetic responses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from githubkit.exception import GitHubException, RequestError, RequestFailed
from githubkit.retry import RetryDecisionFunc, RetryOption

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SHORTEST_SLEEP = 0.001
"""githubkit reads a zero wait as "no advice" and sleeps a minute, so no wait is zero."""


class RescheduleJob(Exception):  # noqa: N818  (an instruction to the job queue, not an error)
    """GitHub asked for a pause longer than a worker should block; run the job again later."""

    def __init__(self, after_seconds: float, reason: str) -> None:
        super().__init__(f"{reason}; retry in {after_seconds:.0f} s")
        self.after_seconds = after_seconds
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """Limits of the retry decision; tests shrink the waits, production keeps GitHub's advice."""

    max_blocking_wait: float = 90.0
    """Longest pause a worker sleeps through; a longer one reschedules the job."""
    secondary_min_wait: float = 60.0
    """GitHub asks for at least a minute after a secondary limit that names no wait."""
    server_error_wait: float = 1.0
    max_server_retries: int = 4
    max_rate_limit_retries: int = 4


DEFAULT_RETRY_POLICY = RetryPolicy()


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (httpx.ResponseNotRead, ValueError):
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


def _header_seconds(response: httpx.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


def _rate_limit_wait(
    response: httpx.Response, attempt: int, policy: RetryPolicy, now: float
) -> float | None:
    """The wait GitHub asks for on a 403/429, or None when the 403 is a plain refusal."""
    retry_after = _header_seconds(response, "retry-after")
    if retry_after is not None:
        return retry_after
    reset = _header_seconds(response, "x-ratelimit-reset")
    if response.headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - now, 0.0) + 1.0
    if response.status_code == 429 or "secondary rate limit" in _error_message(response).lower():
        return policy.secondary_min_wait * 2.0**attempt
    return None


def retry_delay(
    response: httpx.Response, attempt: int, policy: RetryPolicy, *, now: float
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None to give up.

    ``attempt`` counts the retries already made; ``now`` is Unix time, compared
    with ``x-ratelimit-reset``. Raises ``RescheduleJob`` when GitHub asks for a
    longer pause than ``policy.max_blocking_wait`` or keeps limiting.
    """
    status = response.status_code
    if status in (403, 429):
        wait = _rate_limit_wait(response, attempt, policy, now)
        if wait is None:
            return None
        if wait > policy.max_blocking_wait:
            raise RescheduleJob(wait, f"GitHub rate limit ({status})")
        if attempt >= policy.max_rate_limit_retries:
            raise RescheduleJob(
                max(wait, policy.secondary_min_wait), f"GitHub still rate limiting ({status})"
            )
        return wait
    if status >= 500 and attempt < policy.max_server_retries:
        return policy.server_error_wait * 2.0**attempt
    return None


def retry_decision(
    policy: RetryPolicy, clock: Callable[[], float] = time.time
) -> RetryDecisionFunc:
    """Adapt ``retry_delay`` to githubkit's ``auto_retry`` hook.

    githubkit wraps whatever the transport raises in ``RequestError``; a
    ``RescheduleJob`` from the pacer is unwrapped here so the job queue sees it.
    A 5xx answer is retried for every method, as octokit does. A request whose
    answer never arrived is retried only when it is a read: a mutation may have
    been applied without Godwit learning so.
    """

    def decide(error: GitHubException, retry_count: int) -> RetryOption:
        cause = error.exc if isinstance(error, RequestError) else None
        if isinstance(cause, RescheduleJob):
            raise cause
        failed = error if isinstance(error, RequestFailed) else cause
        if isinstance(failed, RequestFailed):
            wait = retry_delay(failed.response.raw_response, retry_count, policy, now=clock())
        elif (
            isinstance(cause, httpx.TransportError)
            and cause.request.method in IDEMPOTENT_METHODS
            and retry_count < policy.max_server_retries
        ):
            wait = policy.server_error_wait * 2.0**retry_count
        else:
            wait = None
        if wait is None:
            return RetryOption(False)
        return RetryOption(True, timedelta(seconds=max(wait, _SHORTEST_SLEEP)))

    return decide
