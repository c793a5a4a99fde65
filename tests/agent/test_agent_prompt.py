"""The mapping table, context-file choice and the cost estimate for ``godwit plan --json``."""

from __future__ import annotations

import math

import pytest

from bot.agent.estimate import TASK_OVERHEAD_TOKENS, TOOL_RESULT_TOKENS, estimate_plan
from bot.agent.frameworks import framework_of
from bot.agent.prompt import mapping_rows, stable_prefix
from bot.agent.settings import AgentSettings
from bot.agent.usage import cost
from bot.campaign import Campaign
from bot.engine.model import Framework
from bot.engine.planner import plan_repository
from tests.agent.conftest import EXAMPLE, TYPED

DBT = EXAMPLE / "repos" / "acme-dbt-analytics"


def test_mapping_rows_follow_the_campaign(campaign: Campaign) -> None:
    assert mapping_rows(campaign.tables[0]) == [
        {"column": "track_uri", "expression": "track_id", "kind": "rename"},
        {"column": "ms_played", "expression": "duration_ms", "kind": "rename"},
        {"column": "played_date", "expression": "DATE(played_at)", "kind": "expression"},
        {
            "column": "country",
            "expression": "geo.country_code",
            "kind": "nested field (a field of a record)",
        },
        {"column": "is_premium", "expression": None, "kind": "no equivalent: leave a guardrail"},
        {"column": "user_id", "expression": "user_id", "kind": "unchanged"},
        {"column": "platform", "expression": "platform", "kind": "unchanged"},
    ]


@pytest.mark.parametrize(
    ("path", "framework"),
    [
        ("models/staging/stg_plays.sql", Framework.DBT_MODEL),
        ("analyses/adhoc.sql", Framework.DBT_MODEL),
        ("src/main/scala/Job.scala", Framework.SCIO),
        ("jobs/daily/query.sql", Framework.BIGQUERY_SQL),
    ],
)
def test_framework_of(path: str, framework: Framework) -> None:
    snapshot = {"dbt_project.yml": (DBT / "dbt_project.yml").read_text(), "jobs/x.sql": ""}
    assert framework_of(path, snapshot if "jobs/" not in path else {}) is framework


def test_prefix_depends_only_on_campaign_and_framework(campaign: Campaign) -> None:
    scio = stable_prefix(campaign, Framework.SCIO, "5m")
    assert scio == stable_prefix(campaign, Framework.SCIO, "5m")
    assert scio.text() != stable_prefix(campaign, Framework.DBT_MODEL, "5m").text()
    assert scio.tools == stable_prefix(campaign, Framework.DBT_MODEL, "5m").tools
    assert [t["name"] for t in scio.tools] == [
        "read_file",
        "list_files",
        "propose_edit",
        "run_verifier",
        "insert_guardrail",
        "finish",
    ]


def test_estimate_writes_the_prefix_once_per_framework(
    campaign: Campaign, engine_output: dict[str, str], scio_repo: dict[str, str]
) -> None:
    twin = TYPED.replace("ListeningMinutes", "SkipRate")
    plan = plan_repository(campaign, {**scio_repo, twin: scio_repo[TYPED]})
    settings = AgentSettings()
    estimate = estimate_plan(campaign, plan, settings, turns=2, output_per_turn=100)
    prefix = math.ceil(len(stable_prefix(campaign, Framework.SCIO, "5m").text()) / 4)
    files = [f for f in plan.files if f.guardrails]
    conversations = [math.ceil(len(f.new_text or "") / 4) + TASK_OVERHEAD_TOKENS for f in files]
    step = 100 + TOOL_RESULT_TOKENS
    assert estimate.files == 2
    assert estimate.usage.requests == 4
    assert estimate.usage.output_tokens == 400
    assert estimate.usage.cache_write_tokens == prefix + sum(c + step for c in conversations)
    assert estimate.usage.cache_read_tokens == prefix * 3 + sum(conversations)
    assert estimate.cost_usd == cost(estimate.usage, settings.price(), "5m")
