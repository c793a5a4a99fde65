"""The engine cases' campaigns: the contract's example (``plays-v2``) and its variants."""

from __future__ import annotations

from bot.spec import Campaign, TableMapping
from tests.support.campaigns import PLAYS_V2, plays_v2

CAMPAIGNS: dict[str, Campaign] = {
    "plays-v2": plays_v2(),
    "no-schema": plays_v2(old_columns=None, new_columns=None),
    "new-schema-only": plays_v2(old_columns=None),
    "same-project": plays_v2(new="legacy-proj.core.plays_v2"),
    "arithmetic": plays_v2(
        columns={"ms_played": "end_ms - start_ms"},
        new_columns={"user_id": "STRING", "end_ms": "INT64", "start_ms": "INT64"},
        old_columns=["user_id", "ms_played"],
    ),
    "sessions": plays_v2(
        old_columns=[*PLAYS_V2["tables"][0]["old_columns"], "sessions"],
        new_columns={
            **PLAYS_V2["tables"][0]["new_columns"],
            "sessions": "ARRAY<STRUCT<device STRING, started_at TIMESTAMP>>",
        },
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
