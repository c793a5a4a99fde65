"""One named file of a repository (a campaign's jobs export), read bounded over real HTTP."""

from __future__ import annotations

import pytest
from githubkit.exception import RequestFailed

from bot.github.content import RepoFileError, read_repo_file
from tests.github.conftest import ETL_FILES, World


def test_a_file_is_read_from_its_folders_listing_and_its_blob(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    assert read_repo_file(gh, "acme", "etl", "sql/weekly.sql", None, 1000) == "SELECT 1\n"
    assert read_repo_file(gh, "acme", "etl", "README.md", "main", 1000) == "# ETL jobs\n"
    paths = [r.path for r in world.requests("GET")]
    assert any(p.endswith("/contents/sql") for p in paths)
    assert sum("/git/blobs/" in p for p in paths) == 2


def test_a_file_over_the_limit_is_refused_before_its_blob_is_read(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    size = len(str(ETL_FILES["sql/daily_orders.sql"]).encode())
    with pytest.raises(RepoFileError, match=f"is {size} bytes, more than the limit 10 bytes"):
        read_repo_file(gh, "acme", "etl", "sql/daily_orders.sql", None, 10)
    assert not [r for r in world.requests("GET") if "/git/blobs/" in r.path]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("sql/none.sql", "sql/none.sql does not exist in acme/etl"),
        ("models/staging", "models/staging in acme/etl is a dir, not a file"),
        ("assets/logo.png", "assets/logo.png in acme/etl is not text"),
    ],
)
def test_what_is_not_a_readable_text_file_says_why(world: World, path: str, problem: str) -> None:
    gh = world.app.installation_client(world.installation_id)
    with pytest.raises(RepoFileError, match=problem):
        read_repo_file(gh, "acme", "etl", path, None, 1000)


def test_a_missing_folder_or_repository_is_githubs_404(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    with pytest.raises(RequestFailed) as missing:
        read_repo_file(gh, "acme", "etl", "exports/jobs.jsonl", None, 1000)
    assert missing.value.response.status_code == 404
