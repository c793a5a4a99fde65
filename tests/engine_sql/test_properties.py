"""Contract section 6 over generated queries: idempotent, minimal, and nothing left behind.

Queries come from a small grammar over the example campaign: the old table in
its quoting styles, aliases, a join with another table, CTEs, filters, comments,
odd whitespace and casing, several statements per script.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot.dialects.dialect import Dialect

from bot.engine.edits import SQL_COMMENT, render
from bot.engine.sql import rewrite_sql
from bot.engine.sql.statements import split_statements
from tests.engine_sql.campaigns import CAMPAIGNS
from tests.support.campaigns import GUIDE

PLAYS = CAMPAIGNS["plays-v2"]
OLD_REFS = [
    "`legacy-proj.music.plays_v1`",
    "legacy-proj.music.plays_v1",
    "music.plays_v1",
    "`legacy-proj`.music.plays_v1",
    "`legacy-proj`.`music`.`plays_v1`",
]
COLUMNS = ["user_id", "track_uri", "ms_played", "played_date", "country", "platform"]
GUARDED = ["is_premium"]

space = st.sampled_from([" ", "  ", "\n", "\n  ", "\t", " \n\t "])
comment = st.sampled_from(
    ["-- plays_v1 ms_played\n", "/* legacy-proj.music.plays_v1 */ ", "# track_uri\n"]
)


def _case(word: str, draw: st.DrawFn) -> str:
    return draw(st.sampled_from([word, word.upper(), word.capitalize()]))


@st.composite
def select(draw: st.DrawFn) -> str:
    table = draw(st.sampled_from(OLD_REFS))
    alias = draw(st.sampled_from(["", "p", "P"]))
    joined = draw(st.booleans())
    qualifier = f"{alias or 'plays_v1'}." if joined or draw(st.booleans()) else ""
    names = draw(
        st.lists(
            st.sampled_from(COLUMNS + GUARDED * draw(st.integers(0, 1))), min_size=1, max_size=4
        )
    )
    projections = [f"{qualifier}{_case(name, draw)}" for name in names]
    if joined:
        projections.append("t.title")
    sp = draw(space)
    source = f"{table} AS {alias}" if alias else table
    sql = f"{_case('select', draw)}{sp}{(',' + draw(space)).join(projections)}{sp}FROM {source}"
    if joined:
        sql += f"{draw(space)}JOIN `core-proj.music.tracks` t ON t.track_id = {qualifier}track_uri"
    if draw(st.booleans()):
        column = draw(st.sampled_from(COLUMNS))
        sql += f"{draw(space)}{_case('where', draw)} {qualifier}{column} IS NOT NULL"
    if draw(st.booleans()):
        sql = f"{draw(comment)}{sql}"
    if draw(st.booleans()):
        names_out = ", ".join(sorted({n.lower() for n in names}))
        sql = f"WITH c AS ({sql}){draw(space)}SELECT {names_out} FROM c"
    return sql


@st.composite
def script(draw: st.DrawFn) -> str:
    statements = draw(st.lists(select(), min_size=1, max_size=3))
    other = "-- not plays_v1\nSELECT track_id FROM `core-proj.music.tracks`"
    if draw(st.booleans()):
        statements.insert(draw(st.integers(0, len(statements))), other)
    return ";\n".join(statements) + draw(st.sampled_from(["", ";", ";\n"]))


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(script())
def test_rewrite_is_idempotent_minimal_and_complete(sql: str) -> None:
    """One generated script, three invariants (checked together to keep the suite fast)."""
    first = rewrite_sql(sql, PLAYS)
    once = render(sql, first.edits, first.guardrails, syntax=SQL_COMMENT, guide=GUIDE).text

    # Minimal: an edit replaces a name or an expression, never comments or layout.
    for edit in first.edits:
        replaced = sql[edit.start : edit.end]
        assert not any(mark in replaced for mark in ("\n", "--", "/*", "#")), replaced

    # Idempotent: the rewritten script has nothing left to change.
    second = rewrite_sql(once, PLAYS)
    again = render(once, second.edits, second.guardrails, syntax=SQL_COMMENT, guide=GUIDE).text
    assert again == once

    # Complete: an old table is referenced only in statements that carry a guardrail.
    guarded = {site.offset for site in second.guardrails}
    for statement in split_statements(once, Dialect.get_or_raise("bigquery")):
        inside = [r for r in second.references if statement.start <= r.start < statement.end]
        if inside:
            assert statement.start in guarded, once[statement.start : statement.end]
