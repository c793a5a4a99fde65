"""The dashboard section of the campaign issue body: placement and content."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from campaigns_data import CAMPAIGN_YAML, NOW

from bot.campaigns.dashboard import (
    END,
    START,
    AgentUsage,
    ChecksSummary,
    ChecksVerdict,
    Problem,
    TargetView,
    checks_of,
    needs_attention,
    progress_bar,
    render_dashboard,
    replace_dashboard,
    view_of,
)
from bot.campaigns.events import CheckSuiteCompleted, Planned, PrOpened, ReviewRequested
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.states import RepoState, Target, apply_all
from bot.spec import Campaign, campaign_from_markdown

S = RepoState

DASH_A = f"{START}\nfirst\n{END}"
DASH_B = f"{START}\nsecond\n{END}\n"
ISSUE = "### Campaign\r\n\r\n```yaml\r\nid: plays-v2\r\n```\r\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", f"{DASH_B}"),
        (ISSUE, f"{ISSUE}\n{DASH_B}"),
        ("no newline at the end", f"no newline at the end\n\n{DASH_B}"),
        (f"{ISSUE}\n{DASH_A}\n\nAfter.\n", f"{ISSUE}\n{START}\nsecond\n{END}\n\nAfter.\n"),
        (f"Before.\n{DASH_A}", f"Before.\n{START}\nsecond\n{END}"),
        # A stray start marker pasted earlier is left alone with the text after it.
        (
            f"{START} pasted\nkeep me\n{DASH_A}\ntail",
            f"{START} pasted\nkeep me\n{START}\nsecond\n{END}\ntail",
        ),
        # Only a start marker: nothing is swallowed, a complete dashboard is appended.
        (f"text\n{START}\nmore\n", f"text\n{START}\nmore\n\n{DASH_B}"),
    ],
)
def test_replace_dashboard_keeps_everything_else_byte_for_byte(body: str, expected: str) -> None:
    assert replace_dashboard(body, DASH_B) == expected


@pytest.mark.parametrize("body", ["", ISSUE, f"{ISSUE}\n{DASH_A}\n\nAfter.\n", "x"])
def test_replace_dashboard_is_idempotent(body: str) -> None:
    once = replace_dashboard(body, DASH_B)
    assert replace_dashboard(once, DASH_B) == once
    assert replace_dashboard(replace_dashboard(once, DASH_A), DASH_B) == once


def test_dashboard_never_changes_the_campaign_or_its_line_numbers(
    campaign: Campaign,
) -> None:
    body = f"### Campaign\n\n```yaml\n{CAMPAIGN_YAML}```\n"
    dashboard = render_dashboard(campaign, CampaignState.RUNNING, [], now=NOW, stale_days=7)
    updated = replace_dashboard(body, dashboard)
    assert updated.startswith(body)
    assert campaign_from_markdown(updated) == campaign


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 0, "░" * 20),
        (0, 10, "░" * 20),
        (3, 10, "█" * 6 + "░" * 14),
        (1, 3, "█" * 6 + "░" * 14),
        (10, 10, "█" * 20),
    ],
)
def test_progress_bar(done: int, total: int, bar: str) -> None:
    assert progress_bar(done, total) == bar


def pr(number: int) -> str:
    return f"https://github.com/acme/r{number}/pull/{number}"


def views() -> list[TargetView]:
    fresh = NOW - timedelta(days=1)
    old = NOW - timedelta(days=9)
    return [
        TargetView("acme/merged", S.MERGED, None, 1, pr(1), ("jane",), fresh),
        TargetView("acme/quiet", S.NO_CHANGES),
        TargetView("acme/guarded", S.PR_OPEN, None, 3, pr(3), ("acme/data",), fresh, guardrails=2),
        TargetView(
            "acme/red",
            S.CHECKS_FAILING,
            None,
            4,
            pr(4),
            ("omar",),
            fresh,
            checks=ChecksSummary(ChecksVerdict.FAILING, ("CircleCI", "GitHub Actions")),
        ),
        TargetView("acme/asked", S.CHANGES_REQUESTED, None, 5, pr(5), ("jane",), fresh),
        TargetView("acme/alone", S.APPROVED, None, 6, pr(6), (), fresh),
        TargetView("acme/sleepy", S.PR_OPEN, None, 7, pr(7), ("jane",), old),
        TargetView("acme/broken", S.FAILED, "tree too large | truncated"),
        TargetView("acme/left", S.EXCLUDED, "owned by platform"),
        TargetView("acme/waiting", S.PENDING),
    ]


def test_needs_attention_lists_every_problem_by_repository() -> None:
    found = [(a.repo, a.problems) for a in needs_attention(views(), now=NOW, stale_days=7)]
    assert found == [
        ("acme/alone", (Problem.NO_REVIEWER,)),
        ("acme/asked", (Problem.CHANGES_REQUESTED,)),
        ("acme/broken", (Problem.FAILED,)),
        ("acme/guarded", (Problem.GUARDRAILS,)),
        ("acme/red", (Problem.CHECKS_FAILING,)),
        ("acme/sleepy", (Problem.STALE,)),
    ]


def test_needs_attention_wording_with_several_problems(campaign: Campaign) -> None:
    view = TargetView(
        "acme/radio",
        S.OUT_OF_DATE,
        pr_number=8,
        pr_url=pr(8),
        last_activity=NOW - timedelta(days=1, hours=2),
        guardrails=1,
    )
    text = render_dashboard(campaign, CampaignState.PAUSED, [view], now=NOW, stale_days=1)
    assert (
        "- [acme/radio#8](https://github.com/acme/r8/pull/8): out of date with the default "
        "branch (`/migrate rebase`); 1 guardrail to resolve by hand; no reviewer; "
        "stale: no activity for 1 day"
    ) in text.splitlines()


def test_dashboard_content(campaign: Campaign) -> None:
    text = render_dashboard(campaign, CampaignState.RUNNING, views(), now=NOW, stale_days=7)
    lines = text.splitlines()
    assert lines[0] == START
    assert lines[-1] == END
    title = "**Move consumers of plays_v1 to plays_v2** is **running**."
    assert f"{title} Latest activity: 2026-11-25 12:00 UTC." in lines
    # Progress counts migrations: "nothing to change" and excluded repositories are not progress.
    expected = "12%: 1 of 8 repositories to migrate merged (1 with nothing to change, 1 excluded)"
    assert f"`{'█' * 2}{'░' * 18}` {expected}" in lines
    counts = [line for line in lines if line.startswith("| ") and line.endswith(" |")][:12]
    assert counts[:10] == [
        "| State | Repositories |",
        "| --- | ---: |",
        "| pending | 1 |",
        "| nothing to change | 1 |",
        "| PR open | 2 |",
        "| changes requested | 1 |",
        "| approved | 1 |",
        "| checks failing | 1 |",
        "| merged | 1 |",
        "| excluded | 1 |",
    ]
    assert "| failed | 1 |" in lines
    assert "| **total** | **10** |" in lines
    assert "- [acme/red#4](https://github.com/acme/r4/pull/4): checks failing" in lines
    assert "- acme/broken: failed: tree too large | truncated" in lines
    assert (
        "| acme/guarded | [#3](https://github.com/acme/r3/pull/3) | PR open | - | 2 | acme/data "
        "| 2026-11-25 (1 d ago) | not checked |"
    ) in lines
    assert (
        "| acme/red | [#4](https://github.com/acme/r4/pull/4) | checks failing "
        "| failing: CircleCI, GitHub Actions | 0 | omar | 2026-11-25 (1 d ago) | not checked |"
    ) in lines
    broken = (
        "| acme/broken | - | failed: tree too large \\| truncated | - | - | - | - | not checked |"
    )
    assert broken in lines
    assert (
        "**Parity** (rewritten statements run old against new on synthetic data): "
        "not checked yet: no repository's plan has recorded it."
    ) in lines
    assert "### Agent usage" not in text


def test_dashboard_usage_totals(campaign: Campaign) -> None:
    target = apply_all(
        Target("acme/radio"),
        [Planned(NOW, True), PrOpened(NOW, 9, pr(9), "aaa"), ReviewRequested(NOW, "jane")],
    )
    rows = [
        view_of(target, usage=AgentUsage(1200, 300, 5000, 800, Decimal("0.42"))),
        TargetView("acme/other", target.state, usage=AgentUsage(1000, 200, 0, 0, None)),
        TargetView("acme/none", target.state),
    ]
    text = render_dashboard(campaign, CampaignState.RUNNING, rows, now=NOW, stale_days=7)
    assert "| 2,200 | 500 | 5,000 | 800 | $0.42 |" in text.splitlines()
    radio = "| acme/radio | [#9](https://github.com/acme/r9/pull/9) | PR open | none reported | 0 |"
    assert radio in text


@pytest.mark.parametrize(
    ("budget", "table_rows", "note"),
    [
        (100_000, 10, "<summary>Repositories (10)</summary>"),
        (
            2_200,  # the whole dashboard is about 2,400 characters, without settled rows 2,100
            7,
            "<summary>Repositories (7 in progress; 3 settled ones left out for space)</summary>",
        ),
        (1_000, 0, "The table of 10 repositories is left out: it does not fit in the issue body."),
    ],
)
def test_dashboard_shrinks_to_its_budget(
    campaign: Campaign, budget: int, table_rows: int, note: str
) -> None:
    text = render_dashboard(
        campaign, CampaignState.RUNNING, views(), now=NOW, stale_days=7, budget=budget
    )
    lines = text.splitlines()
    assert note in lines
    assert sum(1 for line in lines if line.startswith("| acme/")) == table_rows
    assert "- acme/broken: failed: tree too large | truncated" in lines  # attention stays


@pytest.mark.parametrize("state", [S.NO_CHANGES, S.MERGED, S.PR_OPEN])
def test_skipped_files_naming_an_old_table_need_attention_in_any_state(
    campaign: Campaign, state: RepoState
) -> None:
    view = TargetView("acme/dumps", state, reviewers=("jane",), last_activity=NOW, skipped=2)
    [attention] = needs_attention([view], now=NOW, stale_days=7)
    assert attention.problems[-1] is Problem.SKIPPED
    text = render_dashboard(campaign, CampaignState.RUNNING, [view], now=NOW, stale_days=7)
    [line] = [line for line in text.splitlines() if line.startswith("- acme/dumps: ")]
    assert line.endswith(
        "2 files naming an old table that Godwit could not read (too large, binary or a "
        "symlink): migrate by hand"
    )


def test_a_repository_without_skipped_files_needs_no_attention_for_them() -> None:
    view = TargetView("acme/quiet", S.NO_CHANGES)
    assert needs_attention([view], now=NOW, stale_days=7) == []


HEAD = "a" * 40


def _with_checks(*results: tuple[str, str, str]) -> Target:
    events: list[object] = [
        Planned(NOW, has_changes=True),
        PrOpened(NOW, 9, "https://github.com/acme/r9/pull/9", HEAD),
    ]
    events += [CheckSuiteCompleted(NOW, app, sha, conclusion) for app, sha, conclusion in results]
    return apply_all(Target("acme/r9"), events)


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ((), ChecksSummary(ChecksVerdict.NONE)),
        ((("GitHub Actions", HEAD, "success"),), ChecksSummary(ChecksVerdict.PASSING)),
        (
            (("GitHub Actions", HEAD, "success"), ("CircleCI", HEAD, "failure")),
            ChecksSummary(ChecksVerdict.FAILING, ("CircleCI",)),
        ),
        ((("GitHub Actions", "b" * 40, "failure"),), ChecksSummary(ChecksVerdict.NONE)),
        ((("GitHub Actions", HEAD, "pending"),), ChecksSummary(ChecksVerdict.PENDING)),
    ],
    ids=["none reported", "passing", "one app failing", "another commit's failure", "pending"],
)
def test_checks_column_reads_the_head_commit(
    results: tuple[tuple[str, str, str], ...], expected: ChecksSummary
) -> None:
    assert checks_of(_with_checks(*results)) == expected


def test_no_pull_request_no_checks() -> None:
    assert checks_of(apply_all(Target("acme/r9"), [Planned(NOW, has_changes=True)])) is None
