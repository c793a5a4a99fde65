"""The contract's example campaign (``plays-v2``) as data, shared by the engine tests.

Every adapter is specified against this one campaign, so its tests build it from one place;
a test that needs something else states only the keys it changes.
"""

from __future__ import annotations

from typing import Any

from bot.spec import Campaign

GUIDE = "https://wiki.example.com/migrations/plays-v2"

PLAYS_V2: dict[str, Any] = {
    "id": "plays-v2",
    "title": "Move consumers of plays_v1 to plays_v2",
    "guide": GUIDE,
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


def plays_v2(**table: Any) -> Campaign:
    """The example campaign with some keys of its one table replaced (None removes a key)."""
    data = {**PLAYS_V2["tables"][0], **table}
    data = {key: value for key, value in data.items() if value is not None}
    return Campaign.model_validate({**PLAYS_V2, "tables": [data]})
