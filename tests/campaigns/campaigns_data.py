"""Shared inputs of the campaign tests: a campaign and a snapshot the real engine plans."""

from __future__ import annotations

from datetime import UTC, datetime

CAMPAIGN_YAML = """\
id: plays-v2
title: Move consumers of plays_v1 to plays_v2
guide: https://wiki.example.com/migrations/plays-v2
tables:
  - old: legacy-proj.music.plays_v1
    new: core-proj.music.plays_v2
    columns:
      track_uri: track_id
      ms_played: duration_ms
      played_date: DATE(played_at)
      country: geo.country_code
      is_premium: null
    old_columns: [user_id, track_uri, ms_played, played_date, country, is_premium, platform]
scope:
  repos: ["acme/*", "Partner/shared-*"]
  exclude: ["acme/sandbox-*"]
"""

SNAPSHOT = {
    "jobs/daily.sql": (
        "SELECT user_id, ms_played\nFROM `legacy-proj.music.plays_v1`\nWHERE country = 'SE'\n"
    ),
    "jobs/premium.sql": (
        "SELECT user_id FROM `legacy-proj.music.plays_v1`;\n"
        "\n"
        "SELECT is_premium\n"
        "FROM `legacy-proj.music.plays_v1`;\n"
    ),
    "jobs/other.sql": "SELECT track_uri FROM `legacy-proj.music.tracks`\n",
    "README.md": "Uses legacy-proj.music.plays_v1\n",
}

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BASE_SHA = "0123456789abcdef0123456789abcdef01234567"
WEB = "https://github.com"
