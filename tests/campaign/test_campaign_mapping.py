"""How a table mapping answers the engine, and when a campaign counts as changed."""

import re
import warnings

import pytest

from bot.spec import ColumnTarget, TableMapping, load_campaign, spec_hash

MAPPING = TableMapping(
    old="legacy-proj.music.plays_v1",
    new="core-proj.music.plays_v2",
    columns={
        "track_uri": "track_id",
        "played_date": "DATE(played_at)",
        "is_premium": None,
        "user_id": "USER_ID",
    },
    old_columns=["user_id", "track_uri", "played_date", "is_premium", "platform", "session_id"],
    new_columns={
        "user_id": "STRING",
        "track_id": "STRING",
        "played_at": "TIMESTAMP",
        "platform": "STRING",
    },
)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("track_uri", ColumnTarget("track_uri", "track_id", changed=True)),
        ("TRACK_URI", ColumnTarget("TRACK_URI", "track_id", changed=True)),
        ("played_date", ColumnTarget("played_date", "DATE(played_at)", changed=True)),
        ("Is_Premium", ColumnTarget("Is_Premium", None, changed=True)),
        ("user_id", ColumnTarget("user_id", "USER_ID", changed=False)),
        ("platform", ColumnTarget("platform", "platform", changed=False)),
        ("Platform", ColumnTarget("Platform", "Platform", changed=False)),
        ("session_id", ColumnTarget("session_id", None, changed=True)),
    ],
)
def test_target(column: str, expected: ColumnTarget) -> None:
    assert MAPPING.target(column) == expected
    assert MAPPING.changes(column) is expected.changed


def test_target_without_new_columns_keeps_unlisted_columns() -> None:
    mapping = TableMapping(old="a-proj.d.t1", new="a-proj.d.t2", columns={"a": "b"})

    assert mapping.target("session_id") == ColumnTarget("session_id", "session_id", changed=False)
    assert mapping.target("A") == ColumnTarget("A", "b", changed=True)
    assert not mapping.changes("session_id")
    assert mapping.changes("A")


@pytest.mark.parametrize(
    ("column", "expected"),
    [("user_id", True), ("PLATFORM", True), ("track_id", False), ("geo", False)],
)
def test_owns_follows_old_columns_case_insensitively(column: str, expected: bool) -> None:
    assert MAPPING.owns(column) is expected


def test_owns_is_unknown_without_old_columns() -> None:
    mapping = TableMapping(old="a-proj.d.t1", new="a-proj.d.t2", columns={"a": "b"})

    assert mapping.owns("a") is None


def test_hash_ignores_layout_comments_order_and_spelled_out_defaults(valid_yaml: str) -> None:
    reordered = (
        "# plays-v2 campaign\n"
        "scope: {exclude: ['acme/sandbox-*'], repos: ['acme/*']}\n"
        + valid_yaml.split("scope:")[0].replace("dialect: bigquery\n", "")
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = spec_hash(load_campaign(valid_yaml))
    assert first == spec_hash(load_campaign(reordered))
    assert re.fullmatch(r"[0-9a-f]{64}", first)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("played_date: DATE(played_at)", "played_date: DATE(played_at, 'UTC')"),
        ("is_premium: null", "is_premium: 'FALSE'"),
        ("migrations/plays-v2", "migrations/plays-v2-final"),
        ("track_uri, ms_played", "ms_played, track_uri"),
        ('exclude: ["acme/sandbox-*"]', "exclude: []"),
    ],
)
def test_hash_changes_with_anything_meaningful(valid_yaml: str, old: str, new: str) -> None:
    assert old in valid_yaml
    changed = load_campaign(valid_yaml.replace(old, new))

    assert spec_hash(changed) != spec_hash(load_campaign(valid_yaml))


def test_hash_changes_when_a_column_becomes_required_and_not_when_nullable_is_spelled_out(
    valid_yaml: str,
) -> None:
    plain = "      duration_ms: INT64\n"
    assert plain in valid_yaml
    required = valid_yaml.replace(plain, "      duration_ms: {type: INT64, mode: REQUIRED}\n")
    nullable = valid_yaml.replace(plain, "      duration_ms: {type: INT64, mode: NULLABLE}\n")
    base = spec_hash(load_campaign(valid_yaml))

    assert spec_hash(load_campaign(required)) != base
    assert spec_hash(load_campaign(nullable)) == base
