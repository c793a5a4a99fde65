from __future__ import annotations

import pytest

from bot.engine.dbt import rewrite_dbt_project
from bot.engine.model import ReferenceKind
from bot.spec import Campaign
from tests.support.campaigns import GUIDE, PLAYS_V2

from .conftest import apply

SOURCES = """\
version: 2

sources:
  - name: music  # the legacy warehouse
    database: legacy-proj
    tables:
      # one row per play
      - name: plays_v1
        loaded_at_field: played_at
      - name: users
"""

MIGRATED_SOURCES = """\
version: 2

sources:
  - name: music  # the legacy warehouse
    database: legacy-proj
    tables:
      - name: users
  - name: music_core_proj
    database: core-proj
    schema: music
    tables:
      - name: plays_v2
        loaded_at_field: played_at
"""

BOTH_SOURCES = """\
version: 2

sources:
  - name: music  # the legacy warehouse
    database: legacy-proj
    tables:
      # one row per play
      - name: plays_v1
        loaded_at_field: played_at
      - name: users
  - name: music_core_proj
    database: core-proj
    schema: music
    tables:
      - name: plays_v2
        loaded_at_field: played_at
"""

INCREMENTAL = """\
{{ config(materialized='incremental', unique_key='user_id') }}

select
    user_id,
    played_date,
    sum(ms_played) as ms_played
from {{ source('music', 'plays_v1') }}
{% if is_incremental() %}
where played_date > (select max(played_date) from {{ this }})
{% endif %}
group by user_id, played_date
"""

INCREMENTAL_MIGRATED = """\
{{ config(materialized='incremental', unique_key='user_id') }}

select
    user_id,
    DATE(played_at) AS played_date,
    sum(duration_ms) as ms_played
from {{ source('music_core_proj', 'plays_v2') }}
{% if is_incremental() %}
where DATE(played_at) > (select max(played_date) from {{ this }})
{% endif %}
group by user_id, DATE(played_at)
"""

WITH_REF = """\
select p.user_id, p.ms_played, d.country_name
from {{ source("music", "plays_v1") }} as p
join {{ ref('dim_country') }} d on p.country = d.code
"""

WITH_REF_MIGRATED = """\
select p.user_id, p.duration_ms AS ms_played, d.country_name
from {{ source("music_core_proj", "plays_v2") }} as p
join {{ ref('dim_country') }} d on p.geo.country_code = d.code
"""

JINJA_COLUMNS = """\
{%- set cols = ['user_id', 'platform'] -%}
select
    {% for c in cols %}{{ c }},{% endfor %}
    ms_played
from {{ source('music', 'plays_v1') }}
"""

JINJA_COLUMNS_GUARDED = JINJA_COLUMNS.replace(
    "-%}\nselect",
    "-%}\n{# godwit: templated code (Jinja or an interpolation) may generate column names; "
    f"see {GUIDE} #}}\nselect",
)

PREMIUM = "select user_id, is_premium\nfrom {{ source('music', 'plays_v1') }}\n"
PREMIUM_GUARDED = (
    f"{{# godwit: is_premium has no equivalent in core-proj.music.plays_v2; see {GUIDE} #}}\n"
    + PREMIUM
)
TRACKS = "select user_id, track_uri from {{ source('music', 'plays_v1') }}\n"
TRACKS_MIGRATED = (
    "select user_id, track_id AS track_uri from {{ source('music_core_proj', 'plays_v2') }}\n"
)
SET_RELATION = "{% set rel = source('music', 'plays_v1') %}\nselect user_id from {{ rel }}\n"
SET_RELATION_GUARDED = SET_RELATION.replace(
    "%}\nselect",
    "%}\n{# godwit: source('music', 'plays_v1') stands where it cannot be rewritten; "
    f"see {GUIDE} #}}\nselect",
)
PYTHON_MODEL = "def model(dbt, session):\n    return dbt.source('music', 'plays_v1')\n"
CORE_SOURCES = (
    "version: 2\nsources:\n  - name: core\n    database: core-proj\n    schema: music\n"
    "    tables:\n      - name: tracks\n"
)

