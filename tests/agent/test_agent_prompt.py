"""The mapping table, context-file choice and the stable prefix."""

from __future__ import annotations

import pytest

from bot.agent.frameworks import framework_of
from bot.agent.prompt import mapping_rows, stable_prefix
from bot.engine.model import Framework
from bot.spec import Campaign
from tests.agent.conftest import EXAMPLE

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
