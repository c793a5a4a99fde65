"""A campaign issue: invalid YAML gets one comment kept up to date; valid YAML gets a plan."""

from __future__ import annotations

import pytest

from bot.campaigns.messages import PLAN_MARKER, VALIDATION_MARKER
from bot.demo.world import LEAD
from tests.campaign_e2e.conftest import World, campaign_body, campaign_yaml

THREE_PROBLEMS = (
    campaign_yaml()
    .replace("title: Move", "titel: Move")
    .replace("old: legacy-proj.music.plays_v1", "old: legacy-proj.plays_v1")
)
ONE_PROBLEM = campaign_yaml().replace(
    "old: legacy-proj.music.plays_v1", "old: legacy-proj.plays_v1"
)


def test_an_invalid_campaign_gets_one_comment_edited_in_place_and_nothing_else(
    world: World,
) -> None:
    number = world.open_campaign(campaign_body(THREE_PROBLEMS))

    [comment] = world.bot_comments(number)
    assert comment.body.startswith(VALIDATION_MARKER)
    assert "Godwit found 3 problems" in comment.body
    assert "| 19 | `titel` | unknown key (did you mean 'title'?) |" in comment.body
    assert "| 23 | `tables[0].old` | expected project.dataset.table" in comment.body
    assert "| - | `title` | required key is missing |" in comment.body
    assert world.campaigns() == []
    assert world.targets() == {}
    assert world.dashboard(number) is None
    assert world.pulls() == []

    world.sandbox.edit_issue(world.host, number, LEAD, body=campaign_body(ONE_PROBLEM))
    world.settle()

    [edited] = world.bot_comments(number)
    assert edited.id == comment.id
    assert "Godwit found 1 problem " in edited.body
    assert "| 23 | `tables[0].old` | expected project.dataset.table" in edited.body
    assert "titel" not in edited.body
    assert world.campaigns() == []


def test_a_deeply_nested_campaign_gets_the_usual_validation_comment(world: World) -> None:
    nested = campaign_yaml() + "extra: " + "[" * 20_000 + "]" * 20_000 + "\n"

    number = world.open_campaign(campaign_body(nested))

    [comment] = world.bot_comments(number)
    assert comment.body.startswith(VALIDATION_MARKER)
    assert "Godwit found 1 problem " in comment.body
    assert "nested more than 10 mappings or lists deep (the limit)" in comment.body
    assert world.campaigns() == []
    assert world.targets() == {}


def test_fixing_the_yaml_says_so_and_plans_the_campaign(world: World) -> None:
    number = world.open_campaign(campaign_body(ONE_PROBLEM))

    world.sandbox.edit_issue(world.host, number, LEAD, body=campaign_body())
    world.settle()

    validation, plan = world.bot_comments(number)
    assert validation.body.startswith(VALIDATION_MARKER)
    assert "The campaign YAML is valid" in validation.body
    assert plan.body.startswith(PLAN_MARKER)
    assert [c.state for c in world.campaigns()] == ["planned"]

    # Broken again, then fixed back to the same spec: the same comment follows along.
    world.sandbox.edit_issue(world.host, number, LEAD, body=campaign_body(ONE_PROBLEM))
    world.settle()
    assert [c.id for c in world.bot_comments(number)] == [validation.id, plan.id]
    assert "Godwit found 1 problem " in world.bot_comments(number)[0].body
    world.sandbox.edit_issue(world.host, number, LEAD, body=campaign_body())
    world.settle()
    assert [c.body for c in world.bot_comments(number)] == [validation.body, plan.body]


def test_a_valid_campaign_gets_a_plan_comment_and_a_dashboard(world: World) -> None:
    number = world.open_campaign()

    [plan] = world.bot_comments(number)
    assert plan.body.startswith(PLAN_MARKER)
    assert "6 repositories in scope: **4** to migrate" in plan.body
    assert "2 with nothing to do" in plan.body
    assert world.targets() == {
        "acme-bq-jobs": "pending",
        "acme-dbt-analytics": "pending",
        "acme-royalties": "pending",
        "acme-scio-pipelines": "pending",
        "acme-web-frontend": "no_changes",
        "data-platform": "no_changes",
    }
    body = world.sandbox.issue(world.host, number).body or ""
    assert body.startswith(campaign_body())  # the author's text is left as written
    dashboard = world.dashboard(number)
    assert dashboard is not None
    assert "| acme/acme-bq-jobs | - | pending |" in dashboard
    assert world.pulls() == []


def test_replanning_edits_the_plan_comment_instead_of_adding_one(world: World) -> None:
    number = world.open_campaign()
    [plan] = world.bot_comments(number)

    world.command(number, "/migrate plan")

    assert [c.id for c in world.bot_comments(number)] == [plan.id]
    assert len(world.targets()) == 6
    assert [c.state for c in world.campaigns()] == ["planned"]


def test_an_issue_without_the_campaign_label_is_left_alone(world: World) -> None:
    number = world.sandbox.open_issue(world.host, LEAD, "Plays v2", campaign_body())
    world.settle()

    assert world.bot_comments(number) == []
    assert world.campaigns() == []


def test_repeated_and_out_of_order_deliveries_change_nothing(world: World) -> None:
    number = world.open_campaign(campaign_body(ONE_PROBLEM))
    world.sandbox.edit_issue(world.host, number, LEAD, body=campaign_body())
    world.settle()
    before = [(c.id, c.body) for c in world.bot_comments(number)]
    body = world.sandbox.issue(world.host, number).body

    # The ``opened`` event, which carried the invalid YAML, arrives again after the fix.
    [opened] = world.deliveries("issues", "opened")
    assert world.replay(opened) == 202
    [edited] = world.deliveries("issues", "edited", by=LEAD)
    assert world.replay(edited) == 202

    assert [(c.id, c.body) for c in world.bot_comments(number)] == before
    assert world.sandbox.issue(world.host, number).body == body
    assert len(world.campaigns()) == 1


REPO_LIMIT = 100_000


@pytest.fixture
def small_repo_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Godwit started with a read cap every example repository fits under, before ``world``."""
    monkeypatch.setenv("GODWIT_MAX_REPO_BYTES", str(REPO_LIMIT))
    return REPO_LIMIT


def test_a_repository_beyond_the_read_cap_is_reported_too_large_not_planned(
    small_repo_limit: int, world: World
) -> None:
    royalties = "acme/acme-royalties"
    padding = "-- padding\n" * (small_repo_limit // 10)
    world.sandbox.push(royalties, "main", {"jobs/padding.sql": padding}, author=LEAD)
    world.settle()

    number = world.open_campaign()

    [plan] = world.bot_comments(number)
    assert "**1 could not be read**" in plan.body
    reason = next(line for line in plan.body.splitlines() if line.startswith(f"- {royalties}: "))
    assert "too large to read: " in reason
    assert "of text > limit 100,000 bytes (GODWIT_MAX_REPO_BYTES)" in reason
    assert world.targets()["acme-royalties"] == "failed"
    assert world.targets()["acme-bq-jobs"] == "pending"
    dashboard = world.dashboard(number) or ""
    assert "acme/acme-royalties" in dashboard
    assert "too large to read" in dashboard
