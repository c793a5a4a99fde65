"""The Scala/Scio adapter end to end: source in, rendered file out (contract sections 2-4)."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.edits import SCALA_COMMENT, render
from bot.engine.jvm import rewrite_scala
from bot.engine.model import ReferenceKind
from bot.engine.sql import rewrite_sql
from bot.spec import Campaign
from tests.support.campaigns import plays_v2

CAMPAIGN = plays_v2()


def godwit(reason: str) -> str:
    return f"// godwit: {reason}; see {CAMPAIGN.guide}"


FIELDS = godwit("TableRow fields track_uri, ms_played change in core-proj.music.plays_v2")
WILDCARD = godwit(
    "legacy-proj:music.plays_v* is a wildcard over legacy-proj.music.plays_v1; "
    "point it at core-proj.music.plays_v2 by hand"
)
DECORATOR = godwit(
    "legacy-proj.music.plays_v1$20240101 is a decorated legacy-proj.music.plays_v1; "
    "point it at core-proj.music.plays_v2 by hand"
)
TYPED_ACCESSED = godwit(
    "typed rows of legacy-proj.music.plays_v1 follow its schema; "
    "move to core-proj.music.plays_v2 and map fields ms_played by hand"
)
TYPED_QUERY = godwit(
    "typed rows of legacy-proj.music.plays_v1 follow its schema; move to core-proj.music.plays_v2 "
    "and map fields ms_played, country by hand"
)
NESTED = godwit(
    "the file reads ms_played by name in code these rows may reach, "
    "which changes in core-proj.music.plays_v2"
)
LEGACY = godwit(
    "legacy SQL reads legacy-proj.music.plays_v1; move the query to standard SQL by hand"
)
SPLICED = godwit(
    "an interpolation builds the name of legacy-proj.music.plays_v1; "
    "point it at core-proj.music.plays_v2"
)
CUSTOM = godwit('a string literal naming a migrated table has a custom sql"..." interpolator')
ACROSS = godwit("rewriting the query would cut into an interpolation or a + between literals")
NULL_MAPPED = godwit("is_premium has no equivalent in core-proj.music.plays_v2")


def core_says(sql: str) -> str:
    """The guardrail comment for what the SQL core says about ``sql`` (splices as identifiers)."""
    core = rewrite_sql(sql, CAMPAIGN, opaque_identifier=lambda name: "godwit_splice" in name)
    (site,) = core.guardrails
    return godwit(site.reason)


UNPARSABLE = core_says("SELECT ms_played FROM legacy-proj.music.plays_v1 WHERE")
SPLICED_COLUMNS = core_says("SELECT godwit_splice_1 FROM `legacy-proj.music.plays_v1`")
TYPED_ALL = godwit(
    "typed rows of legacy-proj.music.plays_v1 follow its schema; move to core-proj.music.plays_v2 "
    "and map fields track_uri, ms_played, played_date, country, is_premium by hand"
)


def migrate(source: str) -> str:
    rewrite = rewrite_scala(source, CAMPAIGN)
    rendered = render(
        source, rewrite.edits, rewrite.guardrails, syntax=SCALA_COMMENT, guide=CAMPAIGN.guide
    )
    return rendered.text


def scala(text: str) -> str:
    return dedent(text).lstrip("\n")


# (title, source, expected file after the rewrite)
CASES = [
    (
        "colon spec rewritten in the same form",
        scala("""
            val plays = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
        """),
        scala("""
            val plays = sc.bigQueryTable(Table.Spec("core-proj:music.plays_v2"))
        """),
    ),
    (
        "dot spec rewritten in the same form; unchanged fields read by name are fine",
        scala("""
            BigQueryIO.readTableRows().from("legacy-proj.music.plays_v1")
              .map(row => row.get("user_id"))
        """),
        scala("""
            BigQueryIO.readTableRows().from("core-proj.music.plays_v2")
              .map(row => row.get("user_id"))
        """),
    ),
    (
        "a spec without its project gains the new table's project",
        scala("""
            val plays = BigQueryIO.readTableRows().from("music.plays_v1")
        """),
        scala("""
            val plays = BigQueryIO.readTableRows().from("core-proj:music.plays_v2")
        """),
    ),
    (
        "names in comments, in prose and longer names are not references",
        scala("""
            // reads "legacy-proj:music.plays_v1"
            /* val t = "legacy-proj:music.plays_v1" /* nested */ */
            val a = "legacy-proj:music.plays_v10"
            val b = "legacy-proj:music.plays_v1_backup"
            log.info("copied legacy-proj:music.plays_v1 to the archive")
        """),
        scala("""
            // reads "legacy-proj:music.plays_v1"
            /* val t = "legacy-proj:music.plays_v1" /* nested */ */
            val a = "legacy-proj:music.plays_v10"
            val b = "legacy-proj:music.plays_v1_backup"
            log.info("copied legacy-proj:music.plays_v1 to the archive")
        """),
    ),
    (
        "a spec joined into prose is still a spec",
        scala("""
            log.info("reading " + "legacy-proj:music.plays_v1")
        """),
        scala("""
            log.info("reading " + "core-proj:music.plays_v2")
        """),
    ),
    (
        "spec with changed fields read by name: guardrail, spec untouched",
        scala("""
            object Top {
              def main(args: Array[String]): Unit = {
                val rows = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                rows.map(r => (r.getString("track_uri"), r.get("MS_PLAYED").toString.toLong))
              }
            }
        """),
        scala(f"""
            object Top {{
              def main(args: Array[String]): Unit = {{
                {FIELDS}
                val rows = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                rows.map(r => (r.getString("track_uri"), r.get("MS_PLAYED").toString.toLong))
              }}
            }}
        """),
    ),
    (
        "wildcard and decorator specs need a human",
        scala("""
            val all = "legacy-proj:music.plays_v*"
            val day = "legacy-proj.music.plays_v1$20240101"
        """),
        scala(f"""
            {WILDCARD}
            val all = "legacy-proj:music.plays_v*"
            {DECORATOR}
            val day = "legacy-proj.music.plays_v1$20240101"
        """),
    ),
    (
        "triple-quoted stripMargin SQL: columns mapped, margins intact",
        scala("""
            object DailyPlays {
              val query =
                \"\"\"SELECT user_id, track_uri, SUM(ms_played) AS ms_played
                  |FROM `legacy-proj.music.plays_v1`
                  |WHERE played_date >= '2024-01-01'
                  |GROUP BY user_id, track_uri\"\"\".stripMargin
            }
        """),
        scala("""
            object DailyPlays {
              val query =
                \"\"\"SELECT user_id, track_id AS track_uri, SUM(duration_ms) AS ms_played
                  |FROM `core-proj.music.plays_v2`
                  |WHERE DATE(played_at) >= '2024-01-01'
                  |GROUP BY user_id, track_id\"\"\".stripMargin
            }
        """),
    ),
    (
        "interpolated SQL: splices in strings and value positions are kept",
        scala("""
            val q = s\"\"\"SELECT ms_played FROM `legacy-proj.music.plays_v1`
                       |WHERE user_id IN ($ids) AND country = ${cc}
                       |  AND platform = '$platform'
                       |LIMIT $n\"\"\".stripMargin
            val r = s"SELECT ms_played FROM legacy-proj.music.plays_v1 LIMIT $n"
        """),
        scala("""
            val q = s\"\"\"SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2`
                       |WHERE user_id IN ($ids) AND geo.country_code = ${cc}
                       |  AND platform = '$platform'
                       |LIMIT $n\"\"\".stripMargin
            val r = s"SELECT duration_ms AS ms_played FROM core-proj.music.plays_v2 LIMIT $n"
        """),
    ),
    (
        "plain SQL string with escapes",
        scala(r"""
            val q = "SELECT country,\n\"x\" AS y\nFROM legacy-proj.music.plays_v1"
        """),
        scala(r"""
            val q = "SELECT geo.country_code AS country,\n\"x\" AS y\nFROM core-proj.music.plays_v2"
        """),
    ),
    (
        "SQL concatenated with +: columns in every piece are mapped",
        scala("""
            val q = "SELECT p.user_id, p.ms_played " +
              "FROM `legacy-proj.music.plays_v1` AS p " +
              "WHERE p.country = '" + country + "'"
        """),
        scala("""
            val q = "SELECT p.user_id, p.duration_ms AS ms_played " +
              "FROM `core-proj.music.plays_v2` AS p " +
              "WHERE p.geo.country_code = '" + country + "'"
        """),
    ),
    (
        "a rewrite that would cut across a + is not made: guardrail",
        scala("""
            val q = "SELECT ms_" +
              "played FROM legacy-proj.music.plays_v1"
        """),
        scala(f"""
            {ACROSS}
            val q = "SELECT ms_" +
              "played FROM legacy-proj.music.plays_v1"
        """),
    ),
    (
        "unparsable SQL: guardrail above the Scala line where the literal starts",
        scala("""
            val rows = sc.bigQuerySelect(
              Query("SELECT ms_played FROM legacy-proj.music.plays_v1 WHERE"))
        """),
        scala(f"""
            val rows = sc.bigQuerySelect(
              {UNPARSABLE}
              Query("SELECT ms_played FROM legacy-proj.music.plays_v1 WHERE"))
        """),
    ),
    (
        "a guarded multi-line query gets its comment above, never inside",
        scala("""
            val q = \"\"\"SELECT user_id, is_premium
                      |FROM `legacy-proj.music.plays_v1`\"\"\".stripMargin
        """),
        scala(f"""
            {NULL_MAPPED}
            val q = \"\"\"SELECT user_id, is_premium
                      |FROM `legacy-proj.music.plays_v1`\"\"\".stripMargin
        """),
    ),
    (
        "a splice that may generate columns: guardrail",
        scala("""
            val q = s"SELECT $cols FROM `legacy-proj.music.plays_v1`"
        """),
        scala(f"""
            {SPLICED_COLUMNS}
            val q = s"SELECT $cols FROM `legacy-proj.music.plays_v1`"
        """),
    ),
    (
        "a table name built by interpolation: guardrail",
        scala("""
            val q = s"SELECT ms_played FROM `${project}.music.plays_v1`"
        """),
        scala(f"""
            {SPLICED}
            val q = s"SELECT ms_played FROM `${{project}}.music.plays_v1`"
        """),
    ),
    (
        "a query in a custom interpolator is unknowable; prose in one is not a reference",
        scala("""
            val q = sql"SELECT ms_played FROM legacy-proj.music.plays_v1 WHERE user_id = $id"
            val m = msg"copied legacy-proj.music.plays_v1"
        """),
        scala(f"""
            {CUSTOM}
            val q = sql"SELECT ms_played FROM legacy-proj.music.plays_v1 WHERE user_id = $id"
            val m = msg"copied legacy-proj.music.plays_v1"
        """),
    ),
    (
        "legacy SQL brackets: guardrail",
        scala("""
            val legacy = "SELECT ms_played FROM [legacy-proj:music.plays_v1] WHERE country = 'SE'"
        """),
        scala(f"""
            {LEGACY}
            val legacy = "SELECT ms_played FROM [legacy-proj:music.plays_v1] WHERE country = 'SE'"
        """),
    ),
    (
        "a guarded spec inside a query's splice: the comment goes above the query",
        scala("""
            val q = s\"\"\"SELECT user_id
                       |FROM ${spec("legacy-proj:music.plays_v1")}\"\"\".stripMargin
            val ms = row.get("ms_played")
        """),
        scala(f"""
            {NESTED}
            val q = s\"\"\"SELECT user_id
                       |FROM ${{spec("legacy-proj:music.plays_v1")}}\"\"\".stripMargin
            val ms = row.get("ms_played")
        """),
    ),
    (
        "typed fromQuery: guardrail above the annotation, query untouched",
        scala("""
            @BigQueryType.fromQuery(
              "SELECT user_id, ms_played, country FROM `legacy-proj.music.plays_v1`")
            class Row

            rows.map(r => r.ms_played + r.country.length)
        """),
        scala(f"""
            {TYPED_QUERY}
            @BigQueryType.fromQuery(
              "SELECT user_id, ms_played, country FROM `legacy-proj.music.plays_v1`")
            class Row

            rows.map(r => r.ms_played + r.country.length)
        """),
    ),
    (
        "typed fromTable: guardrail above the annotation, literal untouched",
        scala("""
            import com.spotify.scio.bigquery.types.BigQueryType

            @BigQueryType.fromTable("legacy-proj:music.plays_v1")
            class Play

            val minutes = sc.typedBigQuery[Play]().map(_.ms_played / 60000)
        """),
        scala(f"""
            import com.spotify.scio.bigquery.types.BigQueryType

            {TYPED_ACCESSED}
            @BigQueryType.fromTable("legacy-proj:music.plays_v1")
            class Play

            val minutes = sc.typedBigQuery[Play]().map(_.ms_played / 60000)
        """),
    ),
    (
        "typed fromTable without field accesses lists every changed column",
        scala("""
            object Schemas {
              @com.spotify.scio.bigquery.types.BigQueryType.fromTable(
                "legacy-proj.music.plays_v1")
              class Play
            }
        """),
        scala(f"""
            object Schemas {{
              {TYPED_ALL}
              @com.spotify.scio.bigquery.types.BigQueryType.fromTable(
                "legacy-proj.music.plays_v1")
              class Play
            }}
        """),
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rewrite(source: str, expected: str) -> None:
    assert migrate(source) == expected


@pytest.mark.parametrize("source", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_idempotent(source: str) -> None:
    once = migrate(source)
    assert migrate(once) == once
    assert rewrite_scala(once, CAMPAIGN).edits == []


def test_references_and_kinds() -> None:
    source = scala("""
        val a = Table.Spec("legacy-proj:music.plays_v1")
        val b = "legacy-proj:music.plays_v*"
        val c = "SELECT user_id FROM legacy-proj.music.plays_v1\\tWHERE platform = 'ios'"

        @BigQueryType.fromTable("legacy-proj.music.plays_v1")
        class Play
    """)
    found = [(ref.kind, ref.text) for ref in rewrite_scala(source, CAMPAIGN).references]
    assert sorted(found) == sorted(
        [
            (ReferenceKind.TABLE_SPEC, "legacy-proj:music.plays_v1"),
            (ReferenceKind.WILDCARD, "legacy-proj:music.plays_v*"),
            (ReferenceKind.TABLE, "legacy-proj.music.plays_v1"),
            (ReferenceKind.TYPED, "legacy-proj.music.plays_v1"),
        ]
    )


SCALA_PIECES = [
    '"',
    '"""',
    "'",
    "'\"'",
    "/*",
    "*/",
    "//",
    "\n",
    "  |",
    "$",
    "${",
    "}",
    "\\",
    "s",
    "x",
    " + ",
    " + day + ",
    '""',
    ".stripMargin",
    '"legacy-proj:music.plays_v1"',
    "legacy-proj.music.plays_v1",
    "SELECT ms_played, country FROM `legacy-proj.music.plays_v1`",
    "@BigQueryType.fromQuery(",
    ")",
    '"ms_played"',
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SCALA_PIECES), max_size=30).map("".join))
def test_any_text_gives_a_consistent_rewrite(source: str) -> None:
    rewrite = rewrite_scala(source, CAMPAIGN)
    for edit in rewrite.edits:
        assert 0 <= edit.start <= edit.end <= len(source)
    for reference in rewrite.references:
        assert source[reference.start : reference.end] == reference.text
    migrate(source)  # overlapping edits would raise


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SCALA_PIECES), max_size=30).map("".join))
def test_any_text_is_migrated_idempotently(source: str) -> None:
    once = migrate(source)
    assert migrate(once) == once


def test_replacements_are_spelled_for_their_literal() -> None:
    data = CAMPAIGN.model_dump()
    data["tables"][0]["columns"]["platform"] = 'COALESCE(platform, "web")'
    campaign = Campaign.model_validate(data)
    source = scala("""
        val q = raw"SELECT platform FROM legacy-proj.music.plays_v1"
        val p = "SELECT platform FROM legacy-proj.music.plays_v1"
    """)
    rewrite = rewrite_scala(source, campaign)
    rendered = render(
        source, rewrite.edits, rewrite.guardrails, syntax=SCALA_COMMENT, guide=campaign.guide
    )
    assert rendered.text == scala(f"""
        {godwit('the rewritten query cannot be written into this raw"..." literal')}
        val q = raw"SELECT platform FROM legacy-proj.music.plays_v1"
        val p = "SELECT COALESCE(platform, \\"web\\") AS platform FROM core-proj.music.plays_v2"
    """)
