"""Files the engine cannot plan are skipped with a reason, never dropped without a word.

Pure: snapshots are built from bytes here, as the CLI and the App readers build them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.engine.model import Action
from bot.engine.planner import plan_repository
from bot.engine.report import build_report
from bot.engine.snapshot import (
    MAX_FILE_BYTES,
    SkippedFile,
    SkipReason,
    Snapshot,
    SnapshotBuilder,
    UnwritableChangeError,
    classify,
    decode,
    encode_changes,
)
from bot.spec import Campaign
from tests.support.campaigns import PLAYS_V2

CAMPAIGN = Campaign.model_validate(PLAYS_V2)
READS_OLD = "SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`\n"
NEAR_MISS = "SELECT user_id FROM `archive-proj.music_eu.plays_v1`\n"  # the old table's name
LONGER = "SELECT user_id FROM `legacy-proj.music.plays_v10`\n"  # another name
ELSEWHERE = "SELECT user_id FROM `other-proj.music.plays_v2`\n"
TOO_LARGE = ("-- " + "x" * 77 + "\n") * (MAX_FILE_BYTES // 80 + 300)


@dataclass(frozen=True)
class SkipCase:
    name: str
    raw: bytes
    reason: SkipReason
    described: str


def _large(sql: str) -> bytes:
    return (TOO_LARGE + sql).encode()


SKIP_CASES = [
    SkipCase(
        "too large",
        _large(READS_OLD),
        SkipReason.TOO_LARGE,
        "too large (2.0 MB > 2 MB limit)",
    ),
    SkipCase("NUL bytes", READS_OLD.encode() + b"\0", SkipReason.NUL_BYTES, "contains NUL bytes"),
    SkipCase(
        "UTF-16 (NUL bytes between the letters)",
        READS_OLD.encode("utf-16-le"),
        SkipReason.NUL_BYTES,
        "contains NUL bytes",
    ),
    SkipCase(
        "control characters, not text",
        b"\x01\x02\x03" + READS_OLD.encode() + b"\x81",
        SkipReason.NOT_TEXT,
        "not text in UTF-8/cp1252/Latin-1",
    ),
]


@pytest.mark.parametrize("case", SKIP_CASES, ids=lambda c: c.name)
def test_each_reason_is_classified_and_described(case: SkipCase) -> None:
    skipped = classify("jobs/q.sql", case.raw)
    assert isinstance(skipped, SkippedFile)
    assert skipped.reason is case.reason
    assert skipped.raw == case.raw
    assert skipped.describe() == case.described


@pytest.mark.parametrize("case", SKIP_CASES, ids=lambda c: c.name)
def test_a_skipped_file_naming_an_old_table_is_a_skipped_reference(case: SkipCase) -> None:
    builder = SnapshotBuilder()
    builder.add("jobs/q.sql", case.raw)
    plan = plan_repository(CAMPAIGN, builder.build())
    assert plan.files == ()
    assert [(s.path, s.reason) for s in plan.skipped] == [("jobs/q.sql", case.reason)]
    [repo] = build_report(CAMPAIGN, [("jobs", plan)]).repos
    assert [(s.path, s.reason) for s in repo.skipped] == [("jobs/q.sql", case.described)]
    assert repo.summary.skipped == 1


@pytest.mark.parametrize(
    "raw",
    [
        _large(ELSEWHERE),
        ELSEWHERE.encode() + b"\0",
        ELSEWHERE.encode("utf-16-le"),
        b"\x01" + ELSEWHERE.encode(),
    ],
    ids=["too large", "NUL bytes", "UTF-16", "not text"],
)
def test_a_skipped_file_naming_no_old_table_is_not_reported(raw: bytes) -> None:
    builder = SnapshotBuilder()
    builder.add("jobs/q.sql", raw)
    assert plan_repository(CAMPAIGN, builder.build()).skipped == ()


def test_a_symlink_is_skipped_and_its_target_text_is_what_is_scanned() -> None:
    builder = SnapshotBuilder()
    builder.add_symlink("jobs/a.sql", b"/mnt/shared/legacy-proj.music.plays_v1.sql")
    builder.add_symlink("jobs/b.sql", b"../shared/report.sql")
    plan = plan_repository(CAMPAIGN, builder.build())
    assert [(s.path, s.describe()) for s in plan.skipped] == [("jobs/a.sql", "symlink")]


def test_the_prefilter_errs_towards_reporting_near_misses() -> None:
    """Raw bytes get the same textual test as text: the old name in another dataset counts."""
    builder = SnapshotBuilder()
    builder.add("jobs/q.sql", NEAR_MISS.encode() + b"\0")
    builder.add("jobs/longer.sql", LONGER.encode() + b"\0")
    assert [s.path for s in plan_repository(CAMPAIGN, builder.build()).skipped] == ["jobs/q.sql"]


def test_a_file_not_scanned_whole_is_reported_even_without_a_match() -> None:
    """Only part of it was read: a miss proves nothing, so it is listed, saying so."""
    part = TOO_LARGE.encode()[:1000]
    builder = SnapshotBuilder()
    builder.add("dump.sql", part, size=MAX_FILE_BYTES * 40)
    [skipped] = plan_repository(CAMPAIGN, builder.build()).skipped
    assert (
        skipped.describe() == "too large (80 MB > 2 MB limit, only the first 1,000 bytes scanned)"
    )


def test_skipped_files_in_ignored_folders_are_not_reported() -> None:
    builder = SnapshotBuilder()
    builder.add("node_modules/x/q.sql", READS_OLD.encode() + b"\0")
    assert plan_repository(CAMPAIGN, builder.build()).skipped == ()


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("SELECT 'café' AS x\n".encode(), "utf-8"),
        ("\ufeffSELECT 1\r\n".encode(), "utf-8"),
        ("SELECT 'café €' AS x\n".encode("cp1252"), "cp1252"),
        (b"SELECT '\xe9\x81' AS x\n", "latin-1"),  # 0x81 is undefined in cp1252
    ],
    ids=["utf-8", "utf-8 BOM CRLF", "cp1252", "latin-1"],
)
def test_text_decodes_in_the_first_encoding_that_reads_it_and_round_trips(
    raw: bytes, encoding: str
) -> None:
    decoded = decode(raw)
    assert decoded is not None
    assert decoded.encoding == encoding
    assert decoded.text.encode(decoded.encoding) == raw


# Only a byte cp1252 leaves undefined (0x81) makes a file Latin-1 rather than cp1252.
OWN_CHARACTER = {"cp1252": "€", "latin-1": "\x81"}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_file_not_in_utf8_is_rewritten_in_its_own_encoding_byte_for_byte(encoding: str) -> None:
    before = f"-- Überblick {OWN_CHARACTER[encoding]}: Wiedergaben je Land\r\n"
    after = "\r\n-- Ende · fin\r\n"
    sql = "SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`"
    raw = (before + sql + after).encode(encoding)
    builder = SnapshotBuilder()
    builder.add("jobs/q.sql", raw)
    snapshot = builder.build()
    assert snapshot.encoding_of("jobs/q.sql") == encoding

    plan = plan_repository(CAMPAIGN, snapshot)

    [file] = plan.files
    assert file.action is Action.REWRITE
    written = plan.written_changes["jobs/q.sql"]
    assert isinstance(written, bytes)
    head, tail = before.encode(encoding), after.encode(encoding)
    assert written.startswith(head)
    assert written.endswith(tail)
    middle = written[len(head) : len(written) - len(tail)].decode("ascii")
    assert "core-proj.music.plays_v2" in middle
    assert "plays_v1" not in middle


def test_a_utf8_file_is_written_as_text() -> None:
    plan = plan_repository(CAMPAIGN, Snapshot({"jobs/q.sql": READS_OLD}))
    assert isinstance(plan.written_changes["jobs/q.sql"], str)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_an_edit_the_encoding_cannot_hold_skips_the_file_instead_of_garbling_it(
    encoding: str,
) -> None:
    # The guardrail comment quotes the guide, and U+015C exists in neither encoding.
    campaign = Campaign.model_validate({**PLAYS_V2, "guide": "https://wiki.example.com/m/\u015c"})
    sql = f"SELECT is_premium FROM `legacy-proj.music.plays_v1` -- café {OWN_CHARACTER[encoding]}\n"
    raw = sql.encode(encoding)
    builder = SnapshotBuilder()
    builder.add("jobs/q.sql", raw)

    plan = plan_repository(campaign, builder.build())

    assert plan.changes == {}
    [skipped] = plan.skipped
    assert (skipped.path, skipped.reason) == ("jobs/q.sql", SkipReason.UNWRITABLE)
    assert (
        skipped.describe() == f"the rewrite cannot be written in the file's encoding ({encoding})"
    )


def test_a_plain_mapping_still_plans_as_utf8_text_with_nothing_skipped() -> None:
    plan = plan_repository(CAMPAIGN, {"jobs/q.sql": READS_OLD})
    assert plan.skipped == ()
    assert set(plan.changes) == {"jobs/q.sql"}


def test_past_the_bound_on_kept_raw_bytes_a_skipped_file_is_reported_as_not_scanned() -> None:
    builder = SnapshotBuilder(max_skipped_bytes=100)
    builder.add("a.bin", b"\0" * 60)
    builder.add("b.bin", b"\0" * 60)  # would pass the bound: kept without its bytes
    plan = plan_repository(CAMPAIGN, builder.build())
    assert [(s.path, s.describe()) for s in plan.skipped] == [
        ("b.bin", "contains NUL bytes, not scanned")
    ]


def test_changes_are_encoded_in_each_files_own_encoding() -> None:
    changes = {"a.sql": "-- é\nSELECT 1\n", "b.sql": "-- é\nSELECT 2\n"}
    written = encode_changes(changes, {"b.sql": "cp1252"})
    assert written == {"a.sql": "-- é\nSELECT 1\n", "b.sql": b"-- \xe9\nSELECT 2\n"}


def test_a_change_its_files_encoding_cannot_hold_is_refused_with_the_path() -> None:
    with pytest.raises(UnwritableChangeError) as refused:
        encode_changes({"a.sql": "-- v1 → v2\n"}, {"a.sql": "latin-1"})
    assert (refused.value.path, refused.value.encoding) == ("a.sql", "latin-1")
