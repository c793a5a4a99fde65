"""The typed Scio pipeline of the example repository, migrated field by field over HTTP."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from anthropic.types import Usage

from bot.agent import AgentSettings, MigrateTask, migrate_files
from bot.agent.fencing import unnumbered
from bot.agent.usage import TokenUsage, cost
from bot.sandbox.anthropic import FakeAnthropicServer, RecordedRequest, Reply, text, tool_use
from tests.agent.conftest import TYPED, settings_for

OLD_ANNOTATION = '  @BigQueryType.fromTable("legacy-proj:music.plays_v1")'
NEW_ANNOTATION = '  @BigQueryType.fromTable("core-proj:music.plays_v2")'
FILTER_OLD = ".filter(r => r.ms_played.exists(_ >= 30000L))"
FILTER_NEW = ".filter(r => r.duration_ms.exists(_ >= 30000L))"
MAP_OLD = "r.ms_played.getOrElse(0L)"
MAP_NEW = "r.duration_ms.getOrElse(0L)"


def _point_annotation(request: RecordedRequest) -> Reply:
    """Reads the file it was given and replaces the guardrail and annotation together."""
    content = unnumbered(request.tool_result_text())
    assert content.startswith(f'<untrusted_file path="{TYPED}">')
    guardrail = next(line for line in content.splitlines() if "// godwit:" in line)
    old = f"{guardrail}\n{OLD_ANNOTATION}"
    return Reply.of(tool_use("propose_edit", path=TYPED, old_string=old, new_string=NEW_ANNOTATION))


def _results(fake: FakeAnthropicServer) -> list[tuple[bool, str]]:
    """(is_error, first line) of every tool result the agent sent, in order."""
    return [
        (bool(result.get("is_error")), str(result["content"]).splitlines()[0])
        for request in fake.model.requests
        for result in request.tool_results()
    ]


def test_typed_pipeline_migrated_field_by_field(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script(
        [
            Reply.of(text("Let me read the pipeline."), tool_use("read_file", path=TYPED)),
            _point_annotation,
            Reply.of(tool_use("run_verifier", path=TYPED)),
            # Wrong: this string occurs twice, so it is not a unique edit.
            Reply.of(
                tool_use(
                    "propose_edit", path=TYPED, old_string="r.ms_played", new_string="r.duration_ms"
                )
            ),
            Reply.of(
                tool_use("propose_edit", path=TYPED, old_string=FILTER_OLD, new_string=FILTER_NEW)
            ),
            Reply.of(tool_use("propose_edit", path=TYPED, old_string=MAP_OLD, new_string=MAP_NEW)),
            Reply.of(tool_use("run_verifier")),
            Reply.of(
                tool_use("finish", summary="Play now reads plays_v2; ms_played became duration_ms.")
            ),
        ]
    )
    outcome = migrate_files(typed_task, settings_for(fake))

    expected = (
        typed_task.repository[TYPED]
        .replace(OLD_ANNOTATION, NEW_ANNOTATION)
        .replace(FILTER_OLD, FILTER_NEW)
        .replace(MAP_OLD, MAP_NEW)
    )
    assert outcome.changes == {TYPED: expected}
    assert outcome.stop_reason == "finished"
    assert outcome.worth_committing
    assert outcome.rejected_edits == 1
    assert outcome.rejected_out_of_scope == 0
    assert outcome.summary == "Play now reads plays_v2; ms_played became duration_ms."
    assert outcome.commit_message is not None
    assert TYPED in outcome.commit_message
    assert _results(fake) == [
        (False, f'<untrusted_file path="{TYPED}">'),
        (False, f"edited {TYPED}; call run_verifier when your edits are complete"),
        (
            True,
            f"{TYPED}: "
            + "; ".join(
                f"line {line}: r.ms_played: rows Play of core-proj.music.plays_v2 have no field "
                "ms_played (fields: user_id, track_id, duration_ms, played_at, geo, platform); "
                "the campaign maps ms_played to duration_ms"
                for line in (20, 21)
            ),
        ),
        (True, f"rejected: old_string occurs 2 times in {TYPED}; it must occur exactly once"),
        (False, f"edited {TYPED}; call run_verifier when your edits are complete"),
        (False, f"edited {TYPED}; call run_verifier when your edits are complete"),
        (False, f"{TYPED}: passes"),
    ]  # the loop ends on finish: its result is never sent


def test_unverified_result_leaves_the_engine_text(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script(
        [
            Reply.of(tool_use("read_file", path=TYPED)),
            _point_annotation,
            Reply.of(tool_use("finish", summary="Done.")),
            Reply.of(tool_use("finish", summary="Done anyway.")),
        ]
    )
    outcome = migrate_files(typed_task, settings_for(fake))
    assert outcome.changes == {}
    assert outcome.commit_message is None
    assert not outcome.worth_committing
    refused = _results(fake)[2]
    assert refused[0] is True
    assert refused[1].startswith(
        f"these edited files fail verification and would be dropped: {TYPED}"
    )


def test_out_of_scope_edits_are_tool_errors_and_the_model_corrects_course(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    other = "src/main/scala/com/acme/pipelines/PlaysRowCount.scala"
    fake.model.script(
        [
            Reply.of(
                tool_use("propose_edit", path="build.sbt", old_string="scio", new_string="scio-x")
            ),
            Reply.of(tool_use("propose_edit", path=other, old_string="count", new_string="size")),
            Reply.of(
                tool_use(
                    "propose_edit",
                    path=TYPED,
                    old_string="Total listening minutes per user",
                    new_string="Listening minutes",
                )
            ),
            Reply.of(tool_use("read_file", path=TYPED)),
            _point_annotation,
            Reply.of(
                tool_use("propose_edit", path=TYPED, old_string=FILTER_OLD, new_string=FILTER_NEW)
            ),
            Reply.of(tool_use("propose_edit", path=TYPED, old_string=MAP_OLD, new_string=MAP_NEW)),
            Reply.of(tool_use("finish", summary="Migrated the typed rows.")),
        ]
    )
    outcome = migrate_files(typed_task, settings_for(fake))
    assert [error for error, _ in _results(fake)[:3]] == [True, True, True]
    assert _results(fake)[:3] == [
        (True, "rejected: build.sbt is build or CI configuration"),
        (True, f"rejected: {other} is not one of the files this task may change"),
        (
            True,
            f"rejected: {TYPED} line 7: the edit changes a comment that is not a guardrail "
            "('/** Listening minutes, skips excluded. */')",
        ),
    ]
    assert outcome.rejected_out_of_scope == 3
    assert set(outcome.changes) == {TYPED}
    assert "Listening minutes" not in outcome.changes[TYPED]


def test_stable_prefix_is_byte_identical_and_cached(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    second = "src/main/scala/com/acme/pipelines/SkipRate.scala"
    skip_rate = typed_task.files[TYPED].replace("ListeningMinutes", "SkipRate")
    fake.model.script(
        [
            Reply.of(tool_use("read_file", path=TYPED)),
            Reply.of(tool_use("finish", summary="Left the guardrail: needs a person.")),
            Reply.of(tool_use("finish", summary="Left the guardrail too.")),
        ]
    )
    settings = settings_for(fake)
    migrate_files(typed_task, settings)
    migrate_files(replace(typed_task, files={second: skip_rate}), settings)

    requests = fake.model.requests
    assert len(requests) == 3
    prefixes = {json.dumps([r.body["tools"], r.body["system"]]) for r in requests}
    assert len(prefixes) == 1
    system = requests[0].body["system"]
    assert [block.get("cache_control") for block in system] == [None, None, {"type": "ephemeral"}]
    assert "| ms_played | duration_ms | rename |" in system[1]["text"]
    assert (
        "| is_premium | (no equivalent) | no equivalent: leave a guardrail |" in system[1]["text"]
    )
    assert system[2]["text"].startswith("# Framework context: Scala / Scio pipelines")
    for request in requests:
        markers = json.dumps(request.body).count('"cache_control"')
        assert markers == 2  # the prefix's and the conversation's newest block
        last = request.body["messages"][-1]["content"][-1]
        assert last["cache_control"] == {"type": "ephemeral"}
    # The second task starts from the first task's cached prefix.
    first, third = requests[0].response, requests[2].response
    assert first is not None
    assert third is not None
    first_write = first["usage"]["cache_creation_input_tokens"]
    read_by_second_task = third["usage"]["cache_read_input_tokens"]
    prefix_tokens = len(prefixes.pop()) // 4
    assert first_write > prefix_tokens
    assert read_by_second_task >= prefix_tokens * 0.9


def test_cache_ttl_setting_reaches_every_breakpoint(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script([Reply.of(tool_use("finish", summary="Nothing to do."))])
    settings = settings_for(fake, cache_ttl="1h", model="claude-opus-4-6", max_tokens=2048)
    migrate_files(typed_task, settings)
    body = fake.model.requests[0].body
    assert body["model"] == "claude-opus-4-6"
    assert body["max_tokens"] == 2048
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert body["messages"][-1]["content"][-1]["cache_control"] == {
        "type": "ephemeral",
        "ttl": "1h",
    }


def test_usage_and_cost_add_up_from_the_responses(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script(
        [
            Reply.of(tool_use("read_file", path=TYPED)),
            Reply.of(tool_use("list_files")),
            Reply.of(tool_use("finish", summary="Needs a person."), output_tokens=120),
        ]
    )
    settings = settings_for(fake)
    outcome = migrate_files(typed_task, settings)
    expected = TokenUsage()
    for request in fake.model.requests:
        assert request.response is not None
        expected += TokenUsage.of_response(Usage.model_validate(request.response["usage"]))
    assert outcome.usage == expected
    assert outcome.usage.requests == 3
    assert outcome.usage.cache_read_tokens > 0
    assert outcome.cost_usd == cost(expected, settings.price(), "5m")
    assert outcome.cost_usd is not None
    assert outcome.cost_usd > Decimal(0)
    unpriced = AgentSettings(api_key=settings.api_key, base_url=fake.url, model="claude-x")
    fake.model.script([Reply.of(tool_use("finish", summary="ok"))])
    assert migrate_files(typed_task, unpriced).cost_usd is None
