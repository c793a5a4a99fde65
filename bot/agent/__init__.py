"""The coding agent: judgment the engine leaves to it, review replies and check fixes.

It acts only through a fixed set of tools, edits only within a deterministic
scope, and keeps only what the engine's verifier accepts. Without an Anthropic
API key it is off, and everything else in Godwit works as before.
"""

from bot.agent.budget import RateDecision, rate_limit
from bot.agent.estimate import UsageEstimate, estimate_plan
from bot.agent.session import (
    agent_enabled,
    disabled_outcome,
    fix_failing_checks,
    migrate_files,
    revise_from_review,
)
from bot.agent.settings import AgentSettings
from bot.agent.tasks import (
    AgentOutcome,
    Annotation,
    CheckFailure,
    CheckTask,
    MigrateTask,
    ReviewComment,
    ReviewTask,
    ThreadComment,
)
from bot.agent.usage import CampaignUsage, TokenUsage, cost

__all__ = [
    "AgentOutcome",
    "AgentSettings",
    "Annotation",
    "CampaignUsage",
    "CheckFailure",
    "CheckTask",
    "MigrateTask",
    "RateDecision",
    "ReviewComment",
    "ReviewTask",
    "ThreadComment",
    "TokenUsage",
    "UsageEstimate",
    "agent_enabled",
    "cost",
    "disabled_outcome",
    "estimate_plan",
    "fix_failing_checks",
    "migrate_files",
    "rate_limit",
    "revise_from_review",
]
