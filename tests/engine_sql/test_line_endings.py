"""Each file keeps its line endings and byte order mark (contract section 3.6).

The cases live here rather than in ``cases/*.sql``: those are read as text with
universal newlines, which would hide the very bytes these cases are about.
"""

from __future__ import annotations

import pytest

from bot.engine.planner import plan_repository
from tests.engine_sql.campaigns import CAMPAIGNS

GUARD = (
    "-- godwit: is_premium has no equivalent in core-proj.music.plays_v2; "
    "see https://wiki.example.com/migrations/plays-v2"
)
BOM = "\ufeff"

CASES = [
    pytest.param(
        "SELECT 1;\r\nSELECT user_id FROM `legacy-proj.music.plays_v1` WHERE is_premium;\r\n",
        f"SELECT 1;\r\n{GUARD}\r\n"
        "SELECT user_id FROM `legacy-proj.music.plays_v1` WHERE is_premium;\r\n",
        id="a CRLF file gets a CRLF guardrail line",
    ),
    pytest.param(
        "SELECT ms_played\r\nFROM `legacy-proj.music.plays_v1`;\r\n"
        "SELECT is_premium FROM `legacy-proj.music.plays_v1`",
        "SELECT duration_ms AS ms_played\r\nFROM `core-proj.music.plays_v2`;\r\n"
        f"{GUARD}\r\nSELECT is_premium FROM `legacy-proj.music.plays_v1`",
        id="a guardrail on a CRLF file's last line, which has no line ending, uses CRLF",
    ),
    pytest.param(
        f"{BOM}SELECT ms_played FROM `legacy-proj.music.plays_v1`\n",
        f"{BOM}SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2`\n",
        id="a file with a byte order mark parses and keeps it",
    ),
    pytest.param(
        f"{BOM}SELECT is_premium FROM `legacy-proj.music.plays_v1`\r\n",
        f"{BOM}{GUARD}\r\nSELECT is_premium FROM `legacy-proj.music.plays_v1`\r\n",
        id="a guardrail on the first line goes after the byte order mark",
    ),
    pytest.param(
        f"{BOM}{GUARD}\r\nSELECT is_premium FROM `legacy-proj.music.plays_v1`\r\n",
        f"{BOM}{GUARD}\r\nSELECT is_premium FROM `legacy-proj.music.plays_v1`\r\n",
        id="a guardrail after a byte order mark is not repeated",
    ),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_line_endings_and_byte_order_mark_are_kept(given: str, expected: str) -> None:
    campaign = CAMPAIGNS["plays-v2"]
    plan = plan_repository(campaign, {"jobs/report.sql": given})
    (planned,) = plan.files
    assert (planned.new_text or planned.original) == expected
    lines = expected.lstrip(BOM).splitlines()
    placed = [lines[g.line - 1] for g in planned.guardrails]
    assert placed == [g.comment for g in planned.guardrails]
    assert all(g.comment == GUARD for g in planned.guardrails)
    again = plan_repository(campaign, {"jobs/report.sql": expected})
    assert all(f.new_text is None for f in again.files)
