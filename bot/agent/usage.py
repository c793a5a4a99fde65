"""Tokens and dollars: per task from the API's own usage, summed per campaign.

Plain frozen data with ``to_dict``/``from_dict`` so the store can persist it
as JSON and the dashboard can add it up without knowing the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anthropic.types import Usage

from bot.agent.settings import CacheTtl, ModelPrice

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0  # uncached input
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    requests: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.requests + other.requests,
        )

    @classmethod
    def of_response(cls, usage: Usage) -> TokenUsage:
        return cls(
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_input_tokens or 0,
            usage.cache_creation_input_tokens or 0,
            1,
        )

    @property
    def prompt_tokens(self) -> int:
        """Every input token the model read, however it was billed."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def cache_read_share(self) -> float:
        return self.cache_read_tokens / self.prompt_tokens if self.prompt_tokens else 0.0


def cost(usage: TokenUsage, price: ModelPrice | None, ttl: CacheTtl) -> Decimal | None:
    """US dollars for ``usage``; None when the model has no price configured."""
    if price is None:
        return None
    write = price.cache_write_1h_factor if ttl == "1h" else price.cache_write_5m_factor
    input_units = (
        usage.input_tokens
        + usage.cache_write_tokens * write
        + usage.cache_read_tokens * price.cache_read_factor
    )
    total = input_units * price.input_per_mtok + usage.output_tokens * price.output_per_mtok
    return (Decimal(total) / _MILLION).quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class CampaignUsage:
    """What the agent spent on one campaign, across repositories and tasks."""

    campaign_id: str
    tasks: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost_usd: Decimal = Decimal(0)
    unpriced_tasks: int = 0  # tasks run on a model without a configured price

    def record(self, usage: TokenUsage, task_cost: Decimal | None) -> CampaignUsage:
        return CampaignUsage(
            self.campaign_id,
            self.tasks + 1,
            self.usage + usage,
            self.cost_usd + (task_cost or Decimal(0)),
            self.unpriced_tasks + (task_cost is None),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "tasks": self.tasks,
            "input_tokens": self.usage.input_tokens,
            "output_tokens": self.usage.output_tokens,
            "cache_read_tokens": self.usage.cache_read_tokens,
            "cache_write_tokens": self.usage.cache_write_tokens,
            "requests": self.usage.requests,
            "cost_usd": str(self.cost_usd),
            "unpriced_tasks": self.unpriced_tasks,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CampaignUsage:
        usage = TokenUsage(
            int(data["input_tokens"]),
            int(data["output_tokens"]),
            int(data["cache_read_tokens"]),
            int(data["cache_write_tokens"]),
            int(data["requests"]),
        )
        return cls(
            str(data["campaign_id"]),
            int(data["tasks"]),
            usage,
            Decimal(str(data["cost_usd"])),
            int(data["unpriced_tasks"]),
        )