SCENARIOS = [
    pytest.param(
        {"models/daily.sql": INCREMENTAL, "models/other.sql": "select * from {{ ref('daily') }}\n"},
        {"models/daily.sql": INCREMENTAL_MIGRATED, "models/sources.yml": MIGRATED_SOURCES},
        id="incremental model: {{ this }} and config untouched, old entry replaced",
    ),
    pytest.param(
        {"models/joined.sql": WITH_REF},
        {"models/joined.sql": WITH_REF_MIGRATED, "models/sources.yml": MIGRATED_SOURCES},
        id="ref() untouched, double quotes kept",
    ),
    pytest.param(
        {"models/wide.sql": JINJA_COLUMNS},
        {"models/wide.sql": JINJA_COLUMNS_GUARDED, "models/sources.yml": SOURCES},
        id="Jinja-generated columns: guardrail, YAML unchanged",
    ),
    pytest.param(
        {"models/premium.sql": PREMIUM, "models/tracks.sql": TRACKS},
        {
            "models/premium.sql": PREMIUM_GUARDED,
            "models/tracks.sql": TRACKS_MIGRATED,
            "models/sources.yml": BOTH_SOURCES,
        },
        id="null-mapped column: guardrail keeps the old entry next to the new one",
    ),
    pytest.param(
        {"models/rel.sql": SET_RELATION, "models/tracks.sql": TRACKS},
        {
            "models/rel.sql": SET_RELATION_GUARDED,
            "models/tracks.sql": TRACKS_MIGRATED,
            "models/sources.yml": BOTH_SOURCES,
        },
        id="source() inside a set block: guardrail",
    ),
    pytest.param(
        {"models/core.yml": CORE_SOURCES, "models/tracks.sql": TRACKS},
        {
            "models/core.yml": CORE_SOURCES
            + "      - name: plays_v2\n        loaded_at_field: played_at\n",
            "models/tracks.sql": TRACKS.replace(
                "'music', 'plays_v1'", "'core', 'plays_v2'"
            ).replace("track_uri", "track_id AS track_uri"),
            "models/sources.yml": MIGRATED_SOURCES.split("  - name: music_core_proj")[0],
        },
        id="new table under an existing source of its database and schema",
    ),
    pytest.param(
        {
            "models/core.yml": CORE_SOURCES + "      - name: plays\n        identifier: plays_v2\n",
            "models/tracks.sql": TRACKS,
        },
        {
            "models/tracks.sql": TRACKS.replace("'music', 'plays_v1'", "'core', 'plays'").replace(
                "track_uri", "track_id AS track_uri"
            ),
            "models/sources.yml": MIGRATED_SOURCES.split("  - name: music_core_proj")[0],
        },
        id="new table already declared: used as it is",
    ),
    pytest.param(
        {
            "models/tracks.sql": TRACKS,
            "models/legacy.py": PYTHON_MODEL,
        },
        {"models/tracks.sql": TRACKS_MIGRATED, "models/sources.yml": BOTH_SOURCES},
        id="a Python model still calls the old entry: kept",
    ),
    pytest.param(
        {"models/plain.sql": "select ms_played from `legacy-proj.music.plays_v1`\n"},
        {
            "models/plain.sql": "select duration_ms AS ms_played from `core-proj.music.plays_v2`\n",
            "models/sources.yml": MIGRATED_SOURCES.split("  - name: music_core_proj")[0],
        },
        id="plain SQL reference in a model; unused old entry removed",
    ),
]


@pytest.mark.parametrize(("models", "expected"), SCENARIOS)
def test_rewrite_project(
    campaign: Campaign, models: dict[str, str], expected: dict[str, str]
) -> None:
    files = {"dbt_project.yml": "name: analytics\n", "models/sources.yml": SOURCES, **models}
    result = rewrite_dbt_project("", files, campaign)
    after = apply(files, result, campaign.guide)
    assert {path: after[path] for path in result.files} == expected


@pytest.mark.parametrize(("models", "expected"), SCENARIOS)
def test_applying_twice_equals_applying_once(
    campaign: Campaign, models: dict[str, str], expected: dict[str, str]
) -> None:
    files = {"dbt_project.yml": "name: analytics\n", "models/sources.yml": SOURCES, **models}
    once = apply(files, rewrite_dbt_project("", files, campaign), campaign.guide)
    again = rewrite_dbt_project("", once, campaign)
    assert apply(once, again, campaign.guide) == once


def test_references_and_counts(campaign: Campaign) -> None:
    files = {
        "analytics/dbt_project.yml": "name: analytics\nmodel-paths: [transform]\n",
        "analytics/transform/sources.yml": SOURCES,
        "analytics/transform/daily.sql": INCREMENTAL,
        "analytics/transform/other.sql": "select * from {{ ref('daily') }}\n",
        "analytics/transform/users.sql": "select * from {{ source('music', 'users') }}\n",
        "models/not_this_project.sql": INCREMENTAL,
    }
    result = rewrite_dbt_project("analytics", files, campaign)
    assert (result.parsed, result.skipped) == (1, 2)
    assert sorted(result.files) == [
        "analytics/transform/daily.sql",
        "analytics/transform/sources.yml",
    ]
    model = result.files["analytics/transform/daily.sql"]
    call = "{{ source('music', 'plays_v1') }}"
    start = INCREMENTAL.index(call)
    assert [(r.kind, r.start, r.end, r.text) for r in model.references] == [
        (ReferenceKind.SOURCE, start, start + len(call), call)
    ]
    entry = result.files["analytics/transform/sources.yml"].references
    start = SOURCES.index("- name: plays_v1")
    assert [(r.kind, r.start, r.text) for r in entry] == [
        (ReferenceKind.SOURCE_ENTRY, start, "- name: plays_v1\n        loaded_at_field: played_at")
    ]


