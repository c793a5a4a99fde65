"""The contract's plays-v2 campaign and a helper that applies a project rewrite."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.campaign import Campaign
from bot.engine.dbt import DbtProjectRewrite
from bot.engine.edits import JINJA_COMMENT, render

PLAYS_V2 = {
    "id": "plays-v2",
    "title": "Move consumers of plays_v1 to plays_v2",
    "guide": "https://wiki.example.com/migrations/plays-v2",
    "tables": [
        {
            "old": "legacy-proj.music.plays_v1",
            "new": "core-proj.music.plays_v2",
            "columns": {
                "track_uri": "track_id",
                "ms_played": "duration_ms",
                "played_date": "DATE(played_at)",
                "country": "geo.country_code",
                "is_premium": None,
            },
            "old_columns": [
                "user_id",
                "track_uri",
                "ms_played",
                "played_date",
                "country",
                "is_premium",
                "platform",
            ],
            "new_columns": {
                "user_id": "STRING",
                "track_id": "STRING",
                "duration_ms": "INT64",
                "played_at": "TIMESTAMP",
                "geo": "STRUCT<country_code STRING>",
                "platform": "STRING",
            },
        }
    ],
}


@pytest.fixture
def campaign() -> Campaign:
    return Campaign.model_validate(PLAYS_V2)


def apply(files: Mapping[str, str], result: DbtProjectRewrite, guide: str) -> dict[str, str]:
    """The repository after the rewrite, rendered the way the planner renders it."""
    out = dict(files)
    for path, rewrite in result.files.items():
        rendered = render(
            files[path], rewrite.edits, rewrite.guardrails, syntax=JINJA_COMMENT, guide=guide
        )
        out[path] = rendered.text
    return out
