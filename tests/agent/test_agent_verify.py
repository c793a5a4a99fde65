"""The engine as judge of an edited file: what passes and what is reported."""

from __future__ import annotations

import pytest

from bot.agent.verify import unknown_new_column, verify_file
from bot.engine.planner import plan_repository
from bot.spec import Campaign, VerifyOptions
from tests.agent.conftest import EXAMPLE, TYPED

ANNOTATION_OLD = '@BigQueryType.fromTable("legacy-proj:music.plays_v1")'
ANNOTATION_NEW = '@BigQueryType.fromTable("core-proj:music.plays_v2")'


def _without_guardrails(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if "godwit:" not in line)


def test_typed_pipeline_checks(campaign: Campaign, engine_output: dict[str, str]) -> None:
    engine = engine_output[TYPED]

    def check(after: str) -> list[str]:
        return verify_file(campaign, engine_output, TYPED, engine, after)

    assert check(engine) == []
    moved = engine.replace(ANNOTATION_OLD, ANNOTATION_NEW)
    assert check(moved) == [
        f"line {line}: r.ms_played: rows Play of core-proj.music.plays_v2 have no field ms_played "
        "(fields: user_id, track_id, duration_ms, played_at, geo, platform); "
        "the campaign maps ms_played to duration_ms"
        for line in (21, 22)
    ]
    migrated = _without_guardrails(moved.replace("r.ms_played", "r.duration_ms"))
    assert check(migrated) == []
    assert check(_without_guardrails(engine)) == [
        "line 10: still needs a guardrail (typed rows of legacy-proj.music.plays_v1 follow its "
        "schema; move to core-proj.music.plays_v2 and map fields ms_played by hand)"
    ]


def test_embedded_sql_reading_missing_columns(
    campaign: Campaign, scio_repo: dict[str, str]
) -> None:
    path = "src/main/scala/com/acme/pipelines/TopTracksByCountry.scala"
    original = scio_repo[path]
    only_table = original.replace("legacy-proj.music.plays_v1", "core-proj.music.plays_v2")
    assert verify_file(campaign, scio_repo, path, original, only_table) == [
        "line 9: country is not a column of core-proj.music.plays_v2"
    ]


SQL = """\
SELECT user_id, ms_played
FROM `legacy-proj.music.plays_v1`;
SELECT 1 AS one;
"""


@pytest.mark.parametrize(
    ("after", "problems"),
    [
        (
            "SELECT user_id, duration_ms AS ms_played\nFROM `core-proj.music.plays_v2`;\n"
            "SELECT 1 AS one;\n",
            [],
        ),
        (
            "SELECT user_id, duration_ms\nFROM `core-proj.music.plays_v2`;\nSELECT 1 AS one;\n",
            [
                "line 1: output columns changed from user_id, ms_played to user_id, duration_ms",
            ],
        ),
        (
            "SELECT user_id, ms_played\nFROM `core-proj.music.plays_v2`;\nSELECT 1 AS one;\n",
            ["line 1: ms_played is not a column of core-proj.music.plays_v2"],
        ),
        (
            "SELECT user_id, duration_ms AS ms_played\nFROM `core-proj.music.plays_v2`\n"
            "SELECT 1 AS one;\n",
            ["the file had 2 statements and now has 1"],
        ),
        (
            "SELECT user_id, ms_played\nFROM `legacy-proj.music.plays_v1`;\nSELECT 1 AS one;\n",
            ["the engine would still rewrite 'SELECT user_id, ms_played'"],
        ),
    ],
)
def test_sql_checks(campaign: Campaign, after: str, problems: list[str]) -> None:
    assert verify_file(campaign, {}, "jobs/q/query.sql", SQL, after) == problems


def test_unknown_new_column_follows_aliases(campaign: Campaign) -> None:
    sql = "SELECT p.platform, p.country FROM `core-proj.music.plays_v2` AS p"
    assert (
        unknown_new_column(sql, campaign) == "country is not a column of core-proj.music.plays_v2"
    )
    ok = "SELECT p.platform, p.geo.country_code FROM `core-proj.music.plays_v2` AS p"
    assert unknown_new_column(ok, campaign) is None


def test_dbt_models_are_judged_by_the_engine_not_parsed_as_plain_sql(campaign: Campaign) -> None:
    root = EXAMPLE / "repos" / "acme-dbt-analytics"
    repo = {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}
    migrated = {**repo, **plan_repository(campaign, repo).changes}
    path = "models/staging/stg_plays.sql"
    model = migrated[path]
    stricter = model.replace("where duration_ms >= 30000", "where duration_ms > 30000")
    assert verify_file(campaign, migrated, path, model, stricter) == []
    back = model.replace(
        "{{ source('music_core_proj', 'plays_v2') }}", "`legacy-proj.music.plays_v1`"
    )
    assert verify_file(campaign, migrated, path, model, back) == [
        "the engine would still rewrite 'from `legacy-proj.music.plays_v1`'"
    ]


def test_java_edit_reading_a_missing_column_is_refused(campaign: Campaign) -> None:
    path = "src/main/java/com/acme/Daily.java"
    before = (
        "class Daily {\n"
        "  void run(Pipeline p) {\n"
        '    p.apply(BigQueryIO.readTableRows().fromQuery("SELECT country FROM '
        '`legacy-proj.music.plays_v1`").usingStandardSql());\n'
        "  }\n"
        "}\n"
    )
    after = before.replace("legacy-proj.music.plays_v1", "core-proj.music.plays_v2")
    assert verify_file(campaign, {path: before}, path, before, after) == [
        "line 3: country is not a column of core-proj.music.plays_v2"
    ]


def test_an_edit_that_verifies_but_returns_other_rows_fails_parity(campaign: Campaign) -> None:
    wrong = (
        "SELECT user_id, duration_ms + 1 AS ms_played\nFROM `core-proj.music.plays_v2`;\n"
        "SELECT 1 AS one;\n"
    )
    (problem,) = verify_file(campaign, {}, "jobs/q/query.sql", SQL, wrong)
    assert problem.startswith("line 1: parity failed: the rows differ (on 1 synthetic row(s)")
    off = campaign.model_copy(update={"verify": VerifyOptions(parity=False)})
    assert verify_file(off, {}, "jobs/q/query.sql", SQL, wrong) == []
