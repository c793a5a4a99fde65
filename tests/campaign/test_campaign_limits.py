"""Every dimension of a campaign is bounded, and each refusal names its limit and where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.spec import (
    CAMPAIGN_LIMITS,
    CampaignError,
    campaign_from_markdown,
    load_campaign,
    load_campaign_file,
)

HEAD = "id: p2\ntitle: t\nguide: https://wiki.example.com/p2\n"
TABLE = "  - {old: a-proj.d.t1, new: a-proj.d.t2}\n"
MINIMAL = HEAD + "tables:\n" + TABLE
DEEP = f"nested more than {CAMPAIGN_LIMITS.max_depth} mappings or lists deep (the limit)"


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(CampaignError) as caught:
        load_campaign(text)
    return [(issue.path, issue.line, issue.message) for issue in caught.value.errors]


def _alias_bomb() -> str:
    """The billion-laughs shape: each level nine aliases of the one before (9^9 strings)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "scope:\n  repos: *a8\n" + "\n".join(lines) + "\n"


def _columns(count: int) -> str:
    names = ", ".join(f"c{i}" for i in range(count))
    return (
        HEAD + f"tables:\n  - old: a-proj.d.t1\n    new: a-proj.d.t2\n    old_columns: [{names}]\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            MINIMAL + _alias_bomb(),
            [("", 7, "YAML anchors and aliases (*a8) are not accepted in a campaign")],
            id="alias-bomb",
        ),
        pytest.param(
            HEAD + "base: &b {old: a-proj.d.t1, new: a-proj.d.t2}\ntables:\n  - *b\n",
            [("", 4, "YAML anchors and aliases (&b) are not accepted in a campaign")],
            id="anchor",
        ),
        pytest.param(
            MINIMAL + "scope: " + "[" * 5_000 + "]" * 5_000 + "\n",
            [
                (
                    "",
                    6,
                    DEEP,
                )
            ],
            id="deep-flow",
        ),
        pytest.param(
            MINIMAL + "scope:\n" + "".join(f"{'  ' * (d + 1)}k{d}:\n" for d in range(40)),
            [
                (
                    "",
                    16,
                    DEEP,
                )
            ],
            id="deep-block",
        ),
        pytest.param(
            HEAD + "tables:\n" + TABLE * (CAMPAIGN_LIMITS.max_tables + 1),
            [("tables", 4, f"{CAMPAIGN_LIMITS.max_tables + 1} tables, more than the limit of 200")],
            id="tables",
        ),
        pytest.param(
            _columns(CAMPAIGN_LIMITS.max_columns + 1),
            [
                (
                    "tables[0].old_columns",
                    7,
                    f"{CAMPAIGN_LIMITS.max_columns + 1:,} old_columns, more than the limit of "
                    f"{CAMPAIGN_LIMITS.max_columns:,}",
                )
            ],
            id="columns",
        ),
        pytest.param(
            MINIMAL.replace("t2}", "t2, columns: {a: '" + "(" * 990 + "x" + ")" * 990 + "'}}"),
            [("tables[0].columns.a", 5, "nested too deeply to be a column mapping")],
            id="deep-expression",
        ),
        pytest.param(
            MINIMAL.replace("t2}", "t2, columns: {a: '" + "x + " * 600 + "x'}}"),
            [("tables[0].columns.a", 5, "2,401 characters, more than the limit of 2,000")],
            id="long-expression",
        ),
        pytest.param(
            MINIMAL.replace(
                "t2}", "t2, new_columns: {a: '" + "ARRAY<" * 300 + "INT64" + ">" * 300 + "'}}"
            ),
            [("tables[0].new_columns.a", 5, "2,105 characters, more than the limit of 2,000")],
            id="long-type",
        ),
    ],
)
def test_a_campaign_beyond_a_limit_is_refused_naming_it(
    text: str, expected: list[tuple[str, int | None, str]]
) -> None:
    assert problems(text) == expected


def test_a_body_beyond_the_size_limit_is_refused_before_it_is_parsed() -> None:
    padding = "# " + "x" * CAMPAIGN_LIMITS.max_bytes + "\n"

    assert problems(MINIMAL + padding) == [
        ("", 1, f"the campaign is {len(MINIMAL + padding):,} bytes, more than the limit of 262,144")
    ]
    with pytest.raises(CampaignError) as caught:
        campaign_from_markdown("```yaml\n" + MINIMAL + "```\n" + padding)
    [issue] = caught.value.errors
    assert "more than the limit of 262,144" in issue.message


def test_a_campaign_at_every_limit_is_accepted() -> None:
    tables = "".join(
        f"  - {{old: a-proj.d.t{i}, new: b-proj.d.t{i}}}\n"
        for i in range(CAMPAIGN_LIMITS.max_tables)
    )
    campaign = load_campaign(HEAD + "tables:\n" + tables)
    assert len(campaign.tables) == CAMPAIGN_LIMITS.max_tables

    columns = load_campaign(_columns(CAMPAIGN_LIMITS.max_columns))
    assert len(columns.tables[0].old_columns or []) == CAMPAIGN_LIMITS.max_columns


def test_deep_nesting_in_an_issue_is_a_validation_error_with_the_markdown_line() -> None:
    body = (
        "Intro\n\n```yaml\n" + MINIMAL + "scope: " + "{a: " * 3_000 + "1" + "}" * 3_000 + "\n```\n"
    )

    with pytest.raises(CampaignError) as caught:
        campaign_from_markdown(body)

    [issue] = caught.value.errors
    assert (issue.line, issue.message) == (
        9,
        "nested more than 10 mappings or lists deep (the limit)",
    )


def test_a_campaign_file_beyond_the_size_limit_is_refused_without_reading_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.yml"
    path.write_bytes(MINIMAL.encode() + b"#" * CAMPAIGN_LIMITS.max_bytes)

    with pytest.raises(CampaignError) as caught:
        load_campaign_file(path)

    [issue] = caught.value.errors
    assert caught.value.source == str(path)
    assert issue.message == (
        f"the campaign is {path.stat().st_size:,} bytes, more than the limit of 262,144"
    )
