"""What the agent would spend on a repository's guarded files, for ``godwit plan --json``.

What is counted and what is assumed:

- The first request of each file's task (tools, system prompt, mapping table,
  framework context and the real task prompt around the fenced file) is counted
  by the Messages API's ``count_tokens`` endpoint for the configured model when a
  key is configured and the endpoint answers; otherwise by four characters per
  token, which real tokenizers do not follow (``counted_by`` says which). The
  stable prefix is counted the same way with a one-character stand-in message,
  so it includes that message's few tokens.
- Everything after the first request is assumed: each file takes ``turns``
  requests, each answered with ``output_per_turn`` tokens and adding its output
  and a tool result of ``TOOL_RESULT_TOKENS`` to the conversation.
- Caching follows the runner's breakpoints (end of the stable prefix, end of the
  conversation) and the model's minimum cacheable length from
  ``bot.agent.caching``: the prefix is shared between files of one framework
  only when it is at least that long, and a conversation is read back on the
  next turn only when it is. A model missing from that table is assumed to need
  the largest listed minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol, cast

import anthropic
from anthropic.types import MessageCountTokensToolParam, MessageParam

from bot.agent.caching import approx_prompt_tokens, known_minimum, min_cacheable_tokens
from bot.agent.frameworks import framework_of
from bot.agent.prompt import Prefix, stable_prefix
from bot.agent.session import migrate_task_text
from bot.agent.settings import AgentSettings
from bot.agent.usage import TokenUsage, cost
from bot.engine.model import Framework
from bot.engine.plan import RepoPlan
from bot.spec import Campaign

TOOL_RESULT_TOKENS = 150
CountedBy = Literal["count_tokens", "estimated"]
_STAND_IN: list[MessageParam] = [{"role": "user", "content": "."}]


class TokenCounter(Protocol):
    """Input tokens of a request made of ``prefix`` and ``messages``."""

    @property
    def counted_by(self) -> CountedBy: ...

    def count(self, prefix: Prefix, messages: list[MessageParam]) -> int: ...


class ApproximateCounter:
    """Four characters of each block's JSON per token: the fallback, and the fake API's count."""

    counted_by: CountedBy = "estimated"

    def count(self, prefix: Prefix, messages: list[MessageParam]) -> int:
        body = {"tools": prefix.tools, "system": prefix.system, "messages": messages}
        return approx_prompt_tokens(body)


@dataclass(frozen=True)
class ApiTokenCounter:
    """The Messages API's ``count_tokens`` for one model: the tokens the API would bill."""

    client: anthropic.Anthropic
    model: str
    counted_by: CountedBy = "count_tokens"

    def count(self, prefix: Prefix, messages: list[MessageParam]) -> int:
        counted = self.client.messages.count_tokens(
            model=self.model,
            tools=cast(list[MessageCountTokensToolParam], prefix.tools),
            system=prefix.system,
            messages=messages,
        )
        return counted.input_tokens


def token_counter(settings: AgentSettings, client: anthropic.Anthropic | None) -> TokenCounter:
    """The endpoint when it answers for the configured model, else the approximation.

    One probe decides: a proxy without the endpoint, or a model it does not
    count, falls back rather than failing a plan.
    """
    if client is None:
        return ApproximateCounter()
    counter = ApiTokenCounter(client, settings.model)
    try:
        counter.client.messages.count_tokens(model=settings.model, messages=_STAND_IN)
    except anthropic.APIError:
        return ApproximateCounter()
    return counter


@dataclass(frozen=True)
class UsageEstimate:
    files: int
    usage: TokenUsage
    cost_usd: Decimal | None
    counted_by: CountedBy = "estimated"
    prefix_tokens: int = 0
    """The largest stable prefix of the files' frameworks."""
    min_cacheable_tokens: int = 0
    prefix_cached: bool = False
    """Whether every framework's prefix is long enough to be shared between files."""
    minimum_known: bool = True


def _file_usage(
    first: int, prefix: int, prefix_shared: bool, minimum: int, turns: int, output_per_turn: int
) -> TokenUsage:
    """One file's requests, split as the API would bill them under the runner's breakpoints."""
    step = output_per_turn + TOOL_RESULT_TOKENS
    usage = TokenUsage()
    previous = 0
    for turn in range(turns):
        total = first + turn * step
        cached = [prefix] if prefix_shared else []
        if turn and previous >= minimum:
            cached.append(previous)
        read = max(cached, default=0)
        marks = [tokens for tokens in (prefix, total) if tokens >= minimum]
        written = max([tokens - read for tokens in marks] + [0])
        usage += TokenUsage(total - read - written, output_per_turn, read, written, 1)
        previous = total
    return usage


def estimate_plan(
    campaign: Campaign,
    plan: RepoPlan,
    settings: AgentSettings,
    *,
    counter: TokenCounter | None = None,
    turns: int = 4,
    output_per_turn: int = 300,
) -> UsageEstimate:
    """Tokens and cost for the files of ``plan`` that carry judgment guardrails."""
    counter = counter or ApproximateCounter()
    snapshot = {f.path: f.new_text or f.original for f in plan.files}
    guarded = [f for f in plan.files if f.guardrails and f.framework is not Framework.DBT_SOURCES]
    minimum = min_cacheable_tokens(settings.model)
    usage = TokenUsage()
    prefixes: dict[Framework, int] = {}
    for file in guarded:
        framework = framework_of(file.path, snapshot)
        prefix = stable_prefix(campaign, framework, settings.cache_ttl)
        shared = framework in prefixes and prefixes[framework] >= minimum
        if framework not in prefixes:
            prefixes[framework] = counter.count(prefix, _STAND_IN)
        task = migrate_task_text({file.path: snapshot[file.path]})
        first = counter.count(
            prefix, [{"role": "user", "content": [{"type": "text", "text": task}]}]
        )
        usage += _file_usage(first, prefixes[framework], shared, minimum, turns, output_per_turn)
    return UsageEstimate(
        files=len(guarded),
        usage=usage,
        cost_usd=cost(usage, settings.price(), settings.cache_ttl),
        counted_by=counter.counted_by,
        prefix_tokens=max(prefixes.values(), default=0),
        min_cacheable_tokens=minimum,
        prefix_cached=bool(prefixes) and min(prefixes.values()) >= minimum,
        minimum_known=known_minimum(settings.model),
    )
