"""What ``rewrite_sql`` reports besides the text: references, sites, issues, adapters' hooks."""

from __future__ import annotations

from sqlglot import exp

from bot.engine.edits import SQL_COMMENT, render
from bot.engine.model import GuardrailSite, ReferenceKind
from bot.engine.sql import TableMatch, rewrite_sql
from tests.engine_sql.campaigns import CAMPAIGNS
from tests.support.campaigns import GUIDE

PLAYS = CAMPAIGNS["plays-v2"]


def test_references_carry_kind_and_exact_span() -> None:
    sql = (
        "SELECT a.user_id FROM `legacy-proj.music.plays_v1` a\n"
        "JOIN legacy-proj.music.plays_v1 b USING (user_id);\n"
        "SELECT 1 FROM plays_v1;\n"
        "SELECT 1 FROM music.plays_v1$20240101"
    )
    result = rewrite_sql(sql, PLAYS)
    found = [(r.kind, r.text, sql[r.start : r.end]) for r in result.references]
    assert found == [
        (ReferenceKind.TABLE, "`legacy-proj.music.plays_v1`", "`legacy-proj.music.plays_v1`"),
        (ReferenceKind.TABLE, "legacy-proj.music.plays_v1", "legacy-proj.music.plays_v1"),
        (ReferenceKind.BARE, "plays_v1", "plays_v1"),
        (ReferenceKind.DECORATOR, "music.plays_v1$20240101", "music.plays_v1$20240101"),
    ]
    assert all(r.table == "legacy-proj.music.plays_v1" for r in result.references)
    assert [r.needs_human for r in result.references] == [False, False, True, True]


def test_guardrail_sites_point_at_the_statement_first_token() -> None:
    sql = "SELECT 1;\n\n  /* note */ SELECT is_premium FROM music.plays_v1;\nSELECT 2"
    result = rewrite_sql(sql, PLAYS)
    start = sql.index("SELECT is_premium")
    reason = "is_premium has no equivalent in core-proj.music.plays_v2"
    assert result.guardrails == [GuardrailSite(start, reason)]
    assert result.edits == []
    assert result.statements_rewritten == 0


def test_statements_rewritten_counts_only_changed_statements() -> None:
    sql = (
        "SELECT ms_played FROM music.plays_v1;\n"
        "SELECT 1 FROM core-proj.music.tracks;\n"
        "SELECT user_id FROM music.plays_v1"
    )
    assert rewrite_sql(sql, PLAYS).statements_rewritten == 2


def test_verification_failure_is_reported_and_blocks_the_statement() -> None:
    typo = CAMPAIGNS["typo"]
    sql = "SELECT ms_played FROM music.plays_v1"
    result = rewrite_sql(sql, typo)
    assert [(i.offset, i.message) for i in result.verification] == [
        (0, "duration_msec is not a column of core-proj.music.plays_v2")
    ]
    assert result.edits == []
    assert result.guardrails[0].reason.startswith("rewrite could not be verified: ")


def test_untokenizable_text_mentioning_the_old_table_is_guarded() -> None:
    sql = "SELECT 'unterminated FROM music.plays_v1"
    result = rewrite_sql(sql, PLAYS)
    assert [g.reason for g in result.guardrails] == [
        "this statement cannot be parsed and mentions legacy-proj.music.plays_v1"
    ]


def test_unparsable_statement_without_old_table_is_left_alone() -> None:
    result = rewrite_sql("SELECT FROM WHERE plays_v10;", PLAYS)
    assert (result.edits, result.guardrails, result.references) == ([], [], [])


MASKED_SOURCE = "__godwit_jinja_0001__________________"  # stands for {{ source('music', 'plays') }}
MASKED_VAR = "__godwit_jinja_0002_____"  # stands for {{ var('since') }}
MASKED_COLS = "__godwit_jinja_0003__"  # stands for {{ cols }}


def _resolver(table: exp.Table) -> TableMatch | None:
    if table.name == MASKED_SOURCE:
        return TableMatch(PLAYS.tables[0], "{{ source('music_core', 'plays_v2') }}")
    return None


def _opaque(name: str) -> bool:
    return name.startswith("__godwit_jinja_")


def test_resolver_replacement_goes_over_the_masked_span() -> None:
    sql = f"SELECT user_id, ms_played\nFROM {MASKED_SOURCE}\nWHERE played_date > {MASKED_VAR}\n"
    result = rewrite_sql(sql, PLAYS, resolver=_resolver, opaque_identifier=_opaque)
    text = render(sql, result.edits, result.guardrails, syntax=SQL_COMMENT, guide=GUIDE).text
    assert text == (
        "SELECT user_id, duration_ms AS ms_played\n"
        "FROM {{ source('music_core', 'plays_v2') }}\n"
        f"WHERE DATE(played_at) > {MASKED_VAR}\n"
    )
    assert [(r.kind, r.text) for r in result.references] == [(ReferenceKind.TABLE, MASKED_SOURCE)]


def test_placeholder_that_may_name_a_column_guards_the_statement() -> None:
    sql = f"SELECT user_id, {MASKED_COLS} FROM {MASKED_SOURCE}"
    result = rewrite_sql(sql, PLAYS, resolver=_resolver, opaque_identifier=_opaque)
    assert result.edits == []
    assert [g.reason for g in result.guardrails] == [
        "templated code (Jinja or an interpolation) may generate column names"
    ]


def test_placeholders_are_ignored_in_statements_without_old_tables() -> None:
    sql = f"SELECT {MASKED_COLS} FROM `core-proj.music.tracks`"
    result = rewrite_sql(sql, PLAYS, resolver=_resolver, opaque_identifier=_opaque)
    assert (result.edits, result.guardrails) == ([], [])


def test_edits_touch_only_what_changes() -> None:
    sql = "SELECT\r\n  p.ms_played ,p.user_id\r\nFROM   music.plays_v1 AS p -- src\r\n"
    result = rewrite_sql(sql, PLAYS)
    changed = sorted((sql[e.start : e.end], e.replacement) for e in result.edits)
    assert changed == [
        ("music.plays_v1", "core-proj.music.plays_v2"),
        ("p.ms_played", "p.duration_ms AS ms_played"),
    ]
    rendered = render(sql, result.edits, result.guardrails, syntax=SQL_COMMENT, guide=GUIDE).text
    assert rendered == (
        "SELECT\r\n  p.duration_ms AS ms_played ,p.user_id\r\n"
        "FROM   core-proj.music.plays_v2 AS p -- src\r\n"
    )
