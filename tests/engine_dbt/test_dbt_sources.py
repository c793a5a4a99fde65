from __future__ import annotations

import pytest

from bot.engine.dbt.sources import read_catalog
from bot.spec import TableName

OLD = TableName.parse("legacy-proj.music.plays_v1")


@pytest.mark.parametrize(
    ("yaml", "resolves"),
    [
        pytest.param(
            "sources:\n  - name: music\n    database: legacy-proj\n"
            "    tables:\n      - name: plays_v1\n",
            True,
            id="all parts given",
        ),
        pytest.param(
            "sources:\n  - name: music\n    tables:\n      - name: plays_v1\n",
            True,
            id="schema defaults to the source name, database to the target's",
        ),
        pytest.param(
            "sources:\n  - name: raw\n    schema: music\n    tables:\n"
            "      - name: plays\n        identifier: plays_v1\n",
            True,
            id="schema and identifier given",
        ),
        pytest.param(
            "sources:\n  - name: raw\n    project: legacy-proj\n    dataset: music\n    tables:\n"
            "      - name: plays_v1\n",
            True,
            id="BigQuery's project/dataset spelling",
        ),
        pytest.param(
            "sources:\n  - name: music\n    database: \"{{ env_var('DB') }}\"\n    tables:\n"
            "      - name: plays_v1\n",
            True,
            id="Jinja database is as unknown as the target's",
        ),
        pytest.param(
            "sources:\n  - name: music\n    database: other-proj\n"
            "    tables:\n      - name: plays_v1\n",
            False,
            id="other database",
        ),
        pytest.param(
            "sources:\n  - name: raw\n    tables:\n      - name: plays_v1\n",
            False,
            id="schema raw by default",
        ),
        pytest.param(
            "sources:\n  - name: music\n    schema: \"{{ var('s') }}\"\n"
            "    tables:\n      - name: plays_v1\n",
            False,
            id="Jinja schema never matches",
        ),
        pytest.param(
            "sources:\n  - name: music\n"
            "    tables:\n      - name: plays_v1\n        identifier: plays_v10\n",
            False,
            id="identifier differs",
        ),
    ],
)
def test_resolution(yaml: str, resolves: bool) -> None:
    catalog = read_catalog(["m/s.yml"], {"m/s.yml": "version: 2\n" + yaml})
    assert bool(catalog.resolving_to(OLD)) == resolves


def test_lookup_by_source_and_table_name() -> None:
    text = (
        "version: 2\nsources:\n  - name: raw\n    schema: music\n    tables:\n"
        "      - name: users\n      - name: plays\n        identifier: plays_v1\n"
    )
    catalog = read_catalog(["s.yml"], {"s.yml": text})
    entry = catalog.lookup("raw", "plays")
    assert entry is not None
    assert (entry.schema, entry.identifier, entry.source_index, entry.table_index) == (
        "music",
        "plays_v1",
        0,
        1,
    )
    assert catalog.lookup("raw", "plays_v1") is None


def test_files_without_sources_are_ignored() -> None:
    files = {"a.yml": "version: 2\nmodels:\n  - name: m\n", "b.yml": "key: [unclosed\n"}
    assert read_catalog(files, files).tables == ()
