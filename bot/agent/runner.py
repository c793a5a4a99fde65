"""The tool-use loop: send, run the tools the model asked for, send their results, repeat.

The loop ends when the model finishes, stops on its own, or a budget is spent;
an API error that outlives the SDK's retries ends it too. Either way the
caller gets what was spent and why it stopped, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anthropic
from anthropic.types import (
    ContentBlockParam,
    Message,
    MessageParam,
    TextBlockParam,
    ToolResultBlockParam,
    UserMessageParam,
)

from bot.agent.budget import TaskBudget
from bot.agent.fencing import redact
from bot.agent.prompt import Prefix, cache_marker
from bot.agent.settings import AgentSettings
from bot.agent.tools import Workspace
from bot.agent.usage import TokenUsage


@dataclass(frozen=True)
class RunResult:
    stop_reason: str  # finished, end_turn, max_tokens, max_turns, max_output_tokens, api_error, ...
    summary: str
    usage: TokenUsage
    turns: int


def make_client(settings: AgentSettings) -> anthropic.Anthropic:
    """An SDK client from the settings; only called when the agent is enabled."""
    if settings.api_key is None:
        raise ValueError("the agent is not enabled: no Anthropic API key")
    return anthropic.Anthropic(
        api_key=settings.api_key.get_secret_value(),
        base_url=settings.base_url,
        max_retries=settings.max_retries,
        timeout=settings.timeout_s,
    )


def _with_breakpoint(messages: list[MessageParam], settings: AgentSettings) -> list[MessageParam]:
    """The conversation with one cache breakpoint on its last block.

    Each request then writes the conversation so far, and the next request,
    which extends it, reads it back: only the newest turn is paid in full.
    Older messages carry no marker, so prefix plus conversation never exceed
    the API's limit of four breakpoints. A conversation shorter than the model's
    minimum cacheable length (``bot.agent.caching``) is not written; the marker
    stays anyway, since the API charges nothing for it.
    """
    *earlier, last = messages
    blocks: list[Any] = list(last["content"])
    blocks[-1] = {**blocks[-1], "cache_control": cache_marker(settings.cache_ttl)}
    marked: UserMessageParam = {"role": "user", "content": blocks}
    return [*earlier, marked]


def _assistant_blocks(message: Message) -> list[ContentBlockParam]:
    """The reply as request blocks, to send back in the next turn."""
    blocks: list[ContentBlockParam] = []
    for block in message.content:
        if block.type == "text":
            blocks.append({"type": "text", "text": block.text})
        elif block.type == "tool_use":
            blocks.append(
                {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
            )
    return blocks


def _run_tools(message: Message, workspace: Workspace) -> list[ToolResultBlockParam]:
    results: list[ToolResultBlockParam] = []
    for block in message.content:
        if block.type != "tool_use":
            continue
        arguments = block.input if isinstance(block.input, dict) else {}
        outcome = workspace.call(block.name, arguments)
        result: ToolResultBlockParam = {
            "type": "tool_result",
            "tool_use_id": block.id,
            "content": outcome.content,
        }
        if outcome.is_error:
            result["is_error"] = True
        results.append(result)
    return results


def _text(message: Message) -> str:
    return "\n".join(block.text for block in message.content if block.type == "text").strip()


def run_agent(
    client: anthropic.Anthropic,
    settings: AgentSettings,
    prefix: Prefix,
    task_text: str,
    workspace: Workspace,
) -> RunResult:
    """Run one task to its end; every request starts with ``prefix``, byte for byte."""
    first: TextBlockParam = {"type": "text", "text": redact(task_text, settings.secrets())}
    messages: list[MessageParam] = [{"role": "user", "content": [first]}]
    budget = TaskBudget(settings.max_turns, settings.max_output_tokens_per_task)
    usage = TokenUsage()
    text = ""
    while True:
        exhausted = budget.exhausted()
        if exhausted is not None:
            return RunResult(exhausted, text, usage, budget.turns)
        try:
            message = client.messages.create(
                model=settings.model,
                max_tokens=budget.response_limit(settings.max_tokens),
                tools=prefix.tools,
                system=prefix.system,
                messages=_with_breakpoint(messages, settings),
            )
        except anthropic.APIError as error:
            reason = redact(str(error), settings.secrets())
            return RunResult("api_error", reason, usage, budget.turns)
        usage += TokenUsage.of_response(message.usage)
        budget.spend(message.usage.output_tokens)
        text = _text(message) or text
        messages.append({"role": "assistant", "content": _assistant_blocks(message)})
        if message.stop_reason != "tool_use":
            return RunResult(str(message.stop_reason), text, usage, budget.turns)
        messages.append({"role": "user", "content": _run_tools(message, workspace)})
        if workspace.summary is not None:
            return RunResult("finished", workspace.summary, usage, budget.turns)
