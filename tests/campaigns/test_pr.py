"""The campaign PR: names, body, metadata marker, and the ``/migrate explain`` answer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from campaigns_data import BASE_SHA, SNAPSHOT, WEB

from bot.campaigns.explain import render_explain
from bot.campaigns.links import MAX_BODY, IssueRef, blob_url, fence
from bot.campaigns.mapping import MappingRow, applied_rows, hunks
from bot.campaigns.meta import MarkerKeys, PrMeta, decode_meta
from bot.campaigns.pr import (
    AgentMigration,
    PullRequestTarget,
    branch_name,
    commit_message,
    pr_body,
    pr_labels,
    pr_title,
)
from bot.engine.model import VerificationIssue
from bot.engine.plan import LocatedIssue, RepoPlan
from bot.engine.planner import plan_repository
from bot.engine.snapshot import SnapshotBuilder
from bot.spec import Campaign, load_campaign, spec_hash

KEYS = MarkerKeys(b"marker-key-for-tests")
ISSUE = IssueRef("acme/campaigns", 7)
TARGET = PullRequestTarget("acme/radio", BASE_SHA, ISSUE, WEB)
OLD = "legacy-proj.music.plays_v1"


def test_names_and_labels(campaign: Campaign, plan: RepoPlan) -> None:
    assert branch_name(campaign) == "godwit/plays-v2"
    assert pr_labels(campaign) == ("godwit", "godwit:plays-v2")
    assert pr_title(campaign) == "Move consumers of plays_v1 to plays_v2 [godwit:plays-v2]"
    assert commit_message(campaign, plan, ISSUE) == (
        "Move consumers of plays_v1 to plays_v2\n"
        "\n"
        "Godwit campaign plays-v2 (acme/campaigns#7) rewrote 2 files and left 1 guardrail "
        "comment for review.\n"
        "\n"
        "- legacy-proj.music.plays_v1 -> core-proj.music.plays_v2\n"
        "\n"
        "Guide: https://wiki.example.com/migrations/plays-v2\n"
    )


@pytest.mark.parametrize(
    ("ref", "path", "line", "url"),
    [
        (
            "godwit/plays-v2",
            "jobs/premium.sql",
            3,
            "https://github.com/acme/radio/blob/godwit/plays-v2/jobs/premium.sql#L3",
        ),
        (
            "godwit/plays-v2",
            "models/daily report.sql",
            None,
            "https://github.com/acme/radio/blob/godwit/plays-v2/models/daily%20report.sql",
        ),
    ],
)
def test_blob_url(ref: str, path: str, line: int | None, url: str) -> None:
    assert blob_url("https://github.com/", "acme/radio", ref, path, line) == url


def test_the_plan_is_what_the_body_describes(plan: RepoPlan) -> None:
    assert [(f.path, f.changed, len(f.guardrails)) for f in plan.files] == [
        ("jobs/daily.sql", True, 0),
        ("jobs/premium.sql", True, 1),
    ]
    assert [(f.path, g.line) for f, g in plan.guardrails] == [("jobs/premium.sql", 3)]


def test_pr_body(campaign: Campaign, plan: RepoPlan) -> None:
    body = pr_body(campaign, plan, TARGET, keys=KEYS)
    lines = body.splitlines()
    assert (
        "**[Move consumers of plays_v1 to plays_v2](https://github.com/acme/campaigns/issues/7)**"
        in body
    )
    assert "| `legacy-proj.music.plays_v1` | `core-proj.music.plays_v2` |" in lines
    rows = [line for line in lines if line.startswith(f"| `{OLD}` | `") and line.count("|") == 4]
    assert rows == [
        f"| `{OLD}` | `ms_played` | `duration_ms` |",
        f"| `{OLD}` | `country` | `geo.country_code` |",
        f"| `{OLD}` | `is_premium` | no equivalent: guardrail |",
    ]
    assert (
        "| [`jobs/daily.sql`](https://github.com/acme/radio/blob/godwit/plays-v2/jobs/daily.sql) "
        "| bigquery-sql | 1 | 0 |"
    ) in lines
    assert (
        "- [ ] [`jobs/premium.sql` line 3]"
        "(https://github.com/acme/radio/blob/godwit/plays-v2/jobs/premium.sql#L3): "
        "is_premium has no equivalent in core-proj.music.plays_v2"
    ) in lines
    verification = lines.index("### Verification")
    assert lines[verification + 2].startswith("Passed: every changed statement parses")
    for command in ["rerun", "rebase", "skip", "explain", "help"]:
        assert any(line.startswith(f"- `/migrate {command}`:") for line in lines)
    assert "Guide: https://wiki.example.com/migrations/plays-v2" in body
    assert decode_meta(body, keys=KEYS) == PrMeta(
        campaign="plays-v2",
        spec_hash=spec_hash(campaign),
        base_sha=BASE_SHA,
        issue="acme/campaigns#7",
        repo="acme/radio",
        branch="godwit/plays-v2",
        pr=None,
        parity="0/0/2",  # proven/differs/not checkable, for a rebuilt database once merged
    )
    numbered = pr_body(campaign, plan, replace(TARGET, number=41), keys=KEYS)
    meta = decode_meta(numbered, keys=KEYS)
    assert meta is not None
    assert meta.pr == 41


def test_guardrails_the_agent_migrated_are_ticked_with_its_commit(
    campaign: Campaign, plan: RepoPlan
) -> None:
    sha = "c0ffee" + "0" * 34
    migrated = AgentMigration(sha, frozenset({"jobs/premium.sql"}))
    lines = pr_body(campaign, plan, TARGET, keys=KEYS, agent=migrated).splitlines()
    assert (
        "- [x] [`jobs/premium.sql` line 3]"
        "(https://github.com/acme/radio/blob/godwit/plays-v2/jobs/premium.sql#L3): "
        "is_premium has no equivalent in core-proj.music.plays_v2 (migrated by the agent)"
    ) in lines
    assert any(
        line.startswith(
            f"Godwit's agent then migrated the ones ticked below in commit "
            f"[c0ffee0](https://github.com/acme/radio/commit/{sha})"
        )
        for line in lines
    )
    untouched = pr_body(campaign, plan, TARGET, keys=KEYS, agent=AgentMigration(sha, frozenset()))
    assert "- [ ] [`jobs/premium.sql` line 3]" in untouched
    guardrails = lines.index("### Guardrails: your judgment is needed")
    verification = lines.index("### Verification")
    assert [line for line in lines[guardrails:verification] if line.startswith("- [")] == [
        line for line in lines if line.startswith("- [x]")
    ]


def test_only_rows_whose_column_appears_are_listed(campaign: Campaign) -> None:
    plan = plan_repository(campaign, {"jobs/daily.sql": SNAPSHOT["jobs/daily.sql"]})
    assert applied_rows(campaign, plan.files) == [
        MappingRow(OLD, "core-proj.music.plays_v2", "ms_played", "duration_ms"),
        MappingRow(OLD, "core-proj.music.plays_v2", "country", "geo.country_code"),
    ]


def test_verification_failures_are_listed(campaign: Campaign, plan: RepoPlan) -> None:
    daily = plan.files[0]
    issue = LocatedIssue(VerificationIssue(40, "output columns changed: ms_played"), 2)
    failed = replace(plan, files=(replace(daily, verification=(issue,)), *plan.files[1:]))
    lines = pr_body(campaign, failed, TARGET, keys=KEYS).splitlines()
    verification = lines.index("### Verification")
    assert lines[verification + 2].startswith("Godwit checked every rewrite")
    assert (
        f"- [`jobs/daily.sql` line 2](https://github.com/acme/radio/blob/{BASE_SHA}/jobs/daily.sql#L2)"
        ": output columns changed: ms_played"
    ) in lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [("SELECT 1", "```"), ("a ``` b", "````"), ("````` x", "``````")],
)
def test_fence_is_longer_than_any_backtick_run(text: str, expected: str) -> None:
    assert fence(text) == expected


def test_hunks() -> None:
    found = hunks("a\nb\nc\nd\n", "a\nB\nc\nnew\nd\n")
    assert [(h.old_start, h.removed, h.new_start, h.added) for h in found] == [
        (2, ("b",), 2, ("B",)),
        (4, (), 4, ("new",)),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "x\n" * 3000 + "a\n" + "x\n" * 3000,
            "x\n" * 3000 + "A\n" + "x\n" * 3000,
            [(3001, ("a",), 3001, ("A",))],
        ),
        ("x\nx\n", "x\nx\nx\n", [(3, (), 3, ("x",))]),
        ("x\nx\nx\n", "x\n", [(2, ("x", "x"), 2, ())]),
        ("a\n", "", [(1, ("a",), 1, ())]),
        ("a\nb\n", "a\nb\n", []),
    ],
    ids=["one line among thousands alike", "grown", "shrunk", "emptied", "same"],
)
def test_hunks_line_numbers_hold_around_lines_both_texts_share(
    old: str, new: str, expected: list[tuple[int, tuple[str, ...], int, tuple[str, ...]]]
) -> None:
    found = hunks(old, new)
    assert [(h.old_start, h.removed, h.new_start, h.added) for h in found] == expected


def test_explain(campaign: Campaign, plan: RepoPlan) -> None:
    text = render_explain(campaign, plan, repo="acme/radio", web_base=WEB)
    assert text.startswith("<!-- godwit:explain -->\n")
    expected_daily = """\
