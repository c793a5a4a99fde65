"""The end of a campaign: every repository settled, or the campaign cancelled."""

from __future__ import annotations

from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_pr_commands import BRANCH
from tests.campaign_e2e.test_tracking import BQ, DBT, ROYALTIES, SCIO, start

OWNERS = {BQ: "bruno-jobs", DBT: "alice-analytics", SCIO: "chen-pipelines"}
SUMMARY = "<!-- godwit:summary -->"


def test_settled_is_not_done_while_the_default_branches_still_read_the_old_table(
    world: World,
) -> None:
    number, pulls = start(world)
    world.command(pulls[ROYALTIES].number, "/migrate skip", login="dana-finance", repo=ROYALTIES)
    for repo, owner in OWNERS.items():
        world.sandbox.merge(repo, pulls[repo].number, owner)
        world.settle()

    # Every repository is settled, but merged guardrails, a typed Scio pipeline and the
    # excluded repository still read plays_v1: the campaign must not say "completed".
    assert world.targets() == {
        "acme-bq-jobs": "merged",
        "acme-dbt-analytics": "merged",
        "acme-royalties": "excluded",
        "acme-scio-pipelines": "merged",
        "acme-web-frontend": "no_changes",
        "data-platform": "no_changes",
    }
    assert world.sandbox.issue(world.host, number).state == "open"
    assert [c.state for c in world.campaigns()] == ["running"]
    assert not [c for c in world.bot_comments(number) if SUMMARY in c.body]
    dashboard = world.dashboard(number) or ""
    assert "**Safe to retire: no.** 6 references in 3 repositories" in dashboard
    assert "| acme/acme-bq-jobs | [#1](" in dashboard
    assert "| merged, 1 reference left |" in dashboard  # the merged guardrail
    assert "acme/acme-bq-jobs:jobs/premium_share/query.sql:7](" in dashboard
    assert "needs a person (is_premium has no equivalent" in dashboard
    assert "1 reference to an old table left on the default branch" in dashboard
    assert world.audit_actions().count("target.rescanned") >= 3  # each merge re-read

    # Each remaining reader is waived by someone who may: then it completes, truthfully.
    world.command(number, f"/migrate waive {ROYALTIES} moves to the new warehouse in Q3")
    world.command(number, f"/migrate waive {BQ}:jobs/premium_share/query.sql premium is gone")
    assert world.sandbox.issue(world.host, number).state == "open"
    world.command(number, f"/migrate waive {SCIO} typed pipeline rewritten by its team next week")

    issue = world.sandbox.issue(world.host, number)
    assert issue.state == "closed"
    assert issue.state_reason == "completed"
    summaries = [c.body for c in world.bot_comments(number) if SUMMARY in c.body]
    assert len(summaries) == 1
    assert "Campaign completed" in summaries[0]
    assert "**Safe to retire: yes.**" in summaries[0]
    assert "(6 waived references below)" in summaries[0]
    # The verdict says what it rests on, and what it cannot know without a jobs export.
    repositories = len(world.targets())
    assert (
        f"What it saw: the default branch of {repositories} repositories in scope" in (summaries[0])
    )
    assert "No jobs export is linked (`usage.jobs_export`)" in summaries[0]
    assert (
        "- `acme/acme-royalties` by data-platform-lead: `moves to the new warehouse in Q3`"
        in (summaries[0])
    )
    assert "/acme/acme-royalties/pull/1)): skipped by @dana-finance" in summaries[0]
    assert [c.state for c in world.campaigns()] == ["completed"]


def test_a_waiver_must_name_a_place_that_still_reads(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate waive acme/unknown-repo no reason")
    world.command(number, f"/migrate waive {BQ}:jobs/none.sql nothing there")
    world.command(number, f"/migrate waive {BQ}")

    replies = [c.body for c in world.bot_comments(number)]
    assert any("`acme/unknown-repo` is not a repository of this campaign" in r for r in replies)
    assert any(
        "nothing in `acme/acme-bq-jobs:jobs/none.sql` reads the old tables" in r for r in replies
    )
    assert any("name OWNER/REPO[:PATH] and give a reason" in r for r in replies)
    assert [c.waivers for c in world.campaigns()] == [[]]


def test_code_added_after_the_merge_is_found_and_the_merged_pr_is_told(world: World) -> None:
    number, pulls = start(world)
    world.sandbox.merge(DBT, pulls[DBT].number, OWNERS[DBT])
    world.settle()
    assert "| merged |" in _row(world.dashboard(number), DBT)  # the PR removed every reader

    new_model = "select user_id from `legacy-proj.music.plays_v1`\n"
    world.sandbox.push(
        DBT, "main", {"models/marts/new_mart.sql": new_model}, author="alice-analytics"
    )
    world.settle()

    assert "| merged, 1 reference left |" in _row(world.dashboard(number), DBT)
    told = [c.body for c in world.bot_comments(pulls[DBT].number, DBT)]
    assert len([b for b in told if b.startswith("<!-- godwit:residual -->")]) == 1
    assert "models/marts/new_mart.sql" in told[-1]
    assert f"{world.host}#{number}" in told[-1]


def _row(dashboard: str | None, repo: str) -> str:
    """The dashboard table's row of ``repo``."""
    return next(line for line in (dashboard or "").splitlines() if line.startswith(f"| {repo} |"))


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
