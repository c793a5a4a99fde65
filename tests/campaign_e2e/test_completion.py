"""The end of a campaign: every repository settled, or the campaign cancelled."""

from __future__ import annotations

from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_pr_commands import BRANCH
from tests.campaign_e2e.test_tracking import BQ, DBT, ROYALTIES, SCIO, start

OWNERS = {BQ: "bruno-jobs", DBT: "alice-analytics", SCIO: "chen-pipelines"}


def test_when_every_repository_is_settled_a_summary_closes_the_issue(world: World) -> None:
    number, pulls = start(world)
    world.command(pulls[ROYALTIES].number, "/migrate skip", login="dana-finance", repo=ROYALTIES)
    for repo, owner in OWNERS.items():
        world.sandbox.merge(repo, pulls[repo].number, owner)
        world.settle()
        closed = world.sandbox.issue(world.host, number).state == "closed"
        assert closed is (repo == SCIO)  # only the last merge settles the campaign

    issue = world.sandbox.issue(world.host, number)
    assert issue.state_reason == "completed"
    summaries = [c.body for c in world.bot_comments(number) if "<!-- godwit:summary -->" in c.body]
    assert len(summaries) == 1
    assert "Campaign completed" in summaries[0]
    assert "acme/acme-royalties ([#1](" in summaries[0]
    assert "/acme/acme-royalties/pull/1)): skipped by @dana-finance" in summaries[0]
    assert [c.state for c in world.campaigns()] == ["completed"]
    assert world.targets() == {
        "acme-bq-jobs": "merged",
        "acme-dbt-analytics": "merged",
        "acme-royalties": "excluded",
        "acme-scio-pipelines": "merged",
        "acme-web-frontend": "no_changes",
        "data-platform": "no_changes",
    }


def test_cancel_closes_the_open_prs_and_deletes_their_branches(world: World) -> None:
    number, pulls = start(world)
    world.sandbox.merge(BQ, pulls[BQ].number, "bruno-jobs")
    kept = world.sandbox.push(DBT, BRANCH, {"models/NOTE.md": "mine\n"}, author="alice-analytics")
    world.settle()

    world.command(number, "/migrate cancel")

    for repo in (DBT, SCIO, ROYALTIES):
        assert world.sandbox.issue(repo, pulls[repo].number).state == "closed"
        cancelled = world.bot_comments(pulls[repo].number, repo)[-1].body
        assert cancelled.startswith("<!-- godwit:cancelled -->")
    assert world.sandbox.branch_sha(SCIO, BRANCH) is None
    assert world.sandbox.branch_sha(ROYALTIES, BRANCH) is None
    assert world.sandbox.branch_sha(DBT, BRANCH) == kept  # a person's commit is never lost
    assert (
        "has commits people pushed, so it stays"
        in world.bot_comments(pulls[DBT].number, DBT)[-1].body
    )
    assert world.sandbox.issue(BQ, pulls[BQ].number).pull.merged  # type: ignore[union-attr]
    assert [c.state for c in world.campaigns()] == ["cancelled"]
    assert world.targets()["acme-bq-jobs"] == "merged"
    assert world.targets()["acme-scio-pipelines"] == "closed"
