"""The retry decision on synthetic GitHub responses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from githubkit.exception import RequestError, RequestFailed
from githubkit.response import Response

from bot.github.retry import RescheduleJob, RetryPolicy, retry_decision, retry_delay

NOW = 1_800_000_000.0
POLICY = RetryPolicy(
    max_blocking_wait=90.0, secondary_min_wait=60.0, server_error_wait=1.0, max_server_retries=3
)
SECONDARY = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}


def response(
    status: int, headers: dict[str, str] | None = None, body: Any = None, method: str = "GET"
) -> httpx.Response:
    request = httpx.Request(method, "https://api.github.com/repos/acme/etl/pulls")
    return httpx.Response(status, headers=headers, json=body or {}, request=request)


@pytest.mark.parametrize(
    ("status", "headers", "body", "attempt", "expected"),
    [
        pytest.param(403, {"retry-after": "30"}, SECONDARY, 0, 30.0, id="403 retry-after"),
        pytest.param(429, {"retry-after": "5"}, None, 2, 5.0, id="429 retry-after"),
        pytest.param(
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 40)},
            {"message": "API rate limit exceeded"},
            0,
            41.0,
            id="primary limit resets soon",
        ),
        pytest.param(
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) - 5)},
            None,
            0,
            1.0,
            id="primary limit already reset",
        ),
        pytest.param(403, {}, SECONDARY, 0, 60.0, id="secondary message only: a minute"),
        pytest.param(429, {}, None, 0, 60.0, id="429 without advice: a minute"),
        pytest.param(403, {}, {"message": "Resource not accessible by integration"}, 0, None,
                     id="permission refusal"),
        pytest.param(404, {}, {"message": "Not Found"}, 0, None, id="not found"),
        pytest.param(422, {}, {"message": "Validation Failed"}, 0, None, id="invalid"),
        pytest.param(502, {}, None, 0, 1.0, id="first server error"),
        pytest.param(503, {}, None, 2, 4.0, id="third server error backs off"),
        pytest.param(500, {}, None, 3, None, id="server errors exhausted"),
    ],
)  # fmt: skip
def test_retry_delay(
    status: int, headers: dict[str, str], body: Any, attempt: int, expected: float | None
) -> None:
    assert retry_delay(response(status, headers, body), attempt, POLICY, now=NOW) == expected


def test_secondary_backoff_beyond_the_blocking_limit_reschedules() -> None:
    with pytest.raises(RescheduleJob) as raised:
        retry_delay(response(403, {}, SECONDARY), 1, POLICY, now=NOW)
    assert raised.value.after_seconds == 120.0


def test_backoff_doubles_while_it_stays_under_the_blocking_limit() -> None:
    patient = RetryPolicy(max_blocking_wait=500.0, max_rate_limit_retries=4)
    waits = [retry_delay(response(403, {}, SECONDARY), n, patient, now=NOW) for n in range(4)]
    assert waits == [60.0, 120.0, 240.0, 480.0]


def test_long_primary_limit_reschedules_instead_of_blocking() -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 1800)}
    with pytest.raises(RescheduleJob) as raised:
        retry_delay(response(403, reset), 0, POLICY, now=NOW)
    assert raised.value.after_seconds == 1801.0


def test_long_retry_after_reschedules() -> None:
    with pytest.raises(RescheduleJob) as raised:
        retry_delay(response(429, {"retry-after": "600"}), 0, POLICY, now=NOW)
    assert raised.value.after_seconds == 600.0


def test_rate_limit_retries_are_bounded() -> None:
    limited = response(403, {"retry-after": "2"}, SECONDARY)
    assert retry_delay(limited, 3, POLICY, now=NOW) == 2.0
    with pytest.raises(RescheduleJob):
        retry_delay(limited, 4, POLICY, now=NOW)


def failed(raw: httpx.Response) -> RequestFailed:
    return RequestFailed(Response(raw, Any))


def test_githubkit_hook_retries_a_secondary_limit_it_would_not() -> None:
    decide = retry_decision(POLICY, clock=lambda: NOW)
    option = decide(failed(response(403, {}, SECONDARY)), 0)
    assert option.do_retry
    assert option.retry_after is not None
    assert option.retry_after.total_seconds() == 60.0


def test_githubkit_hook_gives_up_on_a_refusal() -> None:
    decide = retry_decision(POLICY, clock=lambda: NOW)
    assert not decide(failed(response(404, {}, {"message": "Not Found"})), 0).do_retry


def test_githubkit_hook_never_answers_zero_seconds() -> None:
    """githubkit sleeps a whole minute when told to wait zero seconds."""
    decide = retry_decision(POLICY, clock=lambda: NOW)
    option = decide(failed(response(429, {"retry-after": "0"})), 0)
    assert option.retry_after is not None
    assert 0 < option.retry_after.total_seconds() < 0.01


def test_githubkit_hook_unwraps_failures_inside_the_token_request() -> None:
    decide = retry_decision(POLICY, clock=lambda: NOW)
    wrapped = RequestError(failed(response(502)))
    assert decide(wrapped, 0).do_retry


def test_githubkit_hook_passes_reschedule_from_the_transport_through() -> None:
    decide = retry_decision(POLICY, clock=lambda: NOW)
    with pytest.raises(RescheduleJob):
        decide(RequestError(RescheduleJob(3000.0, "budget")), 0)


@pytest.mark.parametrize(("method", "retried"), [("GET", True), ("POST", False)])
def test_network_errors_retry_reads_only(method: str, retried: bool) -> None:
    decide = retry_decision(POLICY, clock=lambda: NOW)
    request = httpx.Request(method, "https://api.github.com/repos/acme/etl/pulls")
    error = RequestError(httpx.ConnectError("connection refused", request=request))
    assert decide(error, 0).do_retry is retried
