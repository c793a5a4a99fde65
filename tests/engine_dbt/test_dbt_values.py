"""The simple Jinja of sources YAML and project vars, read with certainty or not at all."""

from __future__ import annotations

import pytest

from bot.engine.dbt.values import TARGET, UNKNOWN, Value, project_vars, resolve

VARS = {"music_schema": "music_raw", "chained": "{{ var('music_schema') }}", "n": 3}

CASES = [
    ("music", Value("music")),
    (42, Value("42")),
    ("{{ var('absent_schema', 'music') }}", Value("music")),
    ('{{var ("absent_schema", "music")}}', Value("music")),
    ("{{- var('music_schema', 'music') -}}", Value("music_raw")),
    ("{{ var('chained') }}", Value("music_raw")),
    ("{{ var('n') }}", Value("3")),
    ("{{ var('absent_db', target.database) }}", TARGET),
    ("{{ target.project }}", TARGET),
    (
        "{% if target.type != 'spark' %}{{ var('absent_db', target.database) }}{% endif %}",
        TARGET,
    ),
    ("{% if target.type == 'spark' %}x{% else %}music{% endif %}", Value("music")),
    ("raw_{{ var('music_schema') }}", Value("raw_music_raw")),
    ("{{ var('absent_schema') }}", UNKNOWN),
    ("{{ env_var('MUSIC_SCHEMA') }}", UNKNOWN),
    ("{{ var('absent_schema', 'music') | upper }}", UNKNOWN),
    ("{% if var('flag') %}a{% endif %}", UNKNOWN),
    ("raw_{{ target.database }}", UNKNOWN),
    ("{{ source('music', 'plays_v1') }}", UNKNOWN),
    ("{{ " + "x" * 2000 + " }}", UNKNOWN),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_resolve(raw: object, expected: Value) -> None:
    assert resolve(raw, VARS) == expected


def test_a_var_naming_itself_is_unknown() -> None:
    assert resolve("{{ var('loop') }}", {"loop": "{{ var('loop') }}"}) == UNKNOWN


def test_project_scope_overrides_global_vars() -> None:
    config = {
        "name": "music_source",
        "vars": {
            "music_schema": "global",
            "other_package": {"music_schema": "theirs"},
            "music_source": {"music_schema": "ours"},
        },
    }
    assert project_vars(config) == {
        "music_schema": "ours",
        "other_package": {"music_schema": "theirs"},
    }
    assert project_vars({"vars": ["not", "a", "mapping"]}) == {}
