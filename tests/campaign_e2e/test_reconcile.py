"""Nothing lives only in Godwit's database: a new, empty one is rebuilt from GitHub alone."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.campaigns.meta import MarkerKeys, decode_meta
from bot.cli import app, register_commands
from bot.service.context import AppServices, utc_now
from bot.service.dashboard import render_campaign_dashboard
from bot.service.reconcile import ReconcileReport, reconcile
from bot.settings import get_settings
from bot.store.models import Campaign, Target
from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_pr_commands import BRANCH
from tests.campaign_e2e.test_tracking import BQ, DBT, ROYALTIES, SCIO, services_on, start

WEB = "acme/acme-web-frontend"


_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


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
            # Activity times are when Godwit saw an event (originally) or GitHub's own time
            # of it (rebuilt): a busy worker can put the two in different minutes.
            "dashboard": _MINUTE.sub(
                "<minute>", render_campaign_dashboard(fixed, session, campaign)
            ),
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
        "GODWIT_MARKER_KEY": settings.marker_key.get_secret_value(),
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


def _rebuild(world: World, tmp_path: Path) -> tuple[AppServices, ReconcileReport]:
    rebuilt = services_on(world, f"sqlite:///{tmp_path / 'rebuilt.db'}")
    return rebuilt, reconcile(rebuilt, [world.stack.installation_id])


def _labelled_pr(world: World, repo: str, login: str, body: str) -> int:
    """A person's PR from ``BRANCH`` in ``repo``, labelled as the campaign's, with ``body``."""
    if world.sandbox.branch_sha(repo, BRANCH) is None:
        world.sandbox.push(repo, BRANCH, {"NOTE.md": "mine\n"}, author=login)
    number = world.sandbox.open_pr(repo, login, BRANCH, "Looks like Godwit", body)
    world.sandbox.add_label(repo, number, login, "godwit", "godwit:plays-v2")
    world.settle()
    return number


def test_a_marker_copied_into_a_persons_pr_in_another_repository_is_not_adopted(
    world: World, tmp_path: Path
) -> None:
    _, pulls = start(world)
    marker_body = world.sandbox.issue(BQ, pulls[BQ].number).body or ""
    world.sandbox.create_user("mallory")
    world.sandbox.set_permission(WEB, "mallory", "write")
    copied = _labelled_pr(world, WEB, "mallory", marker_body)

    rebuilt, report = _rebuild(world, tmp_path)

    assert sorted(report.pull_requests) == sorted(f"{r}#{p.number}" for r, p in pulls.items())
    assert report.unadopted == [f"{WEB}#{copied}: opened by mallory, not by Godwit"]
    with rebuilt.sessions() as session:
        web = session.scalars(select(Target).where(Target.repo == WEB)).one()
        assert (web.state, web.pr_number) == ("no_changes", None)


def test_a_persons_pr_on_godwits_branch_with_its_marker_is_not_adopted(
    world: World, tmp_path: Path
) -> None:
    _, pulls = start(world)
    godwits = pulls[ROYALTIES].number
    marker_body = world.sandbox.issue(ROYALTIES, godwits).body or ""
    world.sandbox.close_pr(ROYALTIES, godwits, "dana-finance")
    world.settle()
    copied = _labelled_pr(world, ROYALTIES, "dana-finance", marker_body)  # the newer one

    rebuilt, report = _rebuild(world, tmp_path)

    assert f"{ROYALTIES}#{godwits}" in report.pull_requests
    assert f"{ROYALTIES}#{copied}" not in report.pull_requests
    assert report.unadopted == [f"{ROYALTIES}#{copied}: opened by dana-finance, not by Godwit"]
    with rebuilt.sessions() as session:
        target = session.scalars(select(Target).where(Target.repo == ROYALTIES)).one()
        assert (target.pr_number, target.state) == (godwits, "closed")
    # GitHub names the App's bot as the author of Godwit's PRs, with type Bot.
    gh = rebuilt.github.installation_client(world.stack.installation_id)
    author = gh.rest.pulls.get("acme", "acme-royalties", godwits).parsed_data.user
    assert (author.login, author.type) == (world.bot, "Bot")


def test_a_signed_pr_number_must_match_the_pr_it_is_found_in(world: World, tmp_path: Path) -> None:
    _, pulls = start(world)
    first = pulls[BQ].number
    world.command(first, "/migrate rerun --force", login="bruno-jobs", repo=BQ)
    numbered = world.sandbox.issue(BQ, first).body or ""
    meta = decode_meta(numbered, keys=world.stack.settings.marker_keys())
    assert meta is not None
    assert meta.pr == first  # signed once Godwit rewrote the body
    world.sandbox.close_pr(BQ, first, "bruno-jobs")
    world.settle()
    # A later PR of Godwit's on the same branch, whose body a person replaced with the first's.
    second = world.sandbox.open_pr(BQ, world.bot, BRANCH, "Godwit, again", "")
    world.sandbox.edit_issue(BQ, second, "bruno-jobs", body=numbered)
    world.sandbox.add_label(BQ, second, "bruno-jobs", "godwit", "godwit:plays-v2")
    world.settle()

    rebuilt, report = _rebuild(world, tmp_path)

    assert f"{BQ}#{first}" in report.pull_requests
    assert report.unadopted == [f"{BQ}#{second}: its marker belongs to pull request #{first}"]
    with rebuilt.sessions() as session:
        target = session.scalars(select(Target).where(Target.repo == BQ)).one()
        assert target.pr_number == first


def test_markers_signed_before_a_key_rotation_are_still_adopted(
    world: World, tmp_path: Path
) -> None:
    _, pulls = start(world)
    old = world.stack.settings.marker_keys()
    rotated = MarkerKeys(b"a-brand-new-marker-key-of-this-year", previous=(old.signing,))
    rebuilt = services_on(world, f"sqlite:///{tmp_path / 'rebuilt.db'}")
    rebuilt.marker_keys = rotated

    report = reconcile(rebuilt, [world.stack.installation_id])

    assert sorted(report.pull_requests) == sorted(f"{r}#{p.number}" for r, p in pulls.items())
    assert report.unadopted == []
    forgotten = services_on(world, f"sqlite:///{tmp_path / 'forgotten.db'}")
    forgotten.marker_keys = MarkerKeys(rotated.signing)
    report = reconcile(forgotten, [world.stack.installation_id])
    assert report.pull_requests == []
    assert all(line.endswith(": no marker Godwit signed") for line in report.unadopted)
