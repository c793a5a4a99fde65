"""``/migrate`` on the campaign issue: who is obeyed, what is answered, what each command does."""

from __future__ import annotations

from bot.campaigns.residual import residual_of_plan
from bot.checkout import read_checkout
from bot.demo.world import examples_dir
from bot.engine.planner import plan_repository
from tests.campaign_e2e.conftest import World

HELP = "<!-- godwit:help -->"
STATUS = "<!-- godwit:status -->"
REFUSAL = "<!-- godwit:refusal -->"


def test_people_without_write_access_are_refused_and_bots_ignored(world: World) -> None:
    number = world.open_campaign()
    world.sandbox.create_user("mallory")
    world.sandbox.set_permission(world.host, "mallory", "read")
    world.sandbox.create_app("helper")
    before = len(world.bot_comments(number))

    refused = world.command(number, "/migrate start", login="mallory")
    ignored = world.command(number, "/migrate start", login="helper[bot]")

    replies = world.bot_comments(number)[before:]
    assert [r.body.splitlines()[0] for r in replies] == [REFUSAL]
    assert "Thanks, @mallory!" in replies[0].body
    assert "Only people with write access to this repository" in replies[0].body
    assert world.reactions(number, refused) == []
    assert world.reactions(number, ignored) == []
    assert world.pulls() == []
    assert [c.state for c in world.campaigns()] == ["planned"]


def test_someone_with_write_access_is_obeyed_with_a_reaction(world: World) -> None:
    number = world.open_campaign()
    world.sandbox.create_user("maintainer")
    world.sandbox.set_permission(world.host, "maintainer", "maintain")

    accepted = world.command(number, "/migrate start --batch 1", login="maintainer")

    assert world.reactions(number, accepted) == [f"+1 by {world.bot}"]
    assert [p.repo for p in world.pulls()] == ["acme/acme-bq-jobs"]


def test_a_bad_command_gets_the_help_which_is_edited_not_repeated(world: World) -> None:
    number = world.open_campaign()
    before = len(world.bot_comments(number))

    world.command(number, "/migrate start --batch zero")
    world.command(number, "/migrate frobnicate")
    world.command(number, "/migrate help")

    [help_comment] = world.bot_comments(number)[before:]
    assert help_comment.body.startswith(HELP)
    assert "Godwit did not understand" not in help_comment.body
    assert "| `/migrate exclude` |" in help_comment.body
    assert world.pulls() == []


def test_pause_stops_and_resume_continues(world: World) -> None:
    number = world.open_campaign()
    world.command(number, "/migrate start --batch 1")

    world.command(number, "/migrate pause")
    assert [c.state for c in world.campaigns()] == ["paused"]
    assert "is **paused**" in (world.dashboard(number) or "")
    world.command(number, "/migrate pause")
    assert "`pause` does not apply while the campaign is paused" in (
        world.bot_comments(number)[-1].body
    )

    world.command(number, "/migrate resume")

    assert [c.state for c in world.campaigns()] == ["running"]
    assert [p.repo for p in world.pulls()] == ["acme/acme-bq-jobs"]  # the batch still holds
    world.command(number, "/migrate start")
    assert len(world.pulls()) == 4


def test_excluded_repositories_get_no_pull_request_until_included(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate exclude acme/acme-royalties acme/acme-scio-pipelines")
    assert world.targets()["acme-royalties"] == "excluded"
    world.command(number, "/migrate start")
    assert [p.repo for p in world.pulls()] == ["acme/acme-bq-jobs", "acme/acme-dbt-analytics"]

    world.command(number, "/migrate include acme/acme-royalties")
    assert world.targets()["acme-royalties"] == "pending"
    world.command(number, "/migrate start")

    assert [p.repo for p in world.pulls()] == [
        "acme/acme-bq-jobs",
        "acme/acme-dbt-analytics",
        "acme/acme-royalties",
    ]
    assert world.targets()["acme-scio-pipelines"] == "excluded"


def test_status_answers_with_the_dashboard_in_one_comment(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate status")
    world.command(number, "/migrate exclude acme/acme-royalties")
    world.command(number, "/migrate status")

    statuses = [c for c in world.bot_comments(number) if c.body.startswith(STATUS)]
    assert len(statuses) == 1
    # Excluding a repository does not stop it reading the old table: the status says so.
    row = "| acme/acme-royalties | - | excluded, 4 references left: by @data-platform-lead |"
    assert row in statuses[0].body
    reading = [
        residual
        for repo in sorted((examples_dir() / "repos").iterdir())
        for residual in residual_of_plan(
            repo.name, plan_repository(world.spec, read_checkout(repo))
        )
    ]
    assert len(reading) > 10  # counted independently, from the example checkouts
    count = f"{len(reading)} references in 4 repositories"
    assert f"**Safe to retire: no.** {count}" in statuses[0].body
