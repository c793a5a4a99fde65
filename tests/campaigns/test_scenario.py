"""A campaign from issue to summary, through the pure functions the I/O layer will call."""

from __future__ import annotations

from datetime import timedelta

from campaigns_data import BASE_SHA, CAMPAIGN_YAML, NOW, SNAPSHOT, WEB

from bot.campaigns.batching import next_cohort
from bot.campaigns.commands import Command, Context, parse_command
from bot.campaigns.dashboard import render_dashboard, replace_dashboard, view_of
from bot.campaigns.events import Planned, PrClosed, PrOpened, ReviewSubmitted, Verdict
from bot.campaigns.lifecycle import CampaignState, campaign_transition
from bot.campaigns.links import IssueRef
from bot.campaigns.messages import PlannedRepo, render_plan, render_summary
from bot.campaigns.meta import MarkerKeys, decode_meta
from bot.campaigns.pr import PullRequestTarget, pr_body
from bot.campaigns.residual import readiness
from bot.campaigns.states import RepoState, Target, apply, campaign_done
from bot.engine.planner import plan_repository
from bot.spec import campaign_from_markdown

KEYS = MarkerKeys(b"k")


def test_campaign_from_issue_to_summary() -> None:
    body = f"### Campaign\n\n```yaml\n{CAMPAIGN_YAML}```\n"
    campaign = campaign_from_markdown(body)
    snapshots = {"acme/radio": SNAPSHOT, "acme/web": {"app.scala": "object App\n"}}
    plans = {repo: plan_repository(campaign, files) for repo, files in snapshots.items()}
    plan_comment = render_plan(
        campaign, [PlannedRepo(r, p, BASE_SHA) for r, p in plans.items()], [], web_base=WEB
    )
    assert "**1** to migrate" in plan_comment

    t0 = NOW - timedelta(days=3)
    targets = {r: apply(Target(r), Planned(t0, bool(p.changes))) for r, p in plans.items()}
    state = campaign_transition(CampaignState.PLANNED, "start")
    command = parse_command("/migrate start --batch 1", Context.ISSUE)
    assert isinstance(command, Command)
    assert command.batch == 1
    assert next_cohort(campaign, targets.values(), batch=command.batch) == ["acme/radio"]

    issue = IssueRef("acme/campaigns", 7)
    body_text = pr_body(
        campaign,
        plans["acme/radio"],
        PullRequestTarget("acme/radio", BASE_SHA, issue, WEB),
        keys=KEYS,
    )
    meta = decode_meta(body_text, keys=KEYS)
    assert meta is not None
    assert meta.issue == "acme/campaigns#7"

    url = "https://github.com/acme/radio/pull/12"
    for event in (
        PrOpened(t0 + timedelta(hours=1), 12, url, "aaa"),
        ReviewSubmitted(t0 + timedelta(days=1), 12, "jane", Verdict.APPROVED),
    ):
        targets["acme/radio"] = apply(targets["acme/radio"], event)
    assert next_cohort(campaign, targets.values(), batch=1) == []
    assert not campaign_done(targets.values())

    views = [view_of(t, guardrails=1 if t.repo == "acme/radio" else 0) for t in targets.values()]
    issue_body = replace_dashboard(
        body, render_dashboard(campaign, state, views, now=NOW, stale_days=7)
    )
    assert campaign_from_markdown(issue_body) == campaign
    assert "- [acme/radio#12](https://github.com/acme/radio/pull/12): 1 guardrail" in issue_body

    targets["acme/radio"] = apply(targets["acme/radio"], PrClosed(NOW, merged=True))
    assert [t.state for t in targets.values()] == [RepoState.MERGED, RepoState.NO_CHANGES]
    assert campaign_done(targets.values())
    final = campaign_transition(state, "done")
    summary = render_summary(campaign, final, [view_of(t) for t in targets.values()], readiness([]))
    assert summary.splitlines()[1] == (
        "### Campaign completed: Move consumers of plays_v1 to plays_v2"
    )
