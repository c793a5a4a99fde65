"""The state store on SQLite and on PostgreSQL: schema, de-duplication, locks, installations."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from bot.store.db import session_factory, upgrade_database
from bot.store.deliveries import get_delivery, record_delivery
from bot.store.installations import (
    InstallationSnapshot,
    RepositoryRef,
    active_repositories,
    get_installation,
    record_deletion,
    record_installation,
    record_repository_changes,
)
from bot.store.locks import release_lock, try_acquire_lock
from bot.store.models import Base, Campaign, Installation, Target


def test_the_migrations_build_exactly_the_models(engine: Engine, database_url: str) -> None:
    upgrade_database(database_url)  # a second run at start-up changes nothing

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert tables >= {"installations", "campaigns", "targets", "deliveries", "audit_log"}


def test_a_delivery_id_is_stored_once(engine: Engine) -> None:
    with session_factory(engine)() as session:
        first = record_delivery(
            session, delivery_id="72d3162e-cc78", event="push", action=None, payload=b"{}"
        )
        second = record_delivery(
            session, delivery_id="72d3162e-cc78", event="push", action=None, payload=b"{1}"
        )
        stored = get_delivery(session, "72d3162e-cc78")

    assert (first, second) == (True, False)
    assert stored is not None
    assert (stored.payload, stored.status, stored.attempts) == (b"{}", "pending", 0)


def test_campaigns_and_targets_round_trip_with_aware_timestamps(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as session:
        session.add(Installation(id=48112233, account="acme-data"))
        session.flush()
        campaign = Campaign(
            installation_id=48112233,
            repo="acme-data/migrations",
            issue_number=12,
            campaign_id="events-v2",
            spec_hash="9f2c",
            state="open",
            spec_yaml="id: events-v2\n",
        )
        session.add(campaign)
        session.flush()
        session.add(Target(campaign_id=campaign.id, repo="acme-data/warehouse-jobs", state="new"))
        session.commit()

    with sessions() as session:
        target = session.query(Target).one()
        assert (target.repo, target.state, target.pr_number) == (
            "acme-data/warehouse-jobs",
            "new",
            None,
        )
        assert target.last_activity.tzinfo is not None


def test_a_lock_is_exclusive_until_released_or_expired(engine: Engine) -> None:
    with session_factory(engine)() as session:
        assert try_acquire_lock(session, "repo:acme-data/jobs", "worker-a", 60)
        assert not try_acquire_lock(session, "repo:acme-data/jobs", "worker-b", 60)
        assert try_acquire_lock(session, "repo:acme-data/other", "worker-b", 60)
        release_lock(session, "repo:acme-data/jobs", "worker-b")  # not b's to release
        assert not try_acquire_lock(session, "repo:acme-data/jobs", "worker-b", 60)
        release_lock(session, "repo:acme-data/jobs", "worker-a")
        assert try_acquire_lock(session, "repo:acme-data/jobs", "worker-b", -1)  # already stale
        assert try_acquire_lock(session, "repo:acme-data/jobs", "worker-c", 60)


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


def _snapshot(installation_id: int, day: int, *, suspended: bool) -> InstallationSnapshot:
    return InstallationSnapshot(installation_id, "acme-data", suspended, _at(day))


Step = Callable[[Session, int], object]
STEPS: dict[str, Step] = {
    "created": lambda s, i: record_installation(
        s, _snapshot(i, 2, suspended=False), [RepositoryRef(i * 10 + 1, "acme-data/jobs")]
    ),
    "suspended": lambda s, i: record_installation(s, _snapshot(i, 3, suspended=True)),
    "dbt added": lambda s, i: record_repository_changes(
        s, _snapshot(i, 4, suspended=True), [RepositoryRef(i * 10 + 2, "acme-data/dbt")], []
    ),
    "jobs removed": lambda s, i: record_repository_changes(
        s, _snapshot(i, 5, suspended=True), [], [RepositoryRef(i * 10 + 1, "acme-data/jobs")]
    ),
}


def test_installation_state_does_not_depend_on_arrival_order(engine: Engine) -> None:
    sessions = session_factory(engine)
    orders = list(itertools.permutations(STEPS))
    for installation_id, order in enumerate(orders, start=1):
        for name in order:
            with sessions() as session:
                STEPS[name](session, installation_id)
                session.commit()

    with sessions() as session:
        for installation_id, order in enumerate(orders, start=1):
            row = get_installation(session, installation_id)
            assert row is not None, order
            assert (row.suspended, row.deleted, row.github_updated_at) == (True, False, _at(5))
            assert list(active_repositories(session, installation_id)) == ["acme-data/dbt"]


@pytest.mark.parametrize("deletion_first", [True, False])
def test_a_deleted_installation_stays_deleted(engine: Engine, deletion_first: bool) -> None:
    sessions = session_factory(engine)
    steps = [
        lambda s: record_installation(
            s, _snapshot(9, 2, suspended=False), [RepositoryRef(91, "acme-data/dbt")]
        ),
        lambda s: record_deletion(s, _snapshot(9, 6, suspended=False)),
    ]
    for step in reversed(steps) if deletion_first else steps:
        with sessions() as session:
            step(session)
            session.commit()

    with sessions() as session:
        row = get_installation(session, 9)
        assert row is not None
        assert row.deleted
        assert list(active_repositories(session, 9)) == []
