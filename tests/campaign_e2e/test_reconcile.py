"""Nothing lives only in Godwit's database: a new, empty one is rebuilt from GitHub alone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app, register_commands
from bot.service.context import AppServices, utc_now
from bot.service.dashboard import render_campaign_dashboard
from bot.service.reconcile import reconcile
from bot.settings import get_settings
from bot.store.models import Campaign, Target
from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_pr_commands import BRANCH
from tests.campaign_e2e.test_tracking import BQ, DBT, ROYALTIES, SCIO, services_on, start


def substance(services: AppServices, now: datetime) -> dict[str, Any]:
    """What the store says about the campaign, leaving out when Godwit happened to write it."""
    with services.sessions() as session:
        campaign = session.scalars(select(Campaign)).one()
        targets = session.scalars(select(Target).order_by(Target.repo)).all()
        fixed = AppServices.__new__(AppServices)
        vars(fixed).update(vars(services), _clock=lambda: now)
        return {
            "campaign": (
                campaign.repo,
                campaign.issue_number,
                campaign.campaign_id,
                campaign.spec_hash,
                campaign.state,
                campaign.author,
                campaign.overrides,
            ),
            "targets": [
                (t.repo, t.state, t.pr_number, t.reason, t.base_sha, t.branch, t.human_commits)
                for t in targets
            ],
            "dashboard": render_campaign_dashboard(fixed, session, campaign),
        }


def test_reconcile_rebuilds_the_campaign_into_an_empty_database(
    world: World, tmp_path: Path
) -> None:
    _, pulls = start(world)
    world.sandbox.review(BQ, pulls[BQ].number, "bruno-jobs", "APPROVED")
    world.sandbox.merge(DBT, pulls[DBT].number, "alice-analytics")
    world.sandbox.push(SCIO, BRANCH, {"NOTE.md": "by hand\n"}, author="chen-pipelines")
    world.command(
        pulls[ROYALTIES].number, "/migrate skip not ours", login="dana-finance", repo=ROYALTIES
    )
    world.command(world.campaigns()[0].issue_number, "/migrate exclude acme/acme-web-frontend")
    now = utc_now()
    original = substance(services_on(world, world.stack.settings.database_url), now)

    rebuilt = services_on(world, f"sqlite:///{tmp_path / 'rebuilt.db'}")
    report = reconcile(rebuilt, [world.stack.installation_id])

    assert report.campaigns == [f"{world.host}#1"]
    assert sorted(report.pull_requests) == sorted(f"{r}#{p.number}" for r, p in pulls.items())
    assert substance(rebuilt, now) == original
    assert [state for _, state, *_ in original["targets"]] == [
        "approved",
        "merged",
        "excluded",
        "pr_open",
        "excluded",
        "no_changes",
    ]
    assert original["campaign"][-1] == {
        "acme/acme-royalties": False,
        "acme/acme-web-frontend": False,
    }

    # Again, on the rebuilt store: nothing of substance changes.
    reconcile(rebuilt, [world.stack.installation_id])
    assert substance(rebuilt, now) == original


def test_the_command_rebuilds_the_configured_database(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = world.open_campaign()
    settings = world.stack.settings
    environment = {
        "GODWIT_APP_ID": str(settings.app_id),
        "GODWIT_PRIVATE_KEY": settings.private_key_pem(),
        "GODWIT_WEBHOOK_SECRET": settings.webhook_secret.get_secret_value(),
        "GODWIT_GITHUB_URL": settings.github_url,
        "GODWIT_DATABASE_URL": f"sqlite:///{tmp_path / 'rebuilt.db'}",
        "GODWIT_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    register_commands("reconcile")
    try:
        result = CliRunner().invoke(app, ["reconcile"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "Rebuilt 1 campaign and 0 pull requests from GitHub.",
        f"  campaign {world.host}#{number}",
    ]
    rebuilt = services_on(world, environment["GODWIT_DATABASE_URL"])
    with rebuilt.sessions() as session:
        assert [c.state for c in session.scalars(select(Campaign))] == ["planned"]
