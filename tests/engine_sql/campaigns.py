"""The contract's example campaign (``plays-v2``) and the variants some cases need."""

from __future__ import annotations

from typing import Any

from bot.campaign import Campaign, TableMapping

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


def variant(**table: Any) -> Campaign:
    """The example campaign with some keys of its one table replaced (None removes a key)."""
    data = {**PLAYS_V2["tables"][0], **table}
    data = {key: value for key, value in data.items() if value is not None}
    return Campaign.model_validate({**PLAYS_V2, "tables": [data]})


CAMPAIGNS: dict[str, Campaign] = {
    "plays-v2": Campaign.model_validate(PLAYS_V2),
    "no-schema": variant(old_columns=None, new_columns=None),
    "new-schema-only": variant(old_columns=None),
    "same-project": variant(new="legacy-proj.core.plays_v2"),
    "arithmetic": variant(
        columns={"ms_played": "end_ms - start_ms"},
        new_columns={"user_id": "STRING", "end_ms": "INT64", "start_ms": "INT64"},
        old_columns=["user_id", "ms_played"],
    ),
    # Validation rejects this campaign; built unvalidated, it shows that the
    # engine still verifies its own output instead of trusting its input.
    "typo": Campaign.model_construct(
        **{key: value for key, value in PLAYS_V2.items() if key != "tables"},
        tables=[
            TableMapping.model_construct(
                old="legacy-proj.music.plays_v1",
                new="core-proj.music.plays_v2",
                columns={"ms_played": "duration_msec"},
                old_columns=["user_id", "ms_played"],
                new_columns={"user_id": "STRING", "duration_ms": "INT64"},
            )
        ],
    ),
}
