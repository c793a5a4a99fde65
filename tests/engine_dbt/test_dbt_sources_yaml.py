from __future__ import annotations

import pytest

from bot.engine.dbt.sources_yaml import (
    LayoutError,
    NewSource,
    NewTable,
    SourcesFileEdit,
    edit_sources_file,
    entry_span,
)

SOURCES = """\
version: 2

sources:
  - name: music  # the legacy warehouse
    database: legacy-proj
    tables:
      # one row per play
      - name: plays_v1
        loaded_at_field: played_at  # freshness
      # one row per user
      - name: users

  # tracks live elsewhere
  - name: catalog
    tables:
      - name: tracks
models:
  - name: daily
"""

CASES = [
    pytest.param(
        SourcesFileEdit(add_tables={0: [NewTable("plays_v2")]}),
        SOURCES.replace("      - name: users\n", "      - name: users\n      - name: plays_v2\n"),
        id="table under an existing source",
    ),
    pytest.param(
        SourcesFileEdit(
            add_sources=[NewSource("music_v2", "core-proj", "music", (NewTable("plays_v2"),))]
        ),
        SOURCES.replace(
            "      - name: tracks\n",
            "      - name: tracks\n  - name: music_v2\n    database: core-proj\n"
            "    schema: music\n    tables:\n      - name: plays_v2\n",
        ),
        id="new source after the last one",
    ),
    pytest.param(
        SourcesFileEdit(remove={(0, 0)}),
        SOURCES.replace(
            "      # one row per play\n      - name: plays_v1\n"
            "        loaded_at_field: played_at  # freshness\n",
            "",
        ),
        id="entry removed with its own comment, the next one's kept",
    ),
    pytest.param(
        SourcesFileEdit(remove={(1, 0)}),
        SOURCES.replace(
            "  # tracks live elsewhere\n  - name: catalog\n    tables:\n      - name: tracks\n", ""
        ),
        id="source left without tables removed",
    ),
    pytest.param(
        SourcesFileEdit(remove={(0, 0), (0, 1), (1, 0)}),
        "version: 2\n\nmodels:\n  - name: daily\n",
        id="no source left: the key goes",
    ),
    pytest.param(SourcesFileEdit(), SOURCES, id="nothing to do"),
]


@pytest.mark.parametrize(("edit", "expected"), CASES)
def test_edit_sources_file(edit: SourcesFileEdit, expected: str) -> None:
    assert edit_sources_file(SOURCES, edit) == expected


def test_added_lines_follow_the_files_indentation() -> None:
    text = "sources:\n- name: music\n  tables:\n  - name: plays_v1\n"
    edit = SourcesFileEdit(
        remove={(0, 0)},
        add_sources=[NewSource("music_v2", None, "music", (NewTable("p", "plays_v2"),))],
    )
    assert edit_sources_file(text, edit) == (
        "sources:\n- name: music_v2\n  schema: music\n  tables:\n"
        "  - name: p\n    identifier: plays_v2\n"
    )


def test_appends_to_a_file_without_final_newline() -> None:
    text = "sources:\n  - name: music\n    tables:\n      - name: plays_v1"
    edit = SourcesFileEdit(add_tables={0: [NewTable("plays_v2")]})
    assert edit_sources_file(text, edit) == text + "\n      - name: plays_v2\n"


def test_flow_style_cannot_be_edited_line_by_line() -> None:
    text = "sources:\n  - name: music\n    tables: [{name: plays_v1}, {name: users}]\n"
    with pytest.raises(LayoutError, match="flow-style"):
        edit_sources_file(text, SourcesFileEdit(remove={(0, 0)}))


def test_a_source_gaining_a_table_is_kept_when_its_last_old_one_goes() -> None:
    text = "sources:\n  - name: music\n    tables:\n      - name: plays_v1\n"
    edit = SourcesFileEdit(remove={(0, 0)}, add_tables={0: [NewTable("plays_v2")]})
    assert edit_sources_file(text, edit) == (
        "sources:\n  - name: music\n    tables:\n      - name: plays_v2\n"
    )


def test_entry_span() -> None:
    start, end = entry_span(SOURCES, 0, 0)
    assert SOURCES[start:end] == (
        "- name: plays_v1\n        loaded_at_field: played_at  # freshness"
    )
