"""Residual references: what a fresh plan of a default branch still reads, and waivers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from campaigns_data import CAMPAIGN_YAML

from bot.campaigns.residual import (
    MAX_WAIVER_REASON,
    ResidualKind,
    ResidualReference,
    Waiver,
    WaiverError,
    add_waiver,
    not_scanned,
    parse_waiver_target,
    readiness,
    residual_of_plan,
    unread_repository,
)
from bot.engine.planner import plan_repository
from bot.engine.snapshot import SnapshotBuilder
from bot.spec import load_campaign

AT = datetime(2026, 11, 2, tzinfo=UTC)
OLD = "legacy-proj.music.plays_v1"
REWRITABLE = "SELECT user_id\nFROM `legacy-proj.music.plays_v1`\n"
GUARDED = "SELECT user_id, is_premium\nFROM `legacy-proj.music.plays_v1`\n"


def residuals(files: dict[str, str]) -> tuple[ResidualReference, ...]:
    return residual_of_plan(
        "acme/jobs", plan_repository(load_campaign(CAMPAIGN_YAML), files), ref="c0"
    )


def test_a_rewritable_reader_and_a_guarded_one_both_count_with_their_lines() -> None:
    found = residuals({"a.sql": REWRITABLE, "b.sql": GUARDED, "c.sql": "SELECT 1\n"})
    assert [(r.path, r.line, r.kind, r.table, r.ref) for r in found] == [
        ("a.sql", 2, ResidualKind.READS, OLD, "c0"),
        ("b.sql", 2, ResidualKind.NEEDS_PERSON, OLD, "c0"),
    ]
    assert found[0].detail == "a rewrite is planned for this file"
    assert "is_premium has no equivalent" in (found[1].detail or "")
    assert found[1].where == "acme/jobs:b.sql:2"


def test_a_guardrail_already_in_the_file_still_reads_the_old_table() -> None:
    campaign = load_campaign(CAMPAIGN_YAML)
    guarded_once = plan_repository(campaign, {"b.sql": GUARDED}).changes["b.sql"]
    [again] = residual_of_plan("acme/jobs", plan_repository(campaign, {"b.sql": guarded_once}))
    assert again.kind is ResidualKind.NEEDS_PERSON


def test_a_skipped_file_naming_an_old_table_is_a_residual_reference() -> None:
    builder = SnapshotBuilder()
    builder.add("dump/plays.sql", REWRITABLE.encode() + b"\0")
    builder.add("img/logo.png", b"\x89PNG\0\0")
    builder.add_symlink("jobs/linked.sql", b"../dump/plays.sql")
    plan = plan_repository(load_campaign(CAMPAIGN_YAML), builder.build())

    [found] = residual_of_plan("acme/jobs", plan, ref="c0")

    assert (found.path, found.kind, found.ref) == ("dump/plays.sql", ResidualKind.SKIPPED, "c0")
    assert found.detail == ("skipped (contains NUL bytes) but names an old table: migrate by hand")
    assert not readiness([found]).safe_to_retire


def test_a_migrated_repository_reads_nothing() -> None:
    campaign = load_campaign(CAMPAIGN_YAML)
    migrated = plan_repository(campaign, {"a.sql": REWRITABLE}).changes
    assert residual_of_plan("acme/jobs", plan_repository(campaign, migrated)) == ()


def test_readiness_splits_open_from_waived() -> None:
    reading = residuals({"a.sql": REWRITABLE, "b.sql": GUARDED})
    unread = unread_repository("acme/huge", "too large to read")
    owed = not_scanned("acme/other", "the default branch changed")
    verdict = readiness(
        [*reading, unread, owed], [Waiver("ACME/jobs", "b.sql", "dropped next sprint", "lead", AT)]
    )
    assert not verdict.safe_to_retire
    assert [r.where for r in verdict.open] == ["acme/jobs:a.sql:2", "acme/huge", "acme/other"]
    assert [r.where for r, _ in verdict.waived] == ["acme/jobs:b.sql:2"]
    assert verdict.repos_reading == ("acme/jobs", "acme/huge", "acme/other")
    whole = Waiver("acme/jobs", None, "owned elsewhere", "lead", AT)
    assert [r.where for r in readiness(reading, [whole]).open] == []
    assert readiness([]).safe_to_retire


def test_residual_references_survive_the_store() -> None:
    for residual in residuals({"b.sql": GUARDED}):
        assert ResidualReference.from_json(residual.to_json()) == residual
    waiver = Waiver("acme/jobs", None, "why", "lead", AT)
    assert Waiver.from_json(waiver.to_json()) == waiver


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme/jobs", ("acme/jobs", None)),
        ("acme/jobs:jobs/a.sql", ("acme/jobs", "jobs/a.sql")),
        ("acme/jobs:/jobs/a.sql", ("acme/jobs", "jobs/a.sql")),
    ],
)
def test_waiver_targets(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_waiver_target(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("jobs", "is not OWNER/REPO or OWNER/REPO:PATH"),
        ("acme/jobs:", "is not a file path"),
        ("acme/jobs:../etc/passwd", "is not a file path"),
        ("acme/jobs:a`b", "is not a file path"),
    ],
)
def test_bad_waiver_targets_are_refused(text: str, problem: str) -> None:
    with pytest.raises(WaiverError, match=problem):
        parse_waiver_target(text)


def test_a_waiver_replaces_one_of_the_same_scope_and_needs_a_bounded_reason() -> None:
    first = add_waiver((), Waiver("acme/jobs", None, "  first \n reason ", "lead", AT))
    assert [w.reason for w in first] == ["first reason"]
    second = add_waiver(first, Waiver("ACME/jobs", None, "second", "lead", AT))
    assert [w.reason for w in second] == ["second"]
    with pytest.raises(WaiverError, match="give a reason"):
        add_waiver((), Waiver("acme/jobs", None, "  ", "lead", AT))
    with pytest.raises(WaiverError, match=f"longer than {MAX_WAIVER_REASON}"):
        add_waiver((), Waiver("acme/jobs", None, "x" * (MAX_WAIVER_REASON + 1), "lead", AT))


def test_a_consumer_in_a_protected_path_still_reads_and_needs_a_person() -> None:
    [found] = residuals({".github/workflows/nightly.sql": REWRITABLE})
    assert found.kind is ResidualKind.NEEDS_PERSON
    assert found.path == ".github/workflows/nightly.sql"
    assert (found.detail or "").startswith("protected path (")
    assert (found.detail or "").endswith("): migrate by hand")
