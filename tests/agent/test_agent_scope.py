"""The deterministic scope check over a diff: which files and hunks an agent edit may touch."""

from __future__ import annotations

import pytest

from bot.agent.scope import check_change, is_test_path, scope_rules
from bot.spec import Campaign

SQL = """\
-- daily listening per user
SELECT
  user_id,
  SUM(duration_ms) AS ms_played
FROM `core-proj.music.plays_v2`
WHERE region = 'EU'
GROUP BY user_id
"""


@pytest.mark.parametrize(
    ("path", "test"),
    [
        ("src/test/scala/com/acme/JobSpec.scala", True),
        ("tests/test_job.py", True),
        ("models/schema_test.sql", True),
        ("src/main/scala/com/acme/JobTest.scala", True),
        ("src/main/scala/com/acme/Job.scala", False),
        ("jobs/latest/query.sql", False),
    ],
)
def test_test_paths(path: str, test: bool) -> None:
    assert is_test_path(path) is test


def _edit(old: str, new: str) -> str:
    assert SQL.count(old) == 1
    return SQL.replace(old, new)


@pytest.mark.parametrize(
    ("title", "after", "problems"),
    [
        ("unchanged", SQL, 0),
        ("column line", _edit("SUM(duration_ms) AS ms_played", "SUM(duration_ms) AS ms"), 0),
        ("table line", _edit("`core-proj.music.plays_v2`", "`core-proj.music.plays_v2` AS p"), 0),
        ("unrelated filter", _edit("region = 'EU'", "region = 'US'"), 1),
        ("unrelated comment", _edit("-- daily listening", "-- hourly listening"), 1),
        ("insert beside a column line", _edit("  user_id,\n", "  user_id,\n  platform,\n"), 0),
        (
            "insert between unrelated lines",
            _edit("user\nSELECT\n", "user\nDECLARE x INT64;\nSELECT\n"),
            1,
        ),
        ("unrelated text appended after a column line", SQL + "\nSELECT 1;\n", 1),
        (
            "guardrail inserted above a column line",
            _edit("  user_id,\n", "  -- godwit: x\n  user_id,\n"),
            0,
        ),
        (
            "two hunks, one unrelated",
            _edit("region = 'EU'", "region = 'US'").replace("AS ms_played", "AS ms"),
            1,
        ),
        ("emptied", "", 1),
    ],
)
def test_hunks(campaign: Campaign, title: str, after: str, problems: int) -> None:
    rules = scope_rules(campaign)
    assert len(check_change(rules, "jobs/daily/query.sql", SQL, after)) == problems, title


def test_commented_lines_widen_scope_by_the_window_only(campaign: Campaign) -> None:
    after = _edit("region = 'EU'", "region = 'US'")  # line 6
    near = scope_rules(campaign, {"jobs/daily/query.sql": [8]}, window=2)
    far = scope_rules(campaign, {"jobs/daily/query.sql": [9]}, window=2)
    assert check_change(near, "jobs/daily/query.sql", SQL, after) == []
    assert check_change(far, "jobs/daily/query.sql", SQL, after) == [
        "jobs/daily/query.sql line 6: the change touches no line that refers to a campaign "
        "table or column, nor the lines under review"
    ]


def test_files_without_campaign_tables_are_editable_only_when_commented(
    campaign: Campaign,
) -> None:
    unrelated = "SELECT user_id FROM `proj.sales.orders`\n"  # a campaign column, not table
    after = "SELECT user_id, total FROM `proj.sales.orders`\n"
    assert check_change(scope_rules(campaign), "jobs/orders.sql", unrelated, after) == [
        "jobs/orders.sql neither refers to a campaign table nor carries the comment being answered"
    ]
    commented = scope_rules(campaign, {"jobs/orders.sql": [1]})
    assert check_change(commented, "jobs/orders.sql", unrelated, after) == []


def test_protected_files_stay_protected_even_when_commented(campaign: Campaign) -> None:
    workflow = "run: deploy plays_v2\n"
    rules = scope_rules(campaign, {".github/workflows/deploy.yml": [1]})
    assert check_change(rules, ".github/workflows/deploy.yml", workflow, "run: rm -rf /\n") == [
        ".github/workflows/deploy.yml is CI or tool configuration"
    ]


def test_only_limits_editable_files(campaign: Campaign) -> None:
    rules = scope_rules(campaign, only=["jobs/a.sql"])
    after = _edit("AS ms_played", "AS ms")
    assert check_change(rules, "jobs/a.sql", SQL, after) == []
    assert check_change(rules, "jobs/b.sql", SQL, after) == [
        "jobs/b.sql is not one of the files this task may change"
    ]


def test_test_code_may_change_but_not_shrink(campaign: Campaign) -> None:
    spec = 'it should "read plays_v2" in {\n  assert(row.get("ms_played") == 1)\n}\n'
    path = "src/test/scala/PlaysSpec.scala"
    rules = scope_rules(campaign)
    renamed = spec.replace('"ms_played"', '"duration_ms"')
    assert check_change(rules, path, spec, renamed) == []
    removed = spec.replace('  assert(row.get("ms_played") == 1)\n', "")
    assert check_change(rules, path, spec, removed) == [
        f"{path}: the edit removes assertions; tests may be updated, never weakened"
    ]
