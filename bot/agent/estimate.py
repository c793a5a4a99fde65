"""What the agent would spend on a repository's guarded files, for ``godwit plan --json``.

An estimate from sizes, not a measurement: each guarded file is assumed to take
``turns`` requests of ``output_per_turn`` tokens, each turn adding its output
and a tool result to the conversation. The prefix is the real one, built for
the file's framework, and is written to the cache once per framework and read
afterwards, as the runner's breakpoints make it; the conversation is read back
each turn and only its newest part written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from bot.agent.frameworks import framework_of
from bot.agent.prompt import stable_prefix
from bot.agent.settings import AgentSettings
from bot.agent.usage import TokenUsage, cost
from bot.campaign import Campaign
from bot.engine.model import Framework
from bot.engine.plan import RepoPlan

TASK_OVERHEAD_TOKENS = 250  # the task prompt's own words around the fenced file
TOOL_RESULT_TOKENS = 150


@dataclass(frozen=True)
class UsageEstimate:
    files: int
    usage: TokenUsage
    cost_usd: Decimal | None


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def estimate_plan(
    campaign: Campaign,
    plan: RepoPlan,
    settings: AgentSettings,
    *,
    turns: int = 4,
    output_per_turn: int = 300,
) -> UsageEstimate:
    """Tokens and cost for the files of ``plan`` that carry judgment guardrails."""
    snapshot = {f.path: f.new_text or f.original for f in plan.files}
    guarded = [f for f in plan.files if f.guardrails and f.framework is not Framework.DBT_SOURCES]
    usage = TokenUsage()
    prefixes_written: set[Framework] = set()
    for file in guarded:
        framework = framework_of(file.path, snapshot)
        prefix = _tokens(stable_prefix(campaign, framework, settings.cache_ttl).text())
        step = output_per_turn + TOOL_RESULT_TOKENS
        conversation = _tokens(snapshot[file.path]) + TASK_OVERHEAD_TOKENS
        for turn in range(turns):
            fresh_prefix = framework not in prefixes_written
            prefixes_written.add(framework)
            written = (conversation if turn == 0 else step) + (prefix if fresh_prefix else 0)
            history = conversation + (turn - 1) * step if turn else 0
            read = (0 if fresh_prefix else prefix) + history
            usage += TokenUsage(0, output_per_turn, read, written, 1)
    return UsageEstimate(len(guarded), usage, cost(usage, settings.price(), settings.cache_ttl))
