"""The engine benchmark's fleet: its labels hold for the engine, so its counts mean something.

A small fleet of every repository kind is planned with the real engine. Every
file labelled a consumer must be planned with a change or a guardrail, no near
miss may be taken for a reference, and nothing unlabelled may change; the labels
themselves must cover the shapes the benchmark claims to exercise.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.engine.model import Action
from bot.engine.plan import FilePlan
from bot.engine.planner import plan_repository
from bot.spec import load_campaign

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def fleet_module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("fleet", BENCH / "fleet.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture(scope="module")
def planned(fleet_module: ModuleType) -> tuple[object, dict[tuple[str, str], FilePlan]]:
    # 20 repositories: two of each kind, near misses far denser than the default.
    fleet = fleet_module.generate(repos=20, files_per_repo=20, share=0.2, near_miss=0.25)
    campaign = load_campaign(fleet_module.CAMPAIGN_YAML)
    plans = {
        (repo, f.path): f
        for repo, files in fleet.repos.items()
        for f in plan_repository(campaign, files).files
    }
    return fleet, plans


def test_every_labelled_consumer_is_planned_with_a_change_or_a_guardrail(
    planned: tuple[object, dict[tuple[str, str], FilePlan]],
) -> None:
    fleet, plans = planned
    consumers = fleet.consumers  # type: ignore[attr-defined]
    assert len(consumers) > 40
    for key in sorted(consumers):
        assert key in plans, key
        assert plans[key].action in (Action.REWRITE, Action.GUARDRAIL), key


def test_no_near_miss_is_taken_for_a_reference(
    planned: tuple[object, dict[tuple[str, str], FilePlan]],
) -> None:
    fleet, plans = planned
    near_misses = fleet.near_misses  # type: ignore[attr-defined]
    assert len(near_misses) > 20
    for key in sorted(near_misses & plans.keys()):
        plan = plans[key]
        assert not plan.references, key
        assert not plan.changed, key
        assert not plan.guardrails, key


def test_only_labelled_consumers_change(
    planned: tuple[object, dict[tuple[str, str], FilePlan]],
) -> None:
    fleet, plans = planned
    changed = {key for key, plan in plans.items() if plan.changed}
    assert changed == fleet.consumers  # type: ignore[attr-defined]


def test_the_fleet_holds_every_pipeline_shape_and_its_sql(fleet_module: ModuleType) -> None:
    fleet = fleet_module.generate(repos=20, files_per_repo=20, share=0.2, near_miss=0.25)
    texts = [text for files in fleet.repos.values() for text in files.values()]
    for needle in (
        "@BigQueryType.fromTable",
        ".setTableId(",
        "bigQueryStorage(",
        'Query("""',
        "private val Source",
        "fromQuery(QUERY).usingStandardSql()",
        "@Default.String(",
        "static final String SOURCE_TABLE",
        "plays_v10",
        "archive.plays_v1",
    ):
        assert any(needle in text for text in texts), needle
    # Every consumer that carries SQL has its statements recorded for the parse floor.
    for repo, path in fleet.consumers:
        if path.endswith(".sql"):
            assert fleet.sql[(repo, path)], path
