"""The fake API's ``count_tokens`` endpoint and per-model cache minimum, through the real SDK."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest
from anthropic.types import TextBlockParam, ToolParam

from bot.agent.caching import MIN_CACHEABLE_TOKENS, UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS
from bot.sandbox.anthropic import FakeAnthropicServer, Reply, ScriptedModel, serve_anthropic, text
from tests.agent.conftest import API_KEY, client_for

MODEL = "claude-sonnet-4-6"
TOOLS: list[ToolParam] = [
    {
        "name": "read_file",
        "description": "Read one file of the repository.",
        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
    }
]


def _system(chars: int) -> list[TextBlockParam]:
    return [{"type": "text", "text": "s" * chars, "cache_control": {"type": "ephemeral"}}]


def test_count_matches_what_the_messages_endpoint_then_bills(fake: FakeAnthropicServer) -> None:
    fake.model.script([Reply.of(text("done"))])
    client = client_for(fake)
    messages: list[Any] = [{"role": "user", "content": [{"type": "text", "text": "q" * 900}]}]
    request: dict[str, Any] = {"model": MODEL, "tools": TOOLS, "system": _system(6000)}
    counted = client.messages.count_tokens(messages=messages, **request)
    assert fake.model.pending == 1  # counting uses up no scripted answer
    reply = client.messages.create(max_tokens=10, messages=messages, **request)
    usage = reply.usage
    billed = (
        usage.input_tokens
        + (usage.cache_creation_input_tokens or 0)
        + (usage.cache_read_input_tokens or 0)
    )
    assert counted.input_tokens == billed
    assert [r.status for r in fake.model.token_counts] == [200]
    assert fake.model.token_counts[0].body["tools"][0]["name"] == "read_file"


def test_count_grows_with_the_request(fake: FakeAnthropicServer) -> None:
    client = client_for(fake)

    def count(chars: int) -> int:
        messages: list[Any] = [{"role": "user", "content": "w" * chars}]
        return client.messages.count_tokens(model=MODEL, messages=messages).input_tokens

    short, long = count(10), count(4010)
    assert short > 0
    assert long - short == 1000  # four characters a token, the approximation the fake uses


def test_count_refuses_what_the_api_refuses() -> None:
    with serve_anthropic(ScriptedModel(api_key=API_KEY)) as server:
        wrong = anthropic.Anthropic(api_key="sk-wrong", base_url=server.url, max_retries=0)
        with pytest.raises(anthropic.AuthenticationError):
            wrong.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "q"}])
        client = client_for(server, max_retries=0)
        with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
            client.messages.count_tokens(
                model=MODEL,
                messages=[{"role": "user", "content": "q"}],
                extra_body={"max_tokens": 10},
            )
        with pytest.raises(anthropic.BadRequestError, match="roles must alternate"):
            client.messages.count_tokens(
                model=MODEL, messages=[{"role": "assistant", "content": "q"}]
            )
        assert [r.status for r in server.model.token_counts] == [401, 400, 400]
        assert server.model.requests == []


@pytest.mark.parametrize(
    ("model", "minimum"),
    [
        ("claude-sonnet-4-6", 1024),
        ("claude-opus-4-6", 4096),
        ("claude-haiku-4-5-20251001", 4096),
        ("claude-3-5-haiku", 2048),
        ("claude-unlisted-9", UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS),
    ],
)
def test_fake_caches_from_each_models_minimum(model: str, minimum: int) -> None:
    """A prefix just under the model's minimum is not cached; one just over it is."""
    assert max(MIN_CACHEABLE_TOKENS.values()) == UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS
    with serve_anthropic(ScriptedModel(api_key=API_KEY)) as server:
        server.model.responder = lambda _request: Reply.of(text("ok"))
        client = client_for(server)
        messages: list[Any] = [{"role": "user", "content": "q"}]
        written: dict[str, int] = {}
        for label, tokens in (("under", minimum - 50), ("over", minimum + 50)):
            system = _system(tokens * 4)
            counted = client.messages.count_tokens(model=model, system=system, messages=messages)
            reply = client.messages.create(
                model=model, max_tokens=5, system=system, messages=messages
            )
            written[label] = reply.usage.cache_creation_input_tokens or 0
            assert counted.input_tokens >= reply.usage.input_tokens + written[label]
        assert written["under"] == 0
        assert written["over"] >= minimum
