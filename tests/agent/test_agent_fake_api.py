"""The fake Messages API, driven through the real SDK over HTTP, and its cache accounting."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import pytest
from anthropic.types import TextBlockParam

from bot.sandbox.anthropic import (
    FakeAnthropicServer,
    Fault,
    RecordedRequest,
    Reply,
    ScriptedModel,
    serve_anthropic,
    text,
    tool_use,
)
from bot.sandbox.anthropic.cache import PromptCache, approx_tokens
from tests.agent.conftest import API_KEY, client_for

MODEL = "claude-sonnet-4-6"
LONG = "x" * 8000  # 2,000 tokens: above the 1,024-token minimum for caching


def _system() -> list[TextBlockParam]:
    return [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]


def test_wrong_key_is_401(fake: FakeAnthropicServer) -> None:
    client = anthropic.Anthropic(api_key="sk-wrong", base_url=fake.url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        client.messages.create(
            model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert [r.status for r in fake.model.requests] == [401]
    assert fake.model.requests[0].headers["authorization"] == "Bearer sk-wrong"


def test_x_api_key_header_is_accepted(fake: FakeAnthropicServer) -> None:
    fake.model.script([Reply.of(text("hello"))])
    response = httpx.post(
        f"{fake.url}/v1/messages",
        headers={"x-api-key": API_KEY, "anthropic-version": "2023-06-01"},
        json={"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 200
    assert response.json()["content"] == [{"type": "text", "text": "hello"}]
    assert response.json()["stop_reason"] == "end_turn"


def test_cache_written_then_read_across_requests(fake: FakeAnthropicServer) -> None:
    fake.model.script([Reply.of(text("a")), Reply.of(text("b"))])
    client = client_for(fake)
    messages: list[Any] = [{"role": "user", "content": "question"}]
    first = client.messages.create(model=MODEL, max_tokens=10, system=_system(), messages=messages)
    second = client.messages.create(model=MODEL, max_tokens=10, system=_system(), messages=messages)
    system_tokens = first.usage.cache_creation_input_tokens
    assert system_tokens is not None
    assert system_tokens >= 2000
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == system_tokens
    assert second.usage.cache_creation_input_tokens == 0
    assert first.usage.input_tokens == second.usage.input_tokens > 0


def test_too_many_breakpoints_is_rejected() -> None:
    with serve_anthropic(ScriptedModel(api_key=API_KEY)) as server:
        server.model.script([Reply.of(text("kept for the next request"))])
        blocks: list[TextBlockParam] = [
            {"type": "text", "text": f"part {i}", "cache_control": {"type": "ephemeral"}}
            for i in range(5)
        ]
        with pytest.raises(anthropic.BadRequestError, match="maximum of 4 blocks"):
            client_for(server).messages.create(
                model=MODEL,
                max_tokens=10,
                system=blocks,
                messages=[{"role": "user", "content": "q"}],
            )
        assert server.model.pending == 1


def test_tool_results_must_answer_the_tool_uses() -> None:
    with serve_anthropic(ScriptedModel(api_key=API_KEY)) as server:
        messages: list[Any] = [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": [tool_use("read_file", path="a.sql")]},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_other", "content": "x"}],
            },
        ]
        with pytest.raises(anthropic.BadRequestError, match="unknown tool_use id"):
            client_for(server, max_retries=0).messages.create(
                model=MODEL, max_tokens=10, messages=messages
            )
        assert server.model.failures == ["messages.2: tool_result for an unknown tool_use id"]


def test_dynamic_step_sees_the_request_and_faults_are_retried(fake: FakeAnthropicServer) -> None:
    seen: list[str] = []

    def echo(request: RecordedRequest) -> Reply:
        seen.append(request.last_blocks()[0]["text"])
        return Reply.of(text(f"you said {seen[-1]}"))

    fake.model.script([Fault(429, retry_after="0.01"), Fault(529, retry_after_ms="10"), echo])
    reply = client_for(fake, max_retries=2).messages.create(
        model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "ping"}]
    )
    assert reply.content[0].type == "text"
    assert reply.content[0].text == "you said ping"
    assert [r.status for r in fake.model.requests] == [429, 529, 200]
    assert seen == ["ping"]


def test_output_tokens_are_capped_by_max_tokens(fake: FakeAnthropicServer) -> None:
    fake.model.script([Reply.of(text("y" * 400), stop_reason="max_tokens")])
    reply = client_for(fake).messages.create(
        model=MODEL, max_tokens=20, messages=[{"role": "user", "content": "q"}]
    )
    assert reply.stop_reason == "max_tokens"
    assert reply.usage.output_tokens == 20


def test_prompt_cache_expires_and_ignores_short_prefixes() -> None:
    now = [0.0]
    cache = PromptCache(min_tokens=1024, clock=lambda: now[0])
    body: dict[str, Any] = {
        "model": MODEL,
        "system": _system(),
        "messages": [{"role": "user", "content": "q"}],
    }
    written = cache.account(body).cache_creation_input_tokens
    now[0] = 299.0
    assert cache.account(body).cache_read_input_tokens == written
    now[0] = 299.0 + 301.0  # the read refreshed the entry at 299 s; 5 minutes later it is gone
    assert cache.account(body).cache_read_input_tokens == 0
    short = {
        "model": MODEL,
        "system": [{"type": "text", "text": "short", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "q"}],
    }
    assert cache.account(short).cache_creation_input_tokens == 0
    assert cache.account(short).cache_read_input_tokens == 0
    other_model = {**body, "model": "claude-opus-4-6"}
    assert cache.account(other_model).cache_read_input_tokens == 0
    assert approx_tokens("abcde") == 2
