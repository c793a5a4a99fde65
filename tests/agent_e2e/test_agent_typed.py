"""Typed Scio migrations made by a scripted model, kept by the checks and committed.

The Scio repository gets a second typed pipeline (nested and expression fields)
and a JobTest that builds its rows. The model migrates the first pipeline by
rewriting its annotation as a query with aliases (no Scala change), the second
field by field on ``fromTable`` of the new table, and rebuilds the test's rows for
the new schema; Godwit commits all three in the PR's second commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.agent.fencing import unnumbered
from bot.sandbox.anthropic import RecordedRequest, Reply, tool_use
from tests.agent_e2e.conftest import API_KEY, AgentWorld, Conversations, started_world

SCIO = "acme-scio-pipelines"
TYPED = "src/main/scala/com/acme/pipelines/ListeningMinutes.scala"
COUNTRY = "src/main/scala/com/acme/pipelines/CountryMinutes.scala"
COUNTRY_TEST = "src/test/scala/com/acme/pipelines/CountryMinutesTest.scala"
OLD_TABLE = '  @BigQueryType.fromTable("legacy-proj:music.plays_v1")'
ALIASED = (
    '  @BigQueryType.fromQuery("SELECT user_id, duration_ms AS ms_played '
    'FROM `core-proj.music.plays_v2`")'
)
NEW_TABLE = '  @BigQueryType.fromTable("core-proj:music.plays_v2")'
COUNTRY_SOURCE = f"""package com.acme.pipelines

import com.spotify.scio.ContextAndArgs
import com.spotify.scio.bigquery._
import com.spotify.scio.bigquery.types.BigQueryType
import java.time.ZoneOffset

/** Listening minutes per country since 2024. */
object CountryMinutes {{
{OLD_TABLE}
  class Listen

  def main(cmdlineArgs: Array[String]): Unit = {{
    val (sc, args) = ContextAndArgs(cmdlineArgs)
    sc.typedBigQuery[Listen]()
      .filter(r => r.played_date.exists(_.getYear >= 2024))
      .map(r => (r.country.getOrElse("??"), r.ms_played.getOrElse(0L)))
      .sumByKey
      .saveAsTextFile(args("output"))
    sc.run()
  }}
}}
"""
OLD_ROW = (
    'Listen(Some("u1"), Some("t1"), Some(60000L), Some(LocalDate.of(2024, 1, 1)), '
    'Some("SE"), Some(false), Some("ios"))'
)
NEW_ROW = (
    'Listen(Some("u1"), Some("t1"), Some(60000L), '
    'Some(Instant.parse("2024-01-01T00:00:00Z")), Some(Geo(Some("SE"))), Some("ios"))'
)
TEST_SOURCE = f"""package com.acme.pipelines

import com.spotify.scio.testing._
import com.acme.pipelines.CountryMinutes.Listen

class CountryMinutesTest extends PipelineSpec {{
  "CountryMinutes" should "sum minutes per country" in {{
    JobTest[CountryMinutes.type]
      .args("--output=out")
      .input(BigQueryIO[Listen]("input"), Seq({OLD_ROW}))
      .output(TextIO("out"))(_ should containSingleValue("(SE,60000)"))
      .run()
  }}
}}
"""
YEAR = "r.played_at.exists(_.atZone(ZoneOffset.UTC).getYear >= 2024)"
FIELDS = (
    ("r.played_date.exists(_.getYear >= 2024)", YEAR),
    ('r.country.getOrElse("??")', 'r.geo.flatMap(_.country_code).getOrElse("??")'),
    ("r.ms_played.getOrElse(0L)", "r.duration_ms.getOrElse(0L)"),
)
SUMMARY = "ListeningMinutes reads an aliased query; CountryMinutes reads plays_v2 field by field."


def _replace_guarded(path: str, old: str, new: str) -> Callable[[RecordedRequest], Reply]:
    """After reading ``path``: the guardrail and the annotation under it become ``new``."""

    def turn(request: RecordedRequest) -> Reply:
        content = unnumbered(request.tool_result_text())
        guardrail = next(line for line in content.splitlines() if "// godwit:" in line)
        return Reply.of(
            tool_use("propose_edit", path=path, old_string=f"{guardrail}\n{old}", new_string=new)
        )

    return turn


def _scripts(conversations: Conversations) -> None:
    edits = [
        Reply.of(tool_use("propose_edit", path=COUNTRY, old_string=old, new_string=new))
        for old, new in FIELDS
    ]
    conversations.add(
        ("Task: migrate", COUNTRY, COUNTRY_TEST),
        [
            Reply.of(tool_use("read_file", path=TYPED)),
            _replace_guarded(TYPED, OLD_TABLE, ALIASED),
            Reply.of(tool_use("read_file", path=COUNTRY)),
            _replace_guarded(COUNTRY, OLD_TABLE, NEW_TABLE),
            *edits,
            Reply.of(
                tool_use("propose_edit", path=COUNTRY_TEST, old_string=OLD_ROW, new_string=NEW_ROW)
            ),
            Reply.of(tool_use("run_verifier")),
            Reply.of(tool_use("finish", summary=SUMMARY)),
        ],
    )


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentWorld]:
    pushed = {SCIO: {COUNTRY: COUNTRY_SOURCE, COUNTRY_TEST: TEST_SOURCE}}
    yield from started_world(tmp_path_factory.mktemp("typed"), API_KEY, _scripts, pushed)


def _without_guardrail(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if "// godwit:" not in line)


def test_typed_migrations_are_accepted_and_committed(agent: AgentWorld) -> None:
    number = agent.pull(SCIO)
    first, second = agent.commits(SCIO, number)
    assert second.parents == (first.sha,)
    assert SUMMARY in second.message
    typed = agent.file(SCIO, second.sha, TYPED)
    assert typed == _without_guardrail(agent.file(SCIO, first.sha, TYPED)).replace(
        OLD_TABLE, ALIASED
    )
    expected = COUNTRY_SOURCE.replace(OLD_TABLE, NEW_TABLE)
    for old, new in FIELDS:
        expected = expected.replace(old, new)
    assert agent.file(SCIO, second.sha, COUNTRY) == expected
    assert agent.file(SCIO, second.sha, COUNTRY_TEST) == TEST_SOURCE.replace(OLD_ROW, NEW_ROW)
    assert agent.target(SCIO).guardrails == 0
    [task] = agent.agent_tasks(SCIO)
    assert (task.kind, task.stop_reason, task.commit_sha) == ("migrate", "finished", second.sha)
    assert task.usage["tasks"] == 1
    # Every edit was accepted as made: the model never got a tool error.
    requests = agent.conversations.requests_for(agent.fake, COUNTRY) if agent.fake else []
    errors = [
        result
        for request in requests
        for result in request.tool_results()
        if result.get("is_error")
    ]
    assert errors == []
