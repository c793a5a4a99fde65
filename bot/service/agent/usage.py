"""The agent's stored spending, in the shape the campaign dashboard shows."""

from __future__ import annotations

from bot.agent import CampaignUsage
from bot.campaigns.dashboard import AgentUsage
from bot.store.models import Target


def agent_usage_of(target: Target) -> AgentUsage | None:
    """What the agent spent on the target's repository; None before it ever ran there.

    The cost is None only when no task had a priced model, so a partly priced
    total still shows what is known.
    """
    if not target.usage:
        return None
    spent = CampaignUsage.from_dict(dict(target.usage))
    if spent.tasks == 0:
        return None
    return AgentUsage(
        input_tokens=spent.usage.input_tokens,
        output_tokens=spent.usage.output_tokens,
        cache_read_tokens=spent.usage.cache_read_tokens,
        cache_creation_tokens=spent.usage.cache_write_tokens,
        cost_usd=None if spent.unpriced_tasks == spent.tasks else spent.cost_usd,
    )
