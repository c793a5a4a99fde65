"""Properties of planning Scala and Java repositories from arbitrary pieces of code."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.engine.planner import plan_repository
from tests.support.campaigns import plays_v2

CAMPAIGN = plays_v2()

JAVA_PIECES = [
    "class A { ",
    "}",
    "static final String T = ",
    '"legacy-proj:music.plays_v1"',
    '"""\nSELECT ms_played FROM `legacy-proj.music.plays_v1`\n"""',
    '"SELECT user_id FROM `legacy-proj.music.plays_v1`"',
    ".fromQuery(",
    ").usingStandardSql()",
    "BigQueryIO.readTableRows().from(",
    "T",
    ")",
    ";",
    " + ",
    'row.get("ms_played")',
    "new TableReference().setProjectId(",
    '"legacy-proj"',
    ").setDatasetId(",
    '"music"',
    ").setTableId(",
    '"plays_v1"',
    "// x\n",
    "/* ",
    " */",
    '"',
    "'\"'",
    "\n",
    "é",
]

SCALA_PIECES = [
    "object Tables { val P = ",
    "}",
    '"legacy-proj:music.plays_v1"',
    "sc.typedBigQueryTable[Row](Table.Spec(",
    "Tables.P",
    "P",
    ")",
    "\n",
    "case class Row(ms_played: Long)",
    'row.getString("track_uri")',
    ' + ":music.plays_v1"',
    "Project",
    's"${',
    '"',
    "🎵",
]


def _repository(java: str, scala: str) -> dict[str, str]:
    return {
        "src/main/java/A.java": java,
        "src/main/java/B.java": "class B { void f() { A.T.length(); } }\n",
        "src/main/scala/Tables.scala": scala,
        "src/main/scala/Use.scala": "object Use { val x = Tables.P }\n",
    }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(JAVA_PIECES), max_size=25).map("".join),
    st.lists(st.sampled_from(SCALA_PIECES), max_size=25).map("".join),
)
@example(  # a read ahead of a syntax error: the guardrail must not move what is followed
    java="",
    scala='row.getString("track_uri")"legacy-proj:music.plays_v1"\n'
    'object Tables { val P = "legacy-proj:music.plays_v1"',
)
def test_any_repository_plans_consistently_and_idempotently(java: str, scala: str) -> None:
    snapshot = _repository(java, scala)
    plan = plan_repository(CAMPAIGN, snapshot)
    for file in plan.files:
        for located in file.references:
            reference = located.reference
            assert file.original[reference.start : reference.end] == reference.text
    once = {**snapshot, **plan.changes}
    assert plan_repository(CAMPAIGN, once).changes == {}
