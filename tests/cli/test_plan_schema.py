"""The documented JSON schema of ``godwit plan --json`` is the one the code produces."""

from __future__ import annotations

import json
from pathlib import Path

from bot.engine.report import PlanReport

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "plan.schema.json"


def test_committed_schema_matches_the_report_models() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == PlanReport.model_json_schema(), (
        "docs/plan.schema.json is stale: regenerate it with "
        "`uv run python -c 'import json; from bot.engine.report import PlanReport; "
        "print(json.dumps(PlanReport.model_json_schema(), indent=2))' > docs/plan.schema.json`"
    )
