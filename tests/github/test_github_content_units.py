"""Pure parts of snapshot reading and committing: tarball members and tree entries."""

from __future__ import annotations

import io
import random
import tarfile

import pytest

from bot.engine.snapshot import SkipReason
from bot.github.commits import tree_entries
from bot.github.content import RepoTooLargeError, read_tarball

TOP = "acme-etl-3f78685/"


SHA = "3f786850e387550fdab836ed7e6dc881de23001b"


def tarball(
    members: dict[str, bytes],
    pax_headers: dict[str, str] | None = None,
    modes: dict[str, int] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(
        fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=pax_headers
    ) as tar:
        folder = tarfile.TarInfo(TOP.rstrip("/"))
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
        for name, data in members.items():
            info = tarfile.TarInfo(TOP + name)
            info.size = len(data)
            info.mode = (modes or {}).get(name, 0o664)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_tarball_files_drop_the_top_folder_binaries_and_big_files() -> None:
    archive = tarball(
        {
            "models/orders.sql": b"select * from `acme.sales.orders`\n",
            "README.md": b"# ETL\n",
            "logo.png": b"\x89PNG\x00\x00",
            "data/huge.csv": b"x" * 2000,
        }
    )
    files = read_tarball(archive, lambda path: True, max_file_bytes=1000).files
    assert files == {
        "models/orders.sql": "select * from `acme.sales.orders`\n",
        "README.md": "# ETL\n",
    }


def test_tarball_files_only_wanted_paths() -> None:
    archive = tarball({"models/orders.sql": b"select 1\n", "README.md": b"# ETL\n"})
    files = read_tarball(archive, lambda path: path.endswith(".sql"), max_file_bytes=1000).files
    assert files == {"models/orders.sql": "select 1\n"}


@pytest.mark.parametrize(
    ("headers", "commit"),
    [
        ({"comment": SHA}, SHA),  # what `git archive` writes for a commit
        (None, None),  # an archive of a bare tree names no commit
        ({"comment": "a release"}, None),
    ],
)
def test_tarball_names_its_commit_in_the_global_pax_header(
    headers: dict[str, str] | None, commit: str | None
) -> None:
    contents = read_tarball(
        tarball({"a.sql": b"select 1\n"}, headers), lambda path: True, max_file_bytes=1000
    )
    assert (contents.commit_sha, contents.files) == (commit, {"a.sql": "select 1\n"})


def test_tarball_members_with_an_execute_bit_are_executables() -> None:
    archive = tarball(
        {"run.sh": b"bq query < daily.sql\n", "daily.sql": b"select 1\n"},
        modes={"run.sh": 0o775},
    )
    contents = read_tarball(archive, lambda path: True, max_file_bytes=1000)
    assert contents.executables == frozenset({"run.sh"})


class CountingStream(io.BytesIO):
    """An archive read as a stream, counting how much of it was consumed."""

    consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.consumed += len(data)
        return data


def _many_files(files: int, size: int) -> bytes:
    """Text that barely compresses, so how far the archive was read shows how much was read."""
    noise = random.Random(9)
    return tarball(
        {f"sql/f{i:04}.sql": noise.randbytes(size // 2).hex().encode() for i in range(files)}
    )


def test_a_tarball_with_more_text_than_the_cap_is_refused_while_streaming() -> None:
    archive = _many_files(files=100, size=20_000)  # 2 MB of text
    stream = CountingStream(archive)

    with pytest.raises(RepoTooLargeError) as refused:
        read_tarball(stream, lambda path: True, max_file_bytes=100_000, max_total_bytes=100_000)

    # It stopped at the sixth file, the one that passed the cap, and read no further.
    assert str(refused.value) == (
        "too large to read: at least 120,000 bytes of text > limit 100,000 bytes"
        " (GODWIT_MAX_REPO_BYTES)"
    )
    assert stream.consumed < len(archive) / 5


def test_the_cap_counts_every_wanted_file_over_the_size_limit_too() -> None:
    archive = tarball(
        {"a.sql": b"select 1\n" * 1000, "big.csv": b"x" * 50_000, "skip.md": b"y" * 50_000}
    )

    contents = read_tarball(
        archive, lambda path: path != "skip.md", max_file_bytes=20_000, max_total_bytes=60_000
    )

    assert set(contents.files) == {"a.sql"}
    [big] = contents.contents.skipped
    assert (big.path, big.reason, big.raw) == ("big.csv", SkipReason.TOO_LARGE, b"x" * 50_000)
    with pytest.raises(RepoTooLargeError):
        read_tarball(
            archive, lambda path: path != "skip.md", max_file_bytes=20_000, max_total_bytes=55_000
        )


def test_tarball_symlinks_are_skipped_with_their_target_as_raw_bytes() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        link = tarfile.TarInfo(TOP + "jobs/daily.sql")
        link.type = tarfile.SYMTYPE
        link.linkname = "../shared/legacy.sql"
        tar.addfile(link)

    contents = read_tarball(buffer.getvalue(), lambda path: True, max_file_bytes=1000)

    assert contents.files == {}
    assert [(s.path, s.reason, s.raw) for s in contents.contents.skipped] == [
        ("jobs/daily.sql", SkipReason.SYMLINK, b"../shared/legacy.sql")
    ]


def test_tree_entries_write_inline_and_delete_with_a_null_sha() -> None:
    assert tree_entries({"b.sql": "select 2\n", "a.sql": None}) == [
        {"path": "a.sql", "mode": "100644", "type": "blob", "sha": None},
        {"path": "b.sql", "mode": "100644", "type": "blob", "content": "select 2\n"},
    ]


def test_tree_entries_keep_an_executable_file_executable() -> None:
    assert tree_entries({"run.sh": "bq query\n", "a.sql": "select 1\n"}, {"run.sh"}) == [
        {"path": "a.sql", "mode": "100644", "type": "blob", "content": "select 1\n"},
        {"path": "run.sh", "mode": "100755", "type": "blob", "content": "bq query\n"},
    ]
