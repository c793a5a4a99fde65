from __future__ import annotations

import pytest

from bot.engine.dbt import dbt_files, find_dbt_projects

PATHS = [
    "dbt_project.yml",
    "models/a.sql",
    "models/staging/sources.yml",
    "macros/m.sql",
    "scripts/backfill.sql",
    "warehouse/dbt_project.yml",
    "warehouse/transform/b.sql",
    "warehouse/transform/schema.yaml",
    "warehouse/models/unused.sql",
    "warehouse/dbt_packages/dbt_utils/dbt_project.yml",
    "README.md",
]


def test_find_dbt_projects() -> None:
    assert find_dbt_projects(PATHS) == ["", "warehouse"]


@pytest.mark.parametrize(
    ("root", "project_yml", "expected"),
    [
        pytest.param(
            "",
            None,
            {"models/a.sql", "models/staging/sources.yml", "macros/m.sql"},
            id="defaults, nested project excluded",
        ),
        pytest.param(
            "warehouse",
            "name: w\nmodel-paths: ['transform']\n",
            {"warehouse/transform/b.sql", "warehouse/transform/schema.yaml"},
            id="model-paths",
        ),
        pytest.param(
            "warehouse",
            "name: w\nsource-paths: ['transform/']\n",
            {"warehouse/transform/b.sql", "warehouse/transform/schema.yaml"},
            id="pre-1.0 source-paths",
        ),
        pytest.param(
            "warehouse",
            None,
            {"warehouse/models/unused.sql"},
            id="defaults under a folder",
        ),
        pytest.param(
            "warehouse",
            "name: w\nversion: '1.0.0'\nprofile: bq\n",
            {"warehouse/models/unused.sql"},
            id="no paths key: defaults",
        ),
        pytest.param(
            "warehouse",
            'name: w\n"model-pa\\x74hs": [transform]\n',
            {"warehouse/transform/b.sql", "warehouse/transform/schema.yaml"},
            id="a key spelled with an escape is still read",
        ),
    ],
)
def test_dbt_files(root: str, project_yml: str | None, expected: set[str]) -> None:
    assert dbt_files(root, PATHS, project_yml=project_yml) == expected
