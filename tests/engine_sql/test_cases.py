"""Input/expected pairs from ``cases/*.sql``, one per rule of contract sections 2-4 and 6.

Each file is a list of cases: ``### title``, the input, ``>>>``, the expected
output after ``bot.engine.edits.render``. A first line ``campaign: NAME`` picks
a variant of the contract's example campaign from ``campaigns.CAMPAIGNS``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.edits import SQL_COMMENT, render
from bot.engine.sql import rewrite_sql
from tests.engine_sql.campaigns import CAMPAIGNS

CASES = Path(__file__).parent / "cases"


def _load() -> list[pytest.ParameterSet]:
    params: list[pytest.ParameterSet] = []
    for path in sorted(CASES.glob("*.sql")):
        text = path.read_text()
        campaign = "plays-v2"
        if text.startswith("campaign:"):
            header, text = text.split("\n", 1)
            campaign = header.split(":", 1)[1].strip()
        for block in text.split("### ")[1:]:
            title, body = block.split("\n", 1)
            given, expected = body.split(">>>\n")
            params.append(
                pytest.param(
                    campaign, given.rstrip("\n"), expected.rstrip("\n"), id=f"{path.stem}: {title}"
                )
            )
    return params


@pytest.mark.parametrize(("campaign", "given", "expected"), _load())
def test_rewrite(campaign: str, given: str, expected: str) -> None:
    chosen = CAMPAIGNS[campaign]
    result = rewrite_sql(given, chosen)
    rendered = render(
        given, result.edits, result.guardrails, syntax=SQL_COMMENT, guide=chosen.guide
    )
    assert rendered.text == expected
    again = rewrite_sql(rendered.text, chosen)
    assert again.edits == []
