"""Budgets, the per-pull-request rate limit, and token/cost accounting: pure decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from anthropic.types import Usage

from bot.agent.budget import RateDecision, TaskBudget, rate_limit
from bot.agent.settings import DEFAULT_PRICES
from bot.agent.usage import CampaignUsage, TokenUsage, cost

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _ago(minutes: int) -> datetime:
    return NOW - timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("started", "per_hour", "expected"),
    [
        ([], 2, RateDecision(True)),
        ([_ago(10)], 2, RateDecision(True)),
        ([_ago(50), _ago(10)], 2, RateDecision(False, _ago(50) + timedelta(hours=1))),
        ([_ago(70), _ago(61), _ago(10)], 2, RateDecision(True)),
        ([_ago(30), _ago(20), _ago(10)], 2, RateDecision(False, _ago(20) + timedelta(hours=1))),
        ([_ago(5)], 0, RateDecision(False)),
    ],
)
def test_rate_limit(started: list[datetime], per_hour: int, expected: RateDecision) -> None:
    assert rate_limit(started, NOW, per_hour) == expected


def test_task_budget_stops_on_turns_and_tokens() -> None:
    budget = TaskBudget(max_turns=3, max_output_tokens=1000)
    assert budget.response_limit(4096) == 1000
    budget.spend(600)
    assert budget.exhausted() is None
    assert budget.response_limit(4096) == 400
    budget.spend(400)
    assert budget.exhausted() == "max_output_tokens"
    turns = TaskBudget(max_turns=2, max_output_tokens=10_000)
    turns.spend(1)
    turns.spend(1)
    assert turns.exhausted() == "max_turns"


def test_usage_from_api_and_cost() -> None:
    usage = TokenUsage.of_response(
        Usage(
            input_tokens=1000,
            output_tokens=500,
            cache_creation_input_tokens=2000,
            cache_read_input_tokens=10_000,
        )
    )
    assert usage == TokenUsage(1000, 500, 10_000, 2000, 1)
    price = DEFAULT_PRICES["claude-sonnet-4-6"]
    # 1000*3 + 2000*3*1.25 + 10000*3*0.1 + 500*15 = 3000 + 7500 + 3000 + 7500 per million
    assert cost(usage, price, "5m") == Decimal("0.021000")
    # An hour's cache write costs twice the input price: 3000 + 12000 + 3000 + 7500.
    assert cost(usage, price, "1h") == Decimal("0.025500")
    assert cost(usage, None, "5m") is None
    assert usage.cache_read_share == pytest.approx(10_000 / 13_000)


def test_campaign_usage_aggregates_and_round_trips() -> None:
    total = CampaignUsage("plays-v2")
    total = total.record(TokenUsage(10, 20, 30, 40, 1), Decimal("0.5"))
    total = total.record(TokenUsage(1, 2, 3, 4, 2), None)
    assert total == CampaignUsage("plays-v2", 2, TokenUsage(11, 22, 33, 44, 3), Decimal("0.5"), 1)
    assert CampaignUsage.from_dict(total.to_dict()) == total
