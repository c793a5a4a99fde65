"""The estimate: counted by ``count_tokens`` if it can be, cached by each model's minimum."""

from __future__ import annotations

import anthropic
import pytest
from anthropic.types import Usage

from bot.agent import AgentSettings, MigrateTask, migrate_files
from bot.agent.caching import (
    UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS,
    known_minimum,
    min_cacheable_tokens,
)
from bot.agent.estimate import estimate_plan, token_counter
from bot.agent.usage import TokenUsage, cost
from bot.engine.planner import plan_repository
from bot.sandbox.anthropic import FakeAnthropicServer, Reply, tool_use
from bot.spec import Campaign
from tests.agent.conftest import TYPED, client_for, settings_for


@pytest.mark.parametrize(
    ("model", "minimum", "known"),
    [
        ("claude-sonnet-4-6", 1024, True),
        ("claude-sonnet-4-5-20250929", 1024, True),
        ("claude-opus-4-6", 4096, True),
        ("claude-opus-4-5-20251101", 4096, True),
        ("claude-haiku-4-5", 4096, True),
        ("claude-opus-4-20250514", 1024, True),
        ("claude-3-haiku", 2048, True),
        ("claude-opus-4-7", UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS, False),
    ],
)
def test_each_model_has_one_minimum(model: str, minimum: int, known: bool) -> None:
    assert min_cacheable_tokens(model) == minimum
    assert known_minimum(model) is known


def test_first_request_is_counted_as_the_runner_then_sends_it(
    fake: FakeAnthropicServer, campaign: Campaign, scio_repo: dict[str, str]
) -> None:
    """One turn estimated through ``count_tokens`` equals the usage of the real first request."""
    plan = plan_repository(campaign, scio_repo)
    settings = settings_for(fake)
    counter = token_counter(settings, client_for(fake))
    estimate = estimate_plan(campaign, plan, settings, counter=counter, turns=1)
    assert estimate.counted_by == "count_tokens"
    assert len(fake.model.token_counts) >= 3  # the probe, the prefix, the file's first request

    fake.model.script([Reply.of(tool_use("finish", summary="nothing to change"))])
    files = {f.path: f.new_text or f.original for f in plan.files if f.guardrails}
    assert list(files) == [TYPED]
    migrate_files(MigrateTask(campaign, files, scio_repo), settings)
    (sent,) = fake.model.requests
    assert sent.response is not None
    billed = TokenUsage.of_response(Usage.model_validate(sent.response["usage"]))
    assert estimate.usage.input_tokens == billed.input_tokens
    assert estimate.usage.cache_write_tokens == billed.cache_write_tokens > 0
    assert estimate.usage.cache_read_tokens == billed.cache_read_tokens == 0
    assert estimate.cost_usd == cost(estimate.usage, settings.price(), "5m")


def test_counter_falls_back_to_the_estimate_when_the_endpoint_refuses(
    fake: FakeAnthropicServer,
) -> None:
    settings = settings_for(fake)
    refused = anthropic.Anthropic(api_key="sk-wrong", base_url=fake.url, max_retries=0)
    assert token_counter(settings, refused).counted_by == "estimated"
    assert token_counter(settings, None).counted_by == "estimated"
    assert token_counter(settings, client_for(fake)).counted_by == "count_tokens"
    assert [r.status for r in fake.model.token_counts] == [401, 200]


def _with_twin(scio_repo: dict[str, str]) -> dict[str, str]:
    twin = TYPED.replace("ListeningMinutes", "SkipRate")
    return {**scio_repo, twin: scio_repo[TYPED].replace("ListeningMinutes", "SkipRate")}


def test_prefix_is_shared_only_when_the_model_caches_it(
    campaign: Campaign, scio_repo: dict[str, str]
) -> None:
    """The ~2,400-token prefix is shared on Sonnet 4.6 (1,024) but not on Opus 4.6 (4,096)."""
    plan = plan_repository(campaign, _with_twin(scio_repo))
    sonnet = estimate_plan(campaign, plan, AgentSettings(), turns=1)
    opus = estimate_plan(campaign, plan, AgentSettings(model="claude-opus-4-6"), turns=1)
    assert sonnet.files == opus.files == 2
    assert sonnet.counted_by == opus.counted_by == "estimated"
    assert 1024 < sonnet.prefix_tokens == opus.prefix_tokens < 4096
    assert sonnet.prefix_cached
    assert not opus.prefix_cached
    assert (sonnet.min_cacheable_tokens, opus.min_cacheable_tokens) == (1024, 4096)
    # Sonnet: the second file reads the prefix the first wrote; Opus caches nothing shared.
    assert sonnet.usage.cache_read_tokens == sonnet.prefix_tokens
    assert opus.usage.cache_read_tokens == 0
    assert sonnet.usage.prompt_tokens == opus.usage.prompt_tokens


def test_later_turns_read_the_conversation_back(
    campaign: Campaign, scio_repo: dict[str, str]
) -> None:
    plan = plan_repository(campaign, scio_repo)
    one = estimate_plan(campaign, plan, AgentSettings(), turns=1, output_per_turn=100)
    three = estimate_plan(campaign, plan, AgentSettings(), turns=3, output_per_turn=100)
    first = one.usage.prompt_tokens
    assert three.usage.requests == 3
    assert three.usage.output_tokens == 300
    # Turn 2 reads turn 1's conversation, turn 3 reads turn 2's.
    assert three.usage.cache_read_tokens == first + (first + 250)
    assert three.usage.cache_write_tokens == first + 250 + 250
