"""A valid campaign document whose line numbers the error tests refer to."""

import pytest

_VALID = """\
id: plays-v2
title: Move consumers of plays_v1 to plays_v2
guide: https://wiki.example.com/migrations/plays-v2
dialect: bigquery
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
    new_columns:
      user_id: STRING
      track_id: STRING
      duration_ms: INT64
      played_at: TIMESTAMP
      geo: STRUCT<country_code STRING>
      platform: STRING
scope:
  repos: ["acme/*"]
  exclude: ["acme/sandbox-*"]
"""


@pytest.fixture
def valid_yaml() -> str:
    return _VALID
