"""Retries, the no-key path and budgets: the task always ends cleanly, with what it spent."""

from __future__ import annotations

from bot.agent import AgentSettings, MigrateTask, agent_enabled, migrate_files
from bot.sandbox.anthropic import FakeAnthropicServer, Fault, Reply, text, tool_use
from tests.agent.conftest import TYPED, settings_for


def test_rate_limits_and_overload_are_retried(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script(
        [
            Fault(429, retry_after="0.05"),
            Fault(529, retry_after_ms="20"),
            Reply.of(tool_use("finish", summary="Needs a person.")),
        ]
    )
    outcome = migrate_files(typed_task, settings_for(fake, max_retries=2))
    assert outcome.stop_reason == "finished"
    assert [r.status for r in fake.model.requests] == [429, 529, 200]
    assert fake.model.requests[0].body == fake.model.requests[2].body
    assert outcome.usage.requests == 1


def test_errors_beyond_the_retries_end_the_task(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script([Fault(500, retry_after_ms="1"), Fault(500, retry_after_ms="1")])
    outcome = migrate_files(typed_task, settings_for(fake, max_retries=1))
    assert outcome.stop_reason == "api_error"
    assert outcome.changes == {}
    assert [r.status for r in fake.model.requests] == [500, 500]


def test_without_a_key_the_agent_is_off(fake: FakeAnthropicServer, typed_task: MigrateTask) -> None:
    settings = AgentSettings(base_url=fake.url)
    assert not agent_enabled(settings)
    outcome = migrate_files(typed_task, settings)
    assert outcome.stop_reason == "disabled"
    assert outcome.changes == {}
    assert fake.model.requests == []
    assert outcome.reply.startswith("Godwit's coding agent is not enabled for this installation")
    assert "the deterministic engine" in outcome.reply
    assert "guardrail comments" in outcome.reply


def test_max_turns_stops_the_task(fake: FakeAnthropicServer, typed_task: MigrateTask) -> None:
    fake.model.script([Reply.of(tool_use("read_file", path=TYPED)) for _ in range(2)])
    outcome = migrate_files(typed_task, settings_for(fake, max_turns=2))
    assert outcome.stop_reason == "max_turns"
    assert len(fake.model.requests) == 2
    assert outcome.changes == {}


def test_output_token_budget_shrinks_requests_and_stops_the_task(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script([Reply.of(tool_use("list_files"), output_tokens=30) for _ in range(2)])
    settings = settings_for(fake, max_output_tokens_per_task=50)
    outcome = migrate_files(typed_task, settings)
    assert outcome.stop_reason == "max_output_tokens"
    assert [r.body["max_tokens"] for r in fake.model.requests] == [50, 20]
    assert outcome.usage.output_tokens == 50  # the fake caps output at max_tokens, as the API does


def test_a_truncated_answer_stops_the_task(
    fake: FakeAnthropicServer, typed_task: MigrateTask
) -> None:
    fake.model.script([Reply.of(text("I will now edit"), stop_reason="max_tokens")])
    outcome = migrate_files(typed_task, settings_for(fake))
    assert outcome.stop_reason == "max_tokens"
    assert outcome.changes == {}
    assert outcome.summary == "I will now edit"
