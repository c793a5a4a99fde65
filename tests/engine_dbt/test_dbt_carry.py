"""A new sources entry inherits the old one's description, settings and tests (contract 5).

Each case is a whole project: the sources YAML before, and exactly what it is after
the plan is applied, with the guardrails the plan lists for it.
"""

from __future__ import annotations

import pytest

from bot.campaigns.links import IssueRef
from bot.campaigns.meta import MarkerKeys
from bot.campaigns.pr import PullRequestTarget, pr_body
from bot.engine.planner import plan_repository
from bot.spec import Campaign
from tests.support.campaigns import GUIDE

MODEL = "select user_id, track_uri from {{ source('music', 'plays_v1') }}\n"

NULL_GUARD = (
    "# godwit: is_premium has no equivalent in core-proj.music.plays_v2: its tests "
    f"(accepted_values) were not carried over; see {GUIDE}"
)
TABLE_GUARD = (
    "# godwit: the test dbt_utils.unique_combination_of_columns on the table names track_uri, "
    f"which changes in core-proj.music.plays_v2: it was not carried over; see {GUIDE}"
)

DOCUMENTED = """\
version: 2

sources:
  - name: music
    database: legacy-proj
    tables:
      - name: plays_v1
        description: One row per play.
        loaded_at_field: played_at
        freshness:
          warn_after: {count: 24, period: hour}
        columns:
          - name: user_id
            description: Who listened.
            data_tests:
              - not_null
          - name: track_uri
            description: What was played.
            data_tests:
              - not_null
              - relationships:
                  to: ref('tracks')
                  field: uri
          - name: is_premium
            data_tests:
              - accepted_values:
                  values: [true, false]
          - name: played_date
            description: The day of the play.
      - name: users
"""

DOCUMENTED_AFTER = """\
version: 2

sources:
  - name: music
    database: legacy-proj
    tables:
      - name: users
  - name: music_core_proj
    database: core-proj
    schema: music
    tables:
      - name: plays_v2
        @NULL_GUARD@
        description: One row per play.
        loaded_at_field: played_at
        freshness:
          warn_after:
            count: 24
            period: hour
        columns:
          - name: user_id
            description: Who listened.
            data_tests:
              - not_null
          - name: track_id
            description: What was played.
            data_tests:
              - not_null
              - relationships:
                  to: ref('tracks')
                  field: uri
""".replace("@NULL_GUARD@", NULL_GUARD)

TABLE_TESTS = """\
version: 2

sources:
  - name: music
    database: legacy-proj
    tables:
      - name: plays_v1
        tests:
          - dbt_utils.unique_combination_of_columns:
              combination_of_columns: [user_id, track_uri]
          - dbt_utils.recency:
              datepart: day
              field: played_at
              interval: 1
        columns:
          - name: ms_played
            tests:
              - dbt_utils.expression_is_true:
                  expression: ">= 0"
"""

TABLE_TESTS_AFTER = """\
version: 2

sources:
  - name: music_core_proj
    database: core-proj
    schema: music
    tables:
      - name: plays_v2
        @TABLE_GUARD@
        tests:
          - dbt_utils.recency:
              datepart: day
              field: played_at
              interval: 1
        columns:
          - name: duration_ms
            tests:
              - dbt_utils.expression_is_true:
                  expression: '>= 0'
""".replace("@TABLE_GUARD@", TABLE_GUARD)

CASES = [
    pytest.param(
        DOCUMENTED,
        DOCUMENTED_AFTER,
        [
            (
                13,
                "is_premium has no equivalent in core-proj.music.plays_v2: its tests "
                "(accepted_values) were not carried over",
            )
        ],
        "source('music', 'plays_v1') → source('music_core_proj', 'plays_v2'): carried over "
        "description; loaded_at_field; freshness; tests on user_id (not_null); tests on "
        "track_uri → track_id (not_null, relationships); not column played_date (played_date "
        "becomes DATE(played_at) in core-proj.music.plays_v2); left to a person (guardrail in "
        "the YAML): is_premium has no equivalent in core-proj.music.plays_v2: its tests "
        "(accepted_values) were not carried over",
        id="descriptions and column tests follow their columns; a null column's test is guarded",
    ),
    pytest.param(
        TABLE_TESTS,
        TABLE_TESTS_AFTER,
        [
            (
                9,
                "the test dbt_utils.unique_combination_of_columns on the table names track_uri, "
                "which changes in core-proj.music.plays_v2: it was not carried over",
            )
        ],
        "source('music', 'plays_v1') → source('music_core_proj', 'plays_v2'): carried over "
        "tests on ms_played → duration_ms (dbt_utils.expression_is_true); left to a person "
        "(guardrail in the YAML): the test dbt_utils.unique_combination_of_columns on the "
        "table names track_uri, which changes in core-proj.music.plays_v2: it was not carried "
        "over",
        id="a table test naming a changed column is guarded, the others move",
    ),
]


CRLF = pytest.param(
    *[v.replace("\n", "\r\n") if isinstance(v, str) and "\n" in v else v for v in CASES[0].values],
    id="a CRLF sources file keeps CRLF in the lines it gains",
)


@pytest.mark.parametrize(("sources", "expected", "guardrails", "note"), [*CASES, CRLF])
def test_the_new_entry_inherits_from_the_old_one(
    campaign: Campaign,
    sources: str,
    expected: str,
    guardrails: list[tuple[int, str]],
    note: str,
) -> None:
    snapshot = {
        "dbt_project.yml": "name: radio\n",
        "models/sources.yml": sources,
        "models/tracks.sql": MODEL,
    }
    plan = plan_repository(campaign, snapshot)
    planned = next(f for f in plan.files if f.path == "models/sources.yml")
    assert planned.new_text == expected
    assert [(g.line, g.reason) for g in planned.guardrails] == guardrails
    assert [expected.splitlines()[g.line - 1] for g in planned.guardrails] == [
        " " * 8 + g.comment for g in planned.guardrails
    ]
    assert planned.notes == (note,)
    body = pr_body(
        campaign,
        plan,
        PullRequestTarget(
            "acme/radio", "0" * 40, IssueRef("acme/campaigns", 7), "https://github.com"
        ),
        keys=MarkerKeys(b"marker-key-for-tests"),
    )
    assert f"- `models/sources.yml`: {note}\n" in body
    assert f"[`models/sources.yml` line {guardrails[0][0]}]" in body
    again = plan_repository(campaign, {**snapshot, **plan.changes})
    assert again.changes == {}


def test_an_already_declared_new_entry_is_kept_and_the_pr_says_so(campaign: Campaign) -> None:
    declared = (
        "version: 2\nsources:\n  - name: core\n    database: core-proj\n    schema: music\n"
        "    tables:\n      - name: plays_v2\n"
    )
    snapshot = {
        "dbt_project.yml": "name: radio\n",
        "models/sources.yml": DOCUMENTED,
        "models/core.yml": declared,
        "models/tracks.sql": MODEL,
    }
    plan = plan_repository(campaign, snapshot)
    assert "models/core.yml" not in plan.changes
    sources = next(f for f in plan.files if f.path == "models/sources.yml")
    assert sources.notes == (
        "source('core', 'plays_v2') was declared already and is kept as it is; the description "
        "and tests of the removed entry of legacy-proj.music.plays_v1 were not carried over to it",
    )