#### [`jobs/daily.sql`](https://github.com/acme/radio/blob/godwit/plays-v2/jobs/daily.sql)

- Table `legacy-proj.music.plays_v1` becomes `core-proj.music.plays_v2`.

**Lines 1-3** (line 1 in the new file):

```diff
-SELECT user_id, ms_played
-FROM `legacy-proj.music.plays_v1`
-WHERE country = 'SE'
+SELECT user_id, duration_ms AS ms_played
+FROM `core-proj.music.plays_v2`
+WHERE geo.country_code = 'SE'
```

- `ms_played` of `legacy-proj.music.plays_v1` becomes `duration_ms`.
- `country` of `legacy-proj.music.plays_v1` becomes `geo.country_code`.
"""
    assert expected_daily in text
    assert "**Line 1** (line 1 in the new file):" in text
    assert "No column of the mapping is involved in this change." in text
    assert "**Guardrail comment** at line 3:" in text
    assert "Guardrail only" not in text  # premium.sql also has a statement rewritten
    assert (
        "- [Line 3](https://github.com/acme/radio/blob/godwit/plays-v2/jobs/premium.sql#L3), "
        "above the statement that was at line 3: "
        "is_premium has no equivalent in core-proj.music.plays_v2 "
        "(`is_premium` of `legacy-proj.music.plays_v1` has no mechanical equivalent)"
    ) in text


def test_explain_says_a_guardrail_only_file_still_reads_the_old_table(campaign: Campaign) -> None:
    plan = plan_repository(
        campaign, {"jobs/premium.sql": "SELECT is_premium\nFROM `legacy-proj.music.plays_v1`\n"}
    )
    text = render_explain(campaign, plan, repo="acme/radio", web_base=WEB)
    assert "becomes `core-proj.music.plays_v2`" not in text
    assert (
        "Guardrail only: this file still reads `legacy-proj.music.plays_v1`; Godwit changed no "
        "statement here and left each one below for a person."
    ) in text


def test_explain_fences_code_containing_backticks() -> None:
    campaign = load_campaign(
        "id: t1\ntitle: T\nguide: https://example.com/g\n"
        "tables:\n  - old: p-one.d.t\n    new: p-one.d.u\n"
    )
    plan = plan_repository(campaign, {"a.sql": "SELECT '```' AS x FROM `p-one.d.t`\n"})
    text = render_explain(campaign, plan, repo="acme/radio", web_base=WEB)
    assert (
        "````diff\n-SELECT '```' AS x FROM `p-one.d.t`\n+SELECT '```' AS x FROM `p-one.d.u`\n````"
        in text
    )


def test_explain_lists_each_guardrail_on_its_own_line(campaign: Campaign) -> None:
    plan = plan_repository(
        campaign,
        {
            "jobs/two.sql": (
                "SELECT is_premium FROM `legacy-proj.music.plays_v1`;\n"
                "SELECT * FROM `legacy-proj.music.plays_v*`;\n"
            )
        },
    )
    text = render_explain(campaign, plan, repo="acme/radio", web_base=WEB)
    items = [line for line in text.splitlines() if line.startswith("- [Line ")]
    assert [item.split("]")[0] for item in items] == ["- [Line 1", "- [Line 3"]
    assert items[0].endswith(
        "(`is_premium` of `legacy-proj.music.plays_v1` has no mechanical equivalent)"
    )
    assert "wildcard table legacy-proj.music.plays_v*" in items[1]


def test_long_bodies_stay_within_githubs_limit(campaign: Campaign, plan: RepoPlan) -> None:
    daily, premium = plan.files
    many = tuple(
        replace(daily, path=f"jobs/reporting/weekly_rollups/report_{i:04}.sql") for i in range(600)
    )
    long_plan = replace(plan, files=(*many, premium))
    body = pr_body(campaign, long_plan, TARGET, keys=KEYS)
    assert len(body) <= MAX_BODY
    assert "And 501 more: see the **Files changed** tab." in body
    assert "`jobs/premium.sql` line 3](" in body  # every guardrail is still listed
    assert decode_meta(body, keys=KEYS) is not None

    explain = render_explain(campaign, long_plan, repo="acme/radio", web_base=WEB)
    assert len(explain) <= MAX_BODY
    assert "```diff" not in explain
    lines = explain.splitlines()
    assert "The changes are too many to walk through one by one in a comment;" in explain
    assert [line for line in lines if line.startswith("| `")] == [
        f"| `{OLD}` | `ms_played` | `duration_ms` | 600 |",
        f"| `{OLD}` | `country` | `geo.country_code` | 600 |",
        f"| `{OLD}` | `is_premium` | no equivalent: guardrail | 1 |",
    ]
    assert (
        "- [`jobs/premium.sql` line 3]"
        "(https://github.com/acme/radio/blob/godwit/plays-v2/jobs/premium.sql#L3): "
        "is_premium has no equivalent in core-proj.music.plays_v2"
    ) in lines


def test_explain_leaves_diffs_out_first(campaign: Campaign, plan: RepoPlan) -> None:
    daily, premium = plan.files
    many = tuple(replace(daily, path=f"jobs/r{i:03}.sql") for i in range(140))
    explain = render_explain(
        campaign, replace(plan, files=(*many, premium)), repo="acme/radio", web_base=WEB
    )
    assert len(explain) <= MAX_BODY
    assert "```diff" not in explain
    assert "the diffs are left out below, see the **Files changed** tab." in explain
    row = "- `ms_played` of `legacy-proj.music.plays_v1` becomes `duration_ms`."
    assert explain.count(row) == 140


def test_skipped_files_naming_an_old_table_have_their_own_section(campaign: Campaign) -> None:
    builder = SnapshotBuilder()
    builder.add("jobs/daily.sql", SNAPSHOT["jobs/daily.sql"].encode())
    builder.add("jobs/export.sql", f"SELECT * FROM `{OLD}`\n".encode() + b"\0")
    builder.add_symlink("jobs/linked.sql", f"/srv/{OLD}.sql".encode())
    builder.add("jobs/other.sql", b"SELECT 1\n\0")
    plan = plan_repository(campaign, builder.build())

    lines = pr_body(campaign, plan, TARGET, keys=KEYS).splitlines()

    section = lines.index("### Skipped files: migrate by hand")
    assert lines[section + 2].startswith("Godwit could not read these files as text")
    assert lines[section + 4 : section + 6] == [
        f"- [`jobs/export.sql`](https://github.com/acme/radio/blob/{BASE_SHA}/jobs/export.sql)"
        ": contains NUL bytes",
        f"- [`jobs/linked.sql`](https://github.com/acme/radio/blob/{BASE_SHA}/jobs/linked.sql)"
        ": symlink",
    ]
    assert not any("jobs/other.sql" in line for line in lines)
    assert any(
        line.endswith(
            "and the skipped files, and every rewritten statement keeps its output column names."
        )
        for line in lines
    )


def test_a_body_without_skipped_files_has_no_such_section(
    campaign: Campaign, plan: RepoPlan
) -> None:
    assert "### Skipped files" not in pr_body(campaign, plan, TARGET, keys=KEYS)
