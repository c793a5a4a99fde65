"""Packaged dbt source projects: sources reached through ``var()`` and Jinja in the sources YAML.

The projects are written the way the common source packages are: every source
table is a var in ``dbt_project.yml`` (``plays: "{{ source('music', 'plays_v1') }}"``),
models select ``from {{ var('plays') }}``, and the sources YAML reads its database,
schema and identifiers from vars with defaults, under ``{% if target.type ... %}``.
"""

from __future__ import annotations

import pytest

from bot.engine.dbt import rewrite_dbt_project
from bot.engine.model import ReferenceKind
from bot.spec import Campaign
from tests.support.campaigns import GUIDE

from .conftest import apply

PROJECT = """\
config-version: 2
name: 'music_source'
version: '0.4.0'
require-dbt-version: [">=1.3.0", "<2.0.0"]
models:
  music_source:
    +materialized: table
vars:
  music_source:
    plays: "{{ source('music', 'plays_v1') }}"
    users: "{{ source('music', 'users') }}"
"""

DATABASE = "{% if target.type != 'spark' %}{{ var('music_database', target.database) }}{% endif %}"
SOURCES = """\
version: 2

sources:
  - name: music
    database: "@DATABASE@"
    schema: "{{ var ('music_schema', 'music') }}"
    loader: Stitch
    tables:
      - name: plays_v1
        identifier: "{{ var('music_plays_identifier', 'plays_v1') }}"
      - name: users
        identifier: "{{ var('music_users_identifier', 'users') }}"
""".replace("@DATABASE@", DATABASE)

NEW_SOURCE = """\
  - name: music_core_proj
    database: core-proj
    schema: music
    tables:
      - name: plays_v2
"""

VAR_MODEL = """\
with base as (

    select *
    from {{ var('plays') }}

)

select * from base
"""

VAR_MODEL_GUARDED = VAR_MODEL.replace(
    "with base",
    "{# godwit: var('plays') is source('music', 'plays_v1'), which reads "
    "legacy-proj.music.plays_v1: point the var at the new table, or migrate this model "
    f"by hand; see {GUIDE} #}}\nwith base",
)

SET_MODEL = "{%- set relation = var('plays') -%}\nselect user_id from {{ relation }}\n"
SET_MODEL_GUARDED = SET_MODEL.replace(
    "-%}\nselect",
    "-%}\n{# godwit: var('plays') is source('music', 'plays_v1'), which reads "
    "legacy-proj.music.plays_v1: point the var at the new table, or migrate this model "
    f"by hand; see {GUIDE} #}}\nselect",
)

DIRECT_MODEL = "select user_id, ms_played\nfrom {{ source('music', 'plays_v1') }}\n"
DIRECT_MIGRATED = (
    "select user_id, duration_ms AS ms_played\nfrom {{ source('music_core_proj', 'plays_v2') }}\n"
)


def _sources(schema: str, identifier: str = "plays_v1") -> str:
    return SOURCES.replace("{{ var ('music_schema', 'music') }}", schema).replace(
        "{{ var('music_plays_identifier', 'plays_v1') }}", identifier
    )


