"""The textual prefilter never rules out a file that could hold a reference."""

from __future__ import annotations

import pytest

from bot.engine.prefilter import may_reference, needle_pattern
from bot.spec import Campaign

CAMPAIGN = Campaign.model_validate(
    {
        "id": "plays-v2",
        "title": "Move to plays_v2",
        "guide": "https://wiki.example.com/migrations/plays-v2",
        "tables": [{"old": "legacy-proj.music.plays_v1", "new": "core-proj.music.plays_v2"}],
    }
)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM `legacy-proj.music.plays_v1`",
        "SELECT * FROM `legacy-proj`.`music`.`plays_v1`",
        "SELECT * FROM plays_v1",
        "SELECT * FROM `legacy-proj.music.plays_v1$20240101`",
        "SELECT * FROM `legacy-proj.music.plays_*`",
        "SELECT * FROM `music`.`plays*`",
        "SELECT * FROM music . pla*",
        'val spec = "legacy-proj:music.plays_v1"',
        "SELECT * FROM `legacy-proj.music.plays_v1*`",
        "SELECT * FROM `legacy-proj.music.plays_v1@-3600000`",
        "SELECT * FROM `legacy-proj.music.plays_v1-eu`",
        "{{ source('music', 'plays_v1') }}",
        's"$project:music.plays_v1"',
        '"plays_v1"',
        "plays_v1",
    ],
)
def test_every_spelling_of_a_reference_passes(text: str) -> None:
    assert may_reference(text, needle_pattern(CAMPAIGN))


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM core-proj.music.plays_v2",
        "SELECT * FROM `legacy-proj.music.tracks` WHERE n > 1 * 2",
        "SELECT COUNT(*) FROM music.albums",
        "",
        "SELECT * FROM `legacy-proj.music.plays_v10`",
        "SELECT * FROM `legacy-proj.music.plays_v1_backup`",
        "SELECT * FROM `legacy-proj.music.old_plays_v1`",
        'val spec = "legacy-proj:music.plays_v12"',
        "-- see replays_v1 and plays_v1x",
    ],
)
def test_text_without_a_needle_is_ruled_out(text: str) -> None:
    assert not may_reference(text, needle_pattern(CAMPAIGN))


def test_extra_needles_cover_dbt_source_names() -> None:
    pattern = needle_pattern(CAMPAIGN, extra_needles=["raw_plays"])
    assert may_reference("select * from {{ source('music', 'raw_plays') }}", pattern)