def test_table_renamed_within_its_source() -> None:
    campaign = Campaign.model_validate(
        {
            **PLAYS_V2,
            "tables": [
                {
                    "old": "legacy-proj.music.plays_v1",
                    "new": "legacy-proj.music.plays_v2",
                    "columns": {"ms_played": "duration_ms"},
                }
            ],
        }
    )
    files = {
        "dbt_project.yml": "name: analytics\n",
        "models/sources.yml": SOURCES,
        "models/m.sql": "select user_id, ms_played from {{ source('music', 'plays_v1') }}\n",
    }
    after = apply(files, rewrite_dbt_project("", files, campaign), campaign.guide)
    assert after["models/m.sql"] == (
        "select user_id, duration_ms AS ms_played from {{ source('music', 'plays_v2') }}\n"
    )
    old_entry = (
        "      # one row per play\n      - name: plays_v1\n        loaded_at_field: played_at\n"
    )
    expected = SOURCES.replace(old_entry, "") + (
        "      - name: plays_v2\n        loaded_at_field: played_at\n"
    )
    assert after["models/sources.yml"] == expected


def test_sources_yaml_that_cannot_be_edited_keeps_models_as_they_are(campaign: Campaign) -> None:
    flow = "version: 2\nsources:\n  - name: music\n    tables: [{name: plays_v1}, {name: users}]\n"
    files = {"dbt_project.yml": "name: a\n", "models/sources.yml": flow, "models/t.sql": TRACKS}
    result = rewrite_dbt_project("", files, campaign)
    after = apply(files, result, campaign.guide)
    assert after["models/t.sql"] == (
        "{# godwit: source('music', 'plays_v1') cannot be rewritten: the sources YAML cannot be "
        f"edited; see {GUIDE} #}}\n" + TRACKS
    )
    sources = result.files["models/sources.yml"]
    assert sources.edits == []
    assert [i.message for i in sources.verification] == [
        "cannot edit the sources in models/sources.yml (flow-style sequence): "
        "its entries stay as they are"
    ]


def test_malformed_jinja_is_a_guardrail(campaign: Campaign) -> None:
    broken = "select user_id\nfrom {{ source('music', 'plays_v1') }}\n{% if x %"
    files = {"dbt_project.yml": "name: a\n", "models/sources.yml": SOURCES, "models/b.sql": broken}
    result = rewrite_dbt_project("", files, campaign)
    after = apply(files, result, campaign.guide)
    assert after["models/b.sql"] == (
        "{# godwit: the model's Jinja is malformed: unclosed Jinja tag at offset 54; "
        f"see {GUIDE} #}}\n" + broken
    )
    assert after["models/sources.yml"] == SOURCES


def test_tables_moving_to_one_dataset_share_one_new_source() -> None:
    campaign = Campaign.model_validate(
        {
            **PLAYS_V2,
            "tables": [
                {"old": "legacy-proj.music.plays_v1", "new": "core-proj.music.plays_v2"},
                {"old": "legacy-proj.music.users", "new": "core-proj.music.users_v2"},
            ],
        }
    )
    files = {
        "dbt_project.yml": "name: analytics\n",
        "models/sources.yml": SOURCES,
        "models/m.sql": (
            "select p.user_id, u.name\nfrom {{ source('music', 'plays_v1') }} p\n"
            "join {{ source('music', 'users') }} u using (user_id)\n"
        ),
    }
    after = apply(files, rewrite_dbt_project("", files, campaign), campaign.guide)
    assert after["models/m.sql"] == (
        "select p.user_id, u.name\nfrom {{ source('music_core_proj', 'plays_v2') }} p\n"
        "join {{ source('music_core_proj', 'users_v2') }} u using (user_id)\n"
    )
    assert after["models/sources.yml"] == (
        "version: 2\n\nsources:\n  - name: music_core_proj\n    database: core-proj\n"
        "    schema: music\n    tables:\n      - name: plays_v2\n"
        "        loaded_at_field: played_at\n      - name: users_v2\n"
    )