SCENARIOS = [
    pytest.param(
        {"models/stg_music__plays.sql": VAR_MODEL},
        {"models/stg_music__plays.sql": VAR_MODEL_GUARDED},
        id="a model reading a var that is the old source: guardrail, entry kept",
    ),
    pytest.param(
        {"models/stg_music__plays.sql": SET_MODEL},
        {"models/stg_music__plays.sql": SET_MODEL_GUARDED},
        id="a var read inside a set block: guardrail",
    ),
    pytest.param(
        {"models/stg_music__plays.sql": DIRECT_MODEL},
        {
            "models/stg_music__plays.sql": DIRECT_MIGRATED,
            # The old entry stays: the project's var ``plays`` still names it.
            "models/src_music.yml": SOURCES + NEW_SOURCE,
        },
        id="schema and identifier from var defaults, database from the target: rewritten",
    ),
    pytest.param(
        {
            "models/stg_music__plays.sql": DIRECT_MODEL,
            "dbt_project.yml": PROJECT.split("vars:")[0],
        },
        {
            "models/stg_music__plays.sql": DIRECT_MIGRATED,
            "models/src_music.yml": SOURCES.replace(
                "      - name: plays_v1\n"
                "        identifier: \"{{ var('music_plays_identifier', 'plays_v1') }}\"\n",
                "",
            )
            + NEW_SOURCE,
        },
        id="no var names the old entry any longer: it goes",
    ),
    pytest.param(
        {
            "models/stg_music__plays.sql": DIRECT_MODEL,
            "dbt_project.yml": PROJECT + "    music_schema: music_raw\n",
        },
        {},
        id="the project's own var points the schema elsewhere: not the old table",
    ),
    pytest.param(
        {
            "models/stg_music__plays.sql": DIRECT_MODEL,
            "models/src_music.yml": _sources("{{ env_var('MUSIC_SCHEMA') }}"),
        },
        {
            "models/stg_music__plays.sql": "{# godwit: cannot tell whether source('music', "
            "'plays_v1') reads legacy-proj.music.plays_v1: its schema is "
            "{{ env_var('MUSIC_SCHEMA') }}; see " + GUIDE + " #}\n" + DIRECT_MODEL,
        },
        id="a schema that cannot be read, identifier matching: guardrail",
    ),
    pytest.param(
        {
            "models/stg_music__plays.sql": DIRECT_MODEL,
            "models/src_music.yml": _sources("music", "{{ var('music_plays_identifier') }}"),
        },
        {
            "models/stg_music__plays.sql": "{# godwit: cannot tell whether source('music', "
            "'plays_v1') reads legacy-proj.music.plays_v1: its identifier is "
            "{{ var('music_plays_identifier') }}; see " + GUIDE + " #}\n" + DIRECT_MODEL,
        },
        id="an identifier var without default, table name matching: guardrail",
    ),
    pytest.param(
        {
            "models/stg_music__plays.sql": DIRECT_MODEL,
            "models/src_music.yml": _sources("{{ env_var('MUSIC_SCHEMA') }}", "plays_archive"),
        },
        {},
        id="an unreadable schema with another identifier: not the old table",
    ),
]


@pytest.mark.parametrize(("given", "expected"), SCENARIOS)
def test_packaged_project(
    campaign: Campaign, given: dict[str, str], expected: dict[str, str]
) -> None:
    files = {"dbt_project.yml": PROJECT, "models/src_music.yml": SOURCES, **given}
    result = rewrite_dbt_project("", files, campaign)
    after = apply(files, result, campaign.guide)
    assert {path: text for path, text in after.items() if text != files[path]} == expected
    once = after
    again = rewrite_dbt_project("", once, campaign)
    assert apply(once, again, campaign.guide) == once


def test_a_var_model_counts_its_reference_and_the_entry(campaign: Campaign) -> None:
    files = {
        "dbt_project.yml": PROJECT,
        "models/src_music.yml": SOURCES,
        "models/stg_music__plays.sql": VAR_MODEL,
    }
    result = rewrite_dbt_project("", files, campaign)
    model = result.files["models/stg_music__plays.sql"]
    call = "var('plays')"
    start = VAR_MODEL.index(call)
    assert [(r.kind, r.start, r.text) for r in model.references] == [
        (ReferenceKind.SOURCE, start, call)
    ]
    assert len(model.guardrails) == 1
    entry = result.files["models/src_music.yml"].references
    assert [r.kind for r in entry] == [ReferenceKind.SOURCE_ENTRY]


def test_an_entry_kept_for_its_readers_says_who_still_reads_it(campaign: Campaign) -> None:
    files = {
        "dbt_project.yml": PROJECT,
        "models/src_music.yml": SOURCES,
        "models/stg_music__plays.sql": VAR_MODEL,
    }
    sources = rewrite_dbt_project("", files, campaign).files["models/src_music.yml"]
    assert not sources.edits
    assert sources.notes == [
        "source('music', 'plays_v1') keeps its entry for legacy-proj.music.plays_v1: "
        "still read by dbt_project.yml, models/stg_music__plays.sql"
    ]
