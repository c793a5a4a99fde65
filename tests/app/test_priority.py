"""Workers sharing a process with the intake wait while webhooks are in flight."""

from __future__ import annotations

import threading

from bot.jobs.priority import Foreground


def test_an_idle_intake_lets_work_start_at_once() -> None:
    assert Foreground().wait_until_quiet(timeout=0) is True


def test_work_waits_while_a_request_is_in_flight_and_resumes_when_it_ends() -> None:
    foreground = Foreground()
    outcome: list[bool] = []
    entered = threading.Event()
    leave = threading.Event()

    def request() -> None:
        with foreground.active():
            entered.set()
            leave.wait(10)

    requester = threading.Thread(target=request)
    requester.start()
    entered.wait(10)
    assert foreground.wait_until_quiet(timeout=0.05) is False  # bounded: gives up

    waiter = threading.Thread(target=lambda: outcome.append(foreground.wait_until_quiet(10)))
    waiter.start()
    leave.set()
    requester.join(10)
    waiter.join(10)

    assert outcome == [True]


def test_overlapping_requests_keep_it_busy_until_the_last_one_ends() -> None:
    foreground = Foreground()
    with foreground.active():
        with foreground.active():
            pass
        assert foreground.wait_until_quiet(timeout=0) is False
    assert foreground.wait_until_quiet(timeout=0) is True
