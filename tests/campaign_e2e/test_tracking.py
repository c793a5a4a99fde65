"""Reviews, checks, merges and pushes on GitHub move each repository's state and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from huey import MemoryHuey

from bot.demo.outcome import CampaignPull
from bot.demo.world import ORG
from bot.github.auth import GitHubApp
from bot.github.client import web_url
from bot.service.context import AppServices, utc_now
from bot.service.nudges import nudge_stale
from bot.store.db import create_engine_for, session_factory, upgrade_database
from tests.campaign_e2e.conftest import World

BQ = f"{ORG}/acme-bq-jobs"
DBT = f"{ORG}/acme-dbt-analytics"
SCIO = f"{ORG}/acme-scio-pipelines"
ROYALTIES = f"{ORG}/acme-royalties"


def start(world: World) -> tuple[int, dict[str, CampaignPull]]:
    """Open the campaign and ``/migrate start`` it; the issue and each repository's PR."""
    number = world.open_campaign()
    world.command(number, "/migrate start")
    return number, {pull.repo: pull for pull in world.pulls()}


def services_on(
    world: World, database: str, clock: Callable[[], datetime] = utc_now
) -> AppServices:
    """Godwit's services as a second process would build them, on ``database``."""
    settings = world.stack.settings
    upgrade_database(database)
    return AppServices(
        github=GitHubApp.from_settings(settings),
        sessions=session_factory(create_engine_for(database)),
        huey=MemoryHuey(),  # jobs it queues are not run: the test reads the store
        marker_keys=settings.marker_keys(),
        web_base=web_url(settings.github_url),
        clock=clock,
    )


def test_reviews_checks_merges_and_base_pushes_move_the_states(world: World) -> None:
    number, pulls = start(world)
    assert set(pulls) == {BQ, DBT, SCIO, ROYALTIES}
    assert world.targets()["acme-bq-jobs"] == "pr_open"

    world.sandbox.review(BQ, pulls[BQ].number, "bruno-jobs", "APPROVED")
    world.sandbox.review(
        DBT, pulls[DBT].number, "alice-analytics", "CHANGES_REQUESTED", "Please keep the old name."
    )
    scio_head = world.sandbox.issue(SCIO, pulls[SCIO].number).pull
    assert scio_head is not None
    world.sandbox.complete_check_suite(SCIO, scio_head.head_sha, "failure", [("build", "failure")])
    world.sandbox.push(ROYALTIES, "main", {"NOTES.md": "moved on\n"}, author="dana-finance")
    world.settle()

    assert world.targets() == {
        "acme-bq-jobs": "approved",
        "acme-dbt-analytics": "changes_requested",
        "acme-royalties": "out_of_date",
        "acme-scio-pipelines": "checks_failing",
        "acme-web-frontend": "no_changes",
        "data-platform": "no_changes",
    }

    world.sandbox.merge(BQ, pulls[BQ].number, "bruno-jobs")
    world.settle()
    assert world.targets()["acme-bq-jobs"] == "merged"
    dashboard = world.dashboard(number)
    assert dashboard is not None
    assert "merged" in dashboard.lower()


def test_duplicate_and_late_deliveries_change_nothing(world: World) -> None:
    _, pulls = start(world)
    first = world.sandbox.review(
        DBT, pulls[DBT].number, "alice-analytics", "CHANGES_REQUESTED", "Please keep the old name."
    )
    world.settle()
    world.sandbox.review(DBT, pulls[DBT].number, "alice-analytics", "APPROVED")
    world.settle()
    assert world.targets()["acme-dbt-analytics"] == "approved"

    # GitHub sends the older review again: Godwit re-reads the PR and keeps the newer verdict.
    older = [
        d
        for d in world.sandbox.deliveries("pull_request_review")
        if d.payload["review"]["id"] == first
    ]
    assert older
    world.sandbox.redeliver(older[0].id)
    world.settle()
    assert world.targets()["acme-dbt-analytics"] == "approved"


def test_a_quiet_pr_is_nudged_once(world: World) -> None:
    _, pulls = start(world)
    world.sandbox.review(BQ, pulls[BQ].number, "bruno-jobs", "COMMENTED", "Looking at it.")
    world.settle()
    database = world.stack.settings.database_url

    assert nudge_stale(services_on(world, database, lambda: utc_now() + timedelta(days=6))) == 0
    later = services_on(world, database, lambda: utc_now() + timedelta(days=8))
    assert nudge_stale(later) == 4
    assert nudge_stale(later) == 0  # once per pull request

    comments = [c.body for c in world.bot_comments(pulls[BQ].number, BQ)]
    nudges = [body for body in comments if body.startswith("<!-- godwit:nudge -->")]
    assert len(nudges) == 1
    assert nudges[0].startswith("<!-- godwit:nudge -->\n@bruno-jobs: a gentle reminder")
    assert "no activity for 8 days" in nudges[0]
    assert world.targets()["acme-bq-jobs"] == "pr_open"
