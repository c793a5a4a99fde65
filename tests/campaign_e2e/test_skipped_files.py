"""The App on a repository holding a 1.5 MB file (planned) and one over the limit (skipped).

Reads go through the sandbox's REST API as in production; the limit is the one the
CLI applies (``bot.engine.snapshot.MAX_FILE_BYTES``), so the App plans what the CLI plans.
"""

from __future__ import annotations

from bot.demo.world import LEAD
from bot.engine.snapshot import MAX_FILE_BYTES
from tests.campaign_e2e.conftest import World

REPO = "acme/acme-web-frontend"
FILLER = "-- the nightly export keeps these notes for the auditors, one per run\n"
QUERY = "SELECT user_id, ms_played\nFROM `legacy-proj.music.plays_v1`\nWHERE ms_played > 0\n"


def _sql_of_size(size: int) -> str:
    return FILLER * (size // len(FILLER) + 1) + QUERY


def _push_files(world: World) -> tuple[str, str]:
    planned = _sql_of_size(1_600_000)  # over the App's former 1 MB limit, under the shared one
    too_large = _sql_of_size(MAX_FILE_BYTES + 500_000)
    world.sandbox.push(
        REPO,
        "main",
        {"sql/export.sql": planned, "sql/backfill.sql": too_large},
        message="Add the export queries",
        author=LEAD,
    )
    return planned, too_large


def test_a_file_over_the_limit_is_reported_and_one_under_it_is_migrated(world: World) -> None:
    world.sandbox.set_permission(REPO, LEAD, "write")
    planned, _ = _push_files(world)
    number = world.open_campaign()

    dashboard = world.dashboard(number) or ""
    [attention] = [line for line in dashboard.splitlines() if line.startswith("- acme/acme-web")]
    assert attention.endswith(
        "1 file naming an old table that Godwit could not read (too large, binary or a "
        "symlink): migrate by hand"
    )
    assert "sql/backfill.sql" in dashboard
    assert "skipped (too large (2.5 MB > 2 MB limit)) but names an old table" in dashboard

    world.command(number, "/migrate start")

    [pull] = [p for p in world.pulls() if p.repo == REPO]
    body = world.sandbox.issue(REPO, pull.number).body or ""
    assert "### Skipped files: migrate by hand" in body
    assert "/sql/backfill.sql): too large (2.5 MB > 2 MB limit)" in body
    written = world.sandbox.read_file(REPO, "godwit/plays-v2", "sql/export.sql").decode()
    filler = planned[: -len(QUERY)]
    assert written == filler + (
        "SELECT user_id, duration_ms AS ms_played\nFROM `core-proj.music.plays_v2`\n"
        "WHERE duration_ms > 0\n"
    )
    backfill = world.sandbox.read_file(REPO, "godwit/plays-v2", "sql/backfill.sql").decode()
    assert "legacy-proj.music.plays_v1" in backfill  # never written: a person migrates it
