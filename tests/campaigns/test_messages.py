"""Comments on the campaign issue, the nudge, and the issue form that files campaigns."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from campaigns_data import BASE_SHA, CAMPAIGN_YAML, NOW, WEB
from ruamel.yaml import YAML

from bot.campaigns.dashboard import TargetView
from bot.campaigns.events import (
    Event,
    Nudged,
    Planned,
    PrClosed,
    PrOpened,
    ReviewSubmitted,
    Verdict,
)
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.messages import (
    PlannedRepo,
    UnreadableRepo,
    render_plan,
    render_summary,
    render_validation,
)
from bot.campaigns.nudges import due_for_nudge, is_stale, render_nudge
from bot.campaigns.residual import ResidualKind, ResidualReference, Seen, Waiver, readiness
from bot.campaigns.states import RepoState, Target, apply_all
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.engine.snapshot import SnapshotBuilder
from bot.rendering import templates_dir
from bot.spec import Campaign, CampaignError, campaign_from_markdown, load_campaign

FORM = templates_dir() / "issue-form" / "godwit-campaign.yml"


def github_issue_body(form_path: Path) -> str:
    """The issue body GitHub renders from a form filled with its prefilled values."""
    form = YAML(typ="safe").load(form_path.read_text(encoding="utf-8"))
    sections = []
    for field in form["body"]:
        if field["type"] == "markdown":
            continue
        attributes = field["attributes"]
        value = attributes.get("value", "").rstrip("\n")
        if not value:
            value = "_No response_"
        elif "render" in attributes:
            value = f"```{attributes['render']}\n{value}\n```"
        sections.append(f"### {attributes['label']}\n\n{value}")
    return "\n\n".join(sections)


def test_issue_form_body_is_a_valid_campaign() -> None:
    form = YAML(typ="safe").load(FORM.read_text(encoding="utf-8"))
    assert form["labels"] == ["godwit:campaign"]
    textarea = next(field for field in form["body"] if field["type"] == "textarea")
    assert textarea["attributes"]["render"] == "yaml"
    assert textarea["validations"]["required"] is True
    body = github_issue_body(FORM)
    assert body.startswith("### Campaign\n\n```yaml\nid: plays-v2\n")
    campaign = campaign_from_markdown(body)
    assert campaign.id == "plays-v2"
    assert campaign.tables[0].old == "legacy-proj.music.plays_v1"
    # The schemas make verification and SELECT * expansion possible: the form offers them.
    assert "is_premium" in (campaign.tables[0].old_columns or ())
    assert "duration_ms" in (campaign.tables[0].new_columns or {})


def test_validation_comment_lists_every_error_with_path_and_line() -> None:
    broken = CAMPAIGN_YAML.replace("id: plays-v2", "id: Plays V2").replace(
        "new: core-proj.music.plays_v2", "new: core-proj.music"
    )
    broken = broken.replace("  repos:", "  repo:")
    body = f"### Campaign\n\n```yaml\n{broken}```\n"
    with pytest.raises(CampaignError) as caught:
        campaign_from_markdown(body)
    text = render_validation(caught.value)
    lines = text.splitlines()
    assert lines[0] == "<!-- godwit:validation -->"
    assert "Godwit found 3 problems in the campaign YAML of this issue." in text
    rows = [line for line in lines if line.startswith("| ") and line[2].isdigit()]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| 4", "`id`"],
        ["| 9", "`tables[0].new`"],
        ["| 18", "`scope.repo`"],
    ]
    assert len(rows) == len(caught.value.errors)
    for row, error in zip(rows, caught.value.errors, strict=True):
        assert row.endswith(f"| {error.message} |")


def test_validation_comment_for_an_issue_without_yaml() -> None:
    with pytest.raises(CampaignError) as caught:
        campaign_from_markdown("### Campaign\n\n_No response_\n")
    text = render_validation(caught.value)
    assert "Godwit found 1 problem in" in text
    assert "| - | - | no ```yaml block found; no response under 'Campaign' |" in text


def test_a_plan_with_nothing_in_scope_says_so_and_lists_what_the_app_can_see(
    campaign: Campaign,
) -> None:
    visible = [f"acme/repo-{n:02d}" for n in range(23, 0, -1)]
    text = render_plan(campaign, [], [], web_base=WEB, visible=visible)
    lines = text.splitlines()
    assert "**No repository matches this campaign's scope**" in text
    globs = ", ".join(campaign.scope.repos)
    assert f"The scope is `repos: {globs}`" in text
    assert "The App can see 23 repositories (the first 20 by name):" in lines
    listed = [line.removeprefix("- ") for line in lines if line.startswith("- acme/")]
    assert listed == [f"acme/repo-{n:02d}" for n in range(1, 21)]
    assert "- and 3 more" in lines
    assert "in scope:" not in text
    assert "Comment `/migrate start`" not in text

    nothing_visible = render_plan(campaign, [], [], web_base=WEB)
    assert "The App can see no repository of this installation" in nothing_visible


def test_plan_comment(campaign: Campaign, plan: RepoPlan) -> None:
    quiet = plan_repository(campaign, {"jobs/other.sql": "SELECT 1\n"})
    text = render_plan(
        campaign,
        [PlannedRepo("acme/radio", plan, BASE_SHA), PlannedRepo("acme/quiet", quiet, BASE_SHA)],
        [UnreadableRepo("acme/huge", "the tree is too large to read")],
        web_base=WEB,
    )
    lines = text.splitlines()
    assert lines[0] == "<!-- godwit:plan -->"
    assert (
        "3 repositories in scope: **1** to migrate (with 1 guardrail for people to resolve), "
        "1 with nothing to do, **1 could not be read**."
    ) in lines
    assert "| bigquery-sql | 2 | 3 |" in lines
    assert (
        "<summary><b>acme/radio</b>: 2 files; 3 references in bigquery-sql; 1 guardrail</summary>"
    ) in lines
    blob = f"https://github.com/acme/radio/blob/{BASE_SHA}"
    assert f"- [`jobs/premium.sql`]({blob}/jobs/premium.sql) (bigquery-sql, 2 references)" in lines
    assert (
        f"- [`jobs/premium.sql` line 3]({blob}/jobs/premium.sql#L3): "
        "is_premium has no equivalent in core-proj.music.plays_v2"
    ) in lines
    assert "<summary>Nothing to do in 1 repository</summary>" in lines
    assert "- acme/quiet" in lines
    assert "- acme/huge: the tree is too large to read" in lines


OLD = "legacy-proj.music.plays_v1"


def test_summary_comment(campaign: Campaign) -> None:
    views = [
        TargetView(
            "acme/b", RepoState.MERGED, pr_number=2, pr_url="https://github.com/acme/b/pull/2"
        ),
        TargetView(
            "acme/a", RepoState.MERGED, pr_number=1, pr_url="https://github.com/acme/a/pull/1"
        ),
        TargetView("acme/c", RepoState.EXCLUDED, reason="owned by platform"),
        TargetView("acme/d", RepoState.NO_CHANGES),
    ]
    kept = ResidualReference("acme/c", ResidualKind.NEEDS_PERSON, "jobs/p.sql", 4, OLD, "x")
    waiver = Waiver("acme/c", None, "retired with the platform", "lead", NOW)
    text = render_summary(campaign, CampaignState.COMPLETED, views, readiness([kept], [waiver]))
    lines = text.splitlines()
    assert "**Safe to retire: yes.** Nothing Godwit can see reads the old tables" in text
    assert "What it saw" not in text  # nothing said of what was seen: nothing claimed
    assert "- `acme/c` by lead: `retired with the platform`" in lines
    assert lines[:2] == [
        "<!-- godwit:summary -->",
        "### Campaign completed: Move consumers of plays_v1 to plays_v2",
    ]
    assert [
        line
        for line in lines
        if line.startswith("| ") and line.endswith(" |") and "---" not in line
    ][1:4] == ["| nothing to change | 1 |", "| merged | 2 |", "| excluded | 1 |"]
    merged = lines.index("<summary>merged (2)</summary>")
    assert lines[merged + 2 : merged + 4] == [
        "- acme/a ([#1](https://github.com/acme/a/pull/1))",
        "- acme/b ([#2](https://github.com/acme/b/pull/2))",
    ]
    assert "- acme/c: owned by platform" in lines
    cancelled = render_summary(
        campaign, CampaignState.CANCELLED, views, readiness([kept]), web_base=WEB
    )
    assert "The campaign was cancelled." in cancelled
    assert (
        "**Safe to retire: no.** 1 reference in 1 repository still reads the old tables:"
        in cancelled
    )
    assert "- `acme/c:jobs/p.sql:4`: needs a person (x)" in cancelled.splitlines()


URL = "https://github.com/acme/radio/pull/7"


def target(*events: Event) -> Target:
    return apply_all(Target("acme/radio"), events)


OPEN_10_DAYS = (
    Planned(NOW - timedelta(days=12), True),
    PrOpened(NOW - timedelta(days=10), 7, URL, "a"),
)


@pytest.mark.parametrize(
    ("events", "stale", "due"),
    [
        (OPEN_10_DAYS, True, True),
        (
            (*OPEN_10_DAYS, ReviewSubmitted(NOW - timedelta(days=3), 7, "jane", Verdict.COMMENTED)),
            False,
            False,
        ),
        ((*OPEN_10_DAYS, Nudged(NOW - timedelta(days=2), 7)), True, False),
        ((*OPEN_10_DAYS, Nudged(NOW - timedelta(days=2), 6)), True, True),  # another PR was nudged
        ((*OPEN_10_DAYS, PrClosed(NOW - timedelta(days=8), merged=True)), False, False),
        ((Planned(NOW - timedelta(days=30), True),), False, False),
    ],
)
def test_nudge_rules(events: tuple[Event, ...], stale: bool, due: bool) -> None:
    assert is_stale(target(*events), NOW, 7) is stale
    assert due_for_nudge(target(*events), NOW, 7) is due


def test_nudge_exactly_at_the_limit() -> None:
    opened = target(PrOpened(NOW - timedelta(days=7), 7, URL, "a"))
    assert due_for_nudge(opened, NOW, 7) is True
    assert due_for_nudge(opened, NOW - timedelta(seconds=1), 7) is False


def test_nudge_comment() -> None:
    text = render_nudge(
        target(*OPEN_10_DAYS),
        now=NOW,
        reviewers=("jane", "acme/data-insights"),
        issue_url="https://github.com/acme/campaigns/issues/7",
    )
    lines = text.splitlines()
    assert lines[0] == "<!-- godwit:nudge -->"
    assert lines[1] == (
        "@jane @acme/data-insights: a gentle reminder: this migration pull request has had "
        "no activity for 10 days."
    )
    assert "`/migrate explain` walks through every change." in text
    assert "[campaign](https://github.com/acme/campaigns/issues/7)" in text


def test_campaign_yaml_fixture_is_valid() -> None:
    assert load_campaign(CAMPAIGN_YAML).id == "plays-v2"


def test_plan_comment_lists_skipped_files_and_never_calls_their_repository_done(
    campaign: Campaign,
) -> None:
    builder = SnapshotBuilder()
    builder.add("dumps/plays.sql", b"SELECT * FROM `legacy-proj.music.plays_v1`\n\0")
    dumps = plan_repository(campaign, builder.build())
    text = render_plan(campaign, [PlannedRepo("acme/dumps", dumps, BASE_SHA)], [], web_base=WEB)
    lines = text.splitlines()
    assert "#### Skipped files: migrate by hand" in lines
    assert (
        f"- acme/dumps: [`dumps/plays.sql`](https://github.com/acme/dumps/blob/{BASE_SHA}"
        "/dumps/plays.sql): contains NUL bytes"
    ) in lines
    assert "Nothing to do in" not in text


@pytest.mark.parametrize(
    ("seen", "said"),
    [
        (
            Seen(4, None),
            "What it saw: the default branch of 4 repositories in scope, each as of the last "
            "push Godwit was told of. No jobs export is linked (`usage.jobs_export`), so "
            "readers outside these repositories (notebooks, scheduled queries, repositories "
            "Godwit is not installed on) are not known.",
        ),
        (
            Seen(1, "exports/jobs.json"),
            "What it saw: the default branch of 1 repository in scope, each as of the last "
            "push Godwit was told of, and the jobs export `exports/jobs.json` as last read (by "
            "discovery or `/migrate plan`: a reader that started since shows once it is read "
            "again).",
        ),
    ],
)
def test_a_safe_verdict_says_what_it_rests_on(campaign: Campaign, seen: Seen, said: str) -> None:
    views = [TargetView("acme/a", RepoState.MERGED, pr_number=1)]
    text = render_summary(campaign, CampaignState.COMPLETED, views, readiness([], seen=seen))
    assert said in text.splitlines()


def test_an_unsafe_verdict_lists_what_reads_rather_than_what_was_seen(campaign: Campaign) -> None:
    kept = ResidualReference("acme/c", ResidualKind.READS, "jobs/p.sql", 4, OLD, "x")
    views = [TargetView("acme/c", RepoState.MERGED, pr_number=1)]
    text = render_summary(
        campaign, CampaignState.COMPLETED, views, readiness([kept], seen=Seen(1, None))
    )
    assert "**Safe to retire: no.** 1 reference in 1 repository still reads" in text
    assert "What it saw" not in text
