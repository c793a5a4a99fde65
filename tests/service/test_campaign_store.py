"""The campaign store: facts survive the database, dashboard requests coalesce, enqueues wait."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.campaigns.events import Planned, PrOpened, ReviewRequested
from bot.service.deferred import after_commit
from bot.spec import campaign_from_markdown, spec_hash
from bot.store.campaigns import (
    facts_of,
    get_campaign,
    list_targets,
    mark_dashboard_due,
    record_events,
    save_campaign,
    spec_of,
    upsert_target,
)
from bot.store.db import create_engine_for, session_factory, upgrade_database
from bot.store.models import Campaign

BODY = (Path(__file__).resolve().parents[2] / "examples" / "plays-v2" / "campaign.yml").read_text()
ISSUE_BODY = f"Retire plays_v1.\n\n```yaml\n{BODY}```\n"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'godwit.db'}"
    upgrade_database(url)
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


def _campaign(session: Session, body: str = ISSUE_BODY) -> tuple[Campaign, bool]:
    spec = campaign_from_markdown(body)
    return save_campaign(
        session,
        installation_id=48112233,
        repo="Acme/Data-Platform",
        issue_number=7,
        spec=spec,
        spec_hash=spec_hash(spec),
        body=body,
        author="lead",
        state="discovering",
    )


def test_a_campaign_is_stored_once_per_issue_and_knows_when_its_spec_changed(
    engine: Engine,
) -> None:
    with session_factory(engine)() as session:
        first, new = _campaign(session)
        again, changed_again = _campaign(session)
        edited, changed = _campaign(session, ISSUE_BODY.replace("title: Move", "title: Moving"))
        session.commit()
        found = get_campaign(session, "acme/data-platform", 7)

    assert (new, changed_again, changed) == (True, False, True)
    assert first.id == again.id == edited.id
    assert found is not None
    assert (found.repo, found.installation_id, found.author) == (
        "acme/data-platform",
        48112233,
        "lead",
    )
    assert spec_of(found).title == "Moving consumers of plays_v1 to plays_v2"


def test_target_facts_round_trip_through_the_database(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as session:
        campaign, _ = _campaign(session)
        target = upsert_target(session, campaign, "acme/acme-bq-jobs")
        record_events(
            target,
            [
                Planned(AT, has_changes=True),
                PrOpened(AT, 12, "https://github.com/acme/acme-bq-jobs/pull/12", "a" * 40),
                ReviewRequested(AT, "bruno"),
            ],
        )
        expected = facts_of(target)
        session.commit()
    with sessions() as session:
        campaign_row = get_campaign(session, "acme/data-platform", 7)
        assert campaign_row is not None
        [stored] = list_targets(session, campaign_row)

    assert facts_of(stored) == expected
    assert (stored.state, stored.pr_number, stored.head_sha, stored.reviewer) == (
        "pr_open",
        12,
        "a" * 40,
        "bruno",
    )


def test_dashboard_requests_coalesce_until_the_refresh_takes_the_flag(engine: Engine) -> None:
    with session_factory(engine)() as session:
        campaign, _ = _campaign(session)
        requests = [mark_dashboard_due(session, campaign) for _ in range(3)]
        campaign.dashboard_due = False  # the refresh job starts
        after = mark_dashboard_due(session, campaign)

    assert requests == [True, False, False]
    assert after is True


def test_actions_after_commit_run_once_and_never_after_a_rollback(engine: Engine) -> None:
    ran: list[str] = []
    with session_factory(engine)() as session:
        _campaign(session)
        after_commit(session, lambda: ran.append("discover"))
        session.rollback()
        _campaign(session)
        after_commit(session, lambda: ran.append("start"))
        assert ran == []
        session.commit()
        session.commit()

    assert ran == ["start"]
