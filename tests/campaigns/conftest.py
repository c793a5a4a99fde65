"""Fixtures: the campaign of ``campaigns_data`` and its plan by the real engine."""

from __future__ import annotations

import pytest
from campaigns_data import CAMPAIGN_YAML, SNAPSHOT

from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.spec import Campaign, load_campaign


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign(CAMPAIGN_YAML)


@pytest.fixture(scope="session")
def plan(campaign: Campaign) -> RepoPlan:
    return plan_repository(campaign, SNAPSHOT)
