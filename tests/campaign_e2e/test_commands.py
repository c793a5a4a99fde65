"""``/migrate`` on the campaign issue: who is obeyed, what is answered, what each command does."""

from __future__ import annotations

import pytest

from bot.campaigns.residual import residual_of_plan
from bot.checkout import read_checkout
from bot.demo.world import examples_dir
from bot.engine.planner import plan_repository
from bot.sandbox.limits import FaultRule
from tests.campaign_e2e.conftest import World, campaign_body, campaign_yaml

HELP = "<!-- godwit:help -->"
NOT_UNDERSTOOD = "<!-- godwit:not-understood -->"
PLAN = "<!-- godwit:plan -->"
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


def test_a_typo_gets_a_new_reply_with_a_suggestion_and_no_reaction(world: World) -> None:
    number = world.open_campaign()
    before = len(world.bot_comments(number))

    typo = world.command(number, "/migrate strat --batch 1")
    bad = world.command(number, "/migrate start --batch zero")
    asked = world.command(number, "/migrate help")

    replies = world.bot_comments(number)[before:]
    assert [r.body.splitlines()[0] for r in replies] == [NOT_UNDERSTOOD, NOT_UNDERSTOOD, HELP]
    first, second, help_comment = replies
    assert "`strat` is not a command here." in first.body
    assert "Did you mean `/migrate start`" in first.body
    assert "the batch size must be a whole number of at least 1, got `zero`" in second.body
    assert "Did you mean" not in second.body
    # Each answer is its own comment: the first still says what it said.
    assert "`strat`" in world.bot_comments(number)[before].body
    assert "Godwit did not understand" not in help_comment.body
    assert "| `/migrate retry-failed` |" in help_comment.body
    assert world.reactions(number, typo) == []
    assert world.reactions(number, bad) == []
    assert world.reactions(number, asked) == [f"+1 by {world.bot}"]
    assert world.pulls() == []
    assert world.audit_actions().count("command.accept") == 3


def test_a_command_that_does_not_apply_now_says_why_without_a_reaction(world: World) -> None:
    number = world.open_campaign()

    early = world.command(number, "/migrate retry-failed")

    assert world.reactions(number, early) == []
    reply = world.bot_comments(number)[-1].body
    assert "did not run `/migrate retry-failed`" in reply
    assert "`retry-failed` does not apply while the campaign is planned" in reply


def test_excluding_a_repository_not_in_scope_says_so(world: World) -> None:
    number = world.open_campaign()

    comment = world.command(number, "/migrate exclude acme/nowhere acme/acme-royalties")

    assert world.reactions(number, comment) == [f"+1 by {world.bot}"]
    reply = world.bot_comments(number)[-1].body
    assert "`acme/nowhere` is not in this campaign's scope" in reply
    assert "Godwit excluded `acme/acme-royalties`" in reply
    assert world.targets()["acme-royalties"] == "excluded"
    assert "acme/nowhere" not in world.campaigns()[0].overrides

    world.command(number, "/migrate exclude acme/nowhere")
    assert (
        "`acme/nowhere` is not in this campaign's scope, so there was nothing to exclude there."
        in (world.bot_comments(number)[-1].body)
    )


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job gives up after one quick retry, so a test sees a repository fail in time."""
    monkeypatch.setenv("GODWIT_JOB_RETRIES", "1")
    monkeypatch.setenv("GODWIT_JOB_RETRY_DELAY", "0")


def test_retry_failed_queues_every_failed_repository_again(
    quick_retries: None, world: World
) -> None:
    number = world.open_campaign()
    # Every attempt to open the PR fails, so the job gives up and the repository is failed.
    fault = FaultRule(
        kind="error",
        status=403,
        count=None,
        method="POST",
        path=r"/repos/acme/acme-royalties/pulls$",
    )
    world.sandbox.faults.add(fault)
    world.command(number, "/migrate start")
    assert world.targets()["acme-royalties"] == "failed"
    assert "acme/acme-royalties" not in [p.repo for p in world.pulls()]

    world.sandbox.faults.clear()
    comment = world.command(number, "/migrate retry-failed")

    assert world.reactions(number, comment) == [f"+1 by {world.bot}"]
    reply = world.bot_comments(number)[-1].body
    assert "Godwit is trying these repositories again (1 in all)" in reply
    assert "- acme/acme-royalties (it failed: the pull request could not be opened)" in reply
    assert world.targets()["acme-royalties"] == "pr_open"
    assert len(world.pulls()) == 4

    world.command(number, "/migrate retry-failed")
    assert "no repository of this campaign is failed, so there is nothing to try again" in (
        world.bot_comments(number)[-1].body
    )
    assert len(world.pulls()) == 4


def test_a_scope_that_matches_nothing_says_so_and_lists_what_the_app_sees(world: World) -> None:
    yaml_text = campaign_yaml().replace('repos: ["acme/*"]', 'repos: ["acme/nothing-*"]')
    assert "acme/nothing-*" in yaml_text
    number = world.open_campaign(campaign_body(yaml_text))

    plan = next(c.body for c in world.bot_comments(number) if c.body.startswith(PLAN))
    assert "**No repository matches this campaign's scope**" in plan
    assert "The scope is `repos: acme/nothing-*` with `exclude: acme/sandbox-*`" in plan
    listed = [line.removeprefix("- ") for line in plan.splitlines() if line.startswith("- acme/")]
    examples = [f"acme/{path.name}" for path in (examples_dir() / "repos").iterdir()]
    assert set(examples) <= set(listed)
    assert listed == sorted(listed, key=str.lower)
    assert f"The App can see {len(listed)} repositories:" in plan
    assert world.targets() == {}


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
