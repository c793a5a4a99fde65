"""Each event family's router, driven with realistic payloads against a real store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

import handlers
from bot.store.audit import audit_entries
from bot.store.db import session_factory
from handlers.routing import EventContext, Router

from . import payloads as p

REPO = "acme-data/warehouse-jobs"
PR = f"https://github.com/{REPO}/pull/88"

CASES: list[tuple[str, dict[str, Any], tuple[object, ...]]] = [
    (
        "issues",
        p.issues_event("opened", 41),
        ("issues.opened", REPO, f"https://github.com/{REPO}/issues/41", 41, None),
    ),
    (
        "issue_comment",
        p.issue_comment_event(41, 1988201),
        (
            "issue_comment.created",
            REPO,
            f"https://github.com/{REPO}/issues/41#issuecomment-1988201",
            41,
            None,
        ),
    ),
    (
        "pull_request",
        p.pull_request_event("opened", 88),
        ("pull_request.opened", REPO, PR, 88, None),
    ),
    (
        "pull_request_review",
        p.pull_request_review_event(88, 2210554),
        ("pull_request_review.submitted", REPO, f"{PR}#pullrequestreview-2210554", 88, None),
    ),
    (
        "pull_request_review_comment",
        p.pull_request_review_comment_event(88, 1507731),
        ("pull_request_review_comment.created", REPO, f"{PR}#discussion_r1507731", 88, None),
    ),
    (
        "check_suite",
        p.check_suite_event(),
        (
            "check_suite.completed",
            REPO,
            f"https://api.github.com/repos/{REPO}/check-suites/23380012",
            None,
            f"godwit/events-v2 {'c' * 40} completed success",
        ),
    ),
    (
        "check_run",
        p.check_run_event(),
        (
            "check_run.completed",
            REPO,
            f"https://github.com/{REPO}/runs/60112901",
            None,
            f"dbt build {'c' * 40} completed failure",
        ),
    ),
    (
        "push",
        p.push_event("a" * 40, "b" * 40),
        (
            "push",
            REPO,
            f"https://github.com/{REPO}/compare/aaaaaaaaaaaa...bbbbbbbbbbbb",
            None,
            f"refs/heads/main {'a' * 40} -> {'b' * 40}",
        ),
    ),
]


def dispatch(engine: Engine, router: Router, event: str, payload: dict[str, Any]) -> int:
    body = json.dumps(payload).encode()
    with session_factory(engine)() as session:
        context = EventContext(session=session, delivery_id="d-1", event=event)
        ran = router.dispatch(event, payload.get("action"), body, context)
        session.commit()
    return ran


@pytest.mark.parametrize(("event", "payload", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_family_records_what_it_saw(
    sqlite_engine: Engine, event: str, payload: dict[str, Any], expected: tuple[object, ...]
) -> None:
    assert dispatch(sqlite_engine, handlers.router, event, payload) == 1

    with session_factory(sqlite_engine)() as session:
        entries = [
            (e.action, e.repo, e.target_url, e.target_number, e.detail, e.installation_id)
            for e in audit_entries(session)
        ]
    assert entries == [(*expected, 48112233)]


def test_every_family_is_routed() -> None:
    assert handlers.router.events == {
        "installation",
        "installation_repositories",
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "check_suite",
        "check_run",
        "push",
    }


def test_an_incomplete_payload_is_rejected_by_the_typed_parse(sqlite_engine: Engine) -> None:
    payload = p.issues_event()
    del payload["issue"]["number"]

    with pytest.raises(ValidationError):
        dispatch(sqlite_engine, handlers.router, "issues", payload)


def test_handlers_for_an_action_and_for_every_action_both_run(sqlite_engine: Engine) -> None:
    seen: list[str] = []
    first, second = Router(), Router()
    first.register("issues")(lambda event, context: seen.append(f"any:{event.action}"))
    second.register("issues", "closed")(lambda event, context: seen.append("closed"))
    router = Router(first, second)

    assert dispatch(sqlite_engine, router, "issues", p.issues_event("opened")) == 1
    assert dispatch(sqlite_engine, router, "issues", p.issues_event("closed")) == 2
    assert dispatch(sqlite_engine, router, "push", p.push_event()) == 0
    assert seen == ["any:opened", "any:closed", "closed"]
