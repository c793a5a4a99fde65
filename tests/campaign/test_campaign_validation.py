"""Contract section 1: a campaign is validated strictly, every problem with its path and line."""

from pathlib import Path

import pytest

from bot.spec import (
    Campaign,
    CampaignError,
    CampaignIssue,
    load_campaign,
    load_campaign_file,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "plays-v2" / "campaign.yml"
ONLY_BIGQUERY = "the engine migrates 'bigquery' SQL only"


def issues(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(CampaignError) as caught:
        load_campaign(text)
    return [(issue.path, issue.line, issue.message) for issue in caught.value.errors]


def test_full_example_is_read_as_written(valid_yaml: str) -> None:
    campaign = load_campaign(valid_yaml)

    assert (campaign.id, campaign.title, campaign.dialect) == (
        "plays-v2",
        "Move consumers of plays_v1 to plays_v2",
        "bigquery",
    )
    assert campaign.guide == "https://wiki.example.com/migrations/plays-v2"
    (table,) = campaign.tables
    assert table.old_name.parts == ("legacy-proj", "music", "plays_v1")
    assert str(table.new_name) == "core-proj.music.plays_v2"
    assert table.columns == {
        "track_uri": "track_id",
        "ms_played": "duration_ms",
        "played_date": "DATE(played_at)",
        "country": "geo.country_code",
        "is_premium": None,
    }
    assert table.old_columns is not None
    assert table.old_columns[-1] == "platform"
    assert table.new_columns is not None
    assert table.new_columns["geo"] == "STRUCT<country_code STRING>"
    assert (campaign.scope.repos, campaign.scope.exclude) == (["acme/*"], ["acme/sandbox-*"])


def test_minimal_campaign_gets_defaults() -> None:
    campaign = load_campaign(
        "id: p2\ntitle: t\nguide: http://wiki.local/p2\n"
        "tables:\n  - {old: a-proj.d.t1, new: a-proj.d.t2}\n"
    )

    assert campaign.dialect == "bigquery"
    assert campaign.tables[0].columns == {}
    assert campaign.tables[0].old_columns is None
    assert campaign.scope.repos == ["*/*"]
    assert campaign.scope.exclude == []


def test_the_shipped_example_campaign_is_valid() -> None:
    campaign = load_campaign_file(EXAMPLE)

    assert campaign.id == "plays-v2"
    assert campaign.tables[0].old == "legacy-proj.music.plays_v1"


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yml"
    path.write_text("id: x\n", encoding="utf-8")

    with pytest.raises(CampaignError) as caught:
        load_campaign_file(path)

    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path} is not a valid campaign (4 problems):\n")


# (replace this, with that) in the valid document -> the exact problems reported.
EDIT_CASES = [
    (
        "id: plays-v2",
        "id: Plays_V2",
        [
            (
                "id",
                1,
                "must be 2-63 lowercase letters, digits and hyphens, starting with a letter "
                "or digit (it becomes part of branch names)",
            )
        ],
    ),
    (
        "title: Move consumers of plays_v1 to plays_v2\n",
        "",
        [("title", None, "required key is missing")],
    ),
    (
        "title: Move consumers of plays_v1 to plays_v2",
        'title: "  "',
        [("title", 2, "must not be empty")],
    ),
    (
        "title: Move consumers of plays_v1 to plays_v2",
        "title: 2024-05-01",
        [("title", 2, "expected a string, got a date (quote it)")],
    ),
    (
        "title: Move consumers of plays_v1 to plays_v2",
        "title:",
        [("title", 2, "expected a string, got null")],
    ),
    (
        "guide: https://wiki.example.com/migrations/plays-v2",
        "guide: ftp://wiki.example.com/plays-v2",
        [("guide", 3, "expected an http(s) URL, got 'ftp://wiki.example.com/plays-v2'")],
    ),
    (
        "guide: https://wiki.example.com/migrations/plays-v2",
        "guide: wiki.example.com/plays-v2",
        [("guide", 3, "expected an http(s) URL, got 'wiki.example.com/plays-v2'")],
    ),
    (
        "dialect: bigquery",
        "dialect: bigqueri",
        [("dialect", 4, f"unsupported SQL dialect 'bigqueri': {ONLY_BIGQUERY}")],
    ),
    (
        "dialect: bigquery",
        "dialect: bigquery\nowner: data-eng",
        [
            (
                "owner",
                5,
                "unknown key (expected one of: "
                "id, title, guide, dialect, tables, scope, agent, verify, usage)",
            )
        ],
    ),
    (
        "    old_columns:",
        "    old_colums:",
        [("tables[0].old_colums", 14, "unknown key (did you mean 'old_columns'?)")],
    ),
    (
        "  exclude:",
        "  excludes:",
        [("scope.excludes", 24, "unknown key (did you mean 'exclude'?)")],
    ),
    (
        "old: legacy-proj.music.plays_v1",
        "old: music.plays_v1",
        [("tables[0].old", 6, "expected project.dataset.table, got 'music.plays_v1'")],
    ),
    (
        "old: legacy-proj.music.plays_v1",
        "old: Legacy-Proj.music.plays_v1",
        [
            (
                "tables[0].old",
                6,
                "'Legacy-Proj' is not a BigQuery project id "
                "(lowercase letters, digits and hyphens, starting with a letter)",
            )
        ],
    ),
    (
        "new: core-proj.music.plays_v2",
        "new: core-proj.music.plays-v2",
        [("tables[0].new", 7, "'plays-v2' is not a table name (letters, digits, underscores)")],
    ),
    (
        "new: core-proj.music.plays_v2",
        "new: legacy-proj.music.plays_v1",
        [("tables[0].new", 7, "must differ from old")],
    ),
    (
        "played_date: DATE(played_at)",
        "played_date: DATE(played_at",
        [("tables[0].columns.played_date", 11, "not a bigquery SQL expression (Expecting ))")],
    ),
    (
        "ms_played: duration_ms",
        "ms_played: SUM(duration_ms)",
        [("tables[0].columns.ms_played", 10, "must be a scalar expression, not an aggregate")],
    ),
    (
        "ms_played: duration_ms",
        "ms_played: (SELECT MAX(duration_ms) FROM t)",
        [("tables[0].columns.ms_played", 10, "must be a scalar expression, not a query")],
    ),
    (
        "ms_played: duration_ms",
        "ms_played: ROW_NUMBER() OVER (ORDER BY duration_ms)",
        [("tables[0].columns.ms_played", 10, "must be a scalar expression, not a window function")],
    ),
    (
        "ms_played: duration_ms",
        "ms_played: duration_ms; platform",
        [
            (
                "tables[0].columns.ms_played",
                10,
                "must be a scalar expression, not several statements",
            )
        ],
    ),
    (
        "ms_played: duration_ms",
        "ms_played: DELETE FROM t WHERE TRUE",
        [
            (
                "tables[0].columns.ms_played",
                10,
                "not a bigquery SQL expression (Invalid expression / Unexpected token)",
            )
        ],
    ),
    (
        "is_premium: null",
        'is_premium: ""',
        [
            (
                "tables[0].columns.is_premium",
                13,
                "not a bigquery SQL expression (No expression was parsed from '')",
            )
        ],
    ),
    (
        "is_premium: null",
        "is_premium: false",
        [("tables[0].columns.is_premium", 13, "expected a string, got a boolean (quote it)")],
    ),
    (
        "played_date: DATE(played_at)",
        "played_date: DATE(played_ts)",
        [("tables[0].columns.played_date", 11, "reads 'played_ts', which is not in new_columns")],
    ),
    (
        "country: geo.country_code",
        "country: location.country_code",
        [("tables[0].columns.country", 12, "reads 'location', which is not in new_columns")],
    ),
    (
        "country: geo.country_code",
        "region: GEO.country_code",
        [("tables[0].columns.region", 12, "'region' is not in old_columns")],
    ),
    (
        "country: geo.country_code",
        '"home country": geo.country_code',
        [
            ("tables[0].columns['home country']", 12, "'home country' is not a column name"),
            ("tables[0].columns['home country']", 12, "'home country' is not in old_columns"),
        ],
    ),
    (
        "      is_premium: null",
        "      is_premium: null\n      Track_URI: track_id",
        [("tables[0].columns.Track_URI", 14, "'Track_URI' is listed twice (as 'track_uri')")],
    ),
    (
        "is_premium, platform]",
        "is_premium, platform, User_Id]",
        [("tables[0].old_columns[7]", 14, "'User_Id' is listed twice (as 'user_id')")],
    ),
    (
        "      platform: STRING",
        "      platform: STRNG",
        [("tables[0].new_columns.platform", 21, "not a bigquery type")],
    ),
    (
        'repos: ["acme/*"]',
        'repos: ["acme"]',
        [("scope.repos[0]", 23, "expected an owner/name glob such as 'acme/*', got 'acme'")],
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), EDIT_CASES)
def test_each_problem_names_its_path_and_line(
    valid_yaml: str, old: str, new: str, expected: list[tuple[str, int | None, str]]
) -> None:
    assert old in valid_yaml
    assert issues(valid_yaml.replace(old, new, 1)) == expected


def test_a_campaign_needs_a_table() -> None:
    assert issues("id: p2\ntitle: t\nguide: https://w.io/p\ntables: []\n") == [
        ("tables", 4, "at least one table is required")
    ]


def test_a_table_is_migrated_once(valid_yaml: str) -> None:
    second = "  - old: legacy-proj.music.plays_v1\n    new: core-proj.music.plays_v3\nscope:"
    assert issues(valid_yaml.replace("scope:", second)) == [
        (
            "tables[1].old",
            22,
            "legacy-proj.music.plays_v1 is already migrated by tables[0]",
        )
    ]


@pytest.mark.parametrize("dialect", ["spark", "tsql", "duckdb", "snowflake"])
def test_only_the_dialects_the_engine_migrates_are_accepted(valid_yaml: str, dialect: str) -> None:
    # Other sqlglot dialects parse, but table names, quoting and scripting are BigQuery's:
    # a campaign in one of them would guard or miss plain references.
    changed = valid_yaml.replace("dialect: bigquery", f"dialect: {dialect}")

    assert issues(changed) == [
        ("dialect", 4, f"unsupported SQL dialect '{dialect}': {ONLY_BIGQUERY}")
    ]


def test_sql_is_not_judged_in_an_unknown_dialect(valid_yaml: str) -> None:
    broken = valid_yaml.replace("dialect: bigquery", "dialect: big-query").replace(
        "ms_played: duration_ms", "ms_played: SUM(duration_ms)"
    )

    assert issues(broken) == [
        ("dialect", 4, f"unsupported SQL dialect 'big-query': {ONLY_BIGQUERY}")
    ]


def test_models_built_in_code_check_their_dialect() -> None:
    with pytest.raises(ValueError, match="unsupported SQL dialect 'tsql'"):
        Campaign(
            id="p2",
            title="t",
            guide="https://w.io/p",
            dialect="tsql",
            tables=[{"old": "a-proj.d.t1", "new": "a-proj.d.t2"}],
        )


def test_models_built_in_code_are_validated_too() -> None:
    with pytest.raises(ValueError, match="must differ from old"):
        Campaign(
            id="p2",
            title="t",
            guide="https://w.io/p",
            tables=[{"old": "a-proj.d.t1", "new": "a-proj.d.t1"}],
        )


def test_wrong_shapes_are_reported_with_their_lines() -> None:
    document = (
        "id: [p2]\ntitle: t\nguide: https://w.io/p\ntables:\n  old: a-proj.d.t1\nscope: acme/*\n"
    )

    assert issues(document) == [
        ("id", 1, "expected a string, got a list"),
        ("tables", 4, "expected a list"),
        ("scope", 6, "expected a mapping"),
    ]


def test_every_problem_is_reported_at_once(valid_yaml: str) -> None:
    broken = (
        valid_yaml.replace("id: plays-v2", "id: -plays")
        .replace("dialect: bigquery", "dialect: bigquery\ntitel: Plays")
        .replace("ms_played: duration_ms", "ms_played: SUM(duration_ms)")
        .replace("played_date: DATE(played_at)", "played_date: DATE(played_ts)")
        .replace('exclude: ["acme/sandbox-*"]', "exclude: [sandbox]")
    )

    with pytest.raises(CampaignError) as caught:
        load_campaign(broken, source="plays-v2.yml")

    assert caught.value.errors == [
        CampaignIssue(
            "id",
            1,
            "must be 2-63 lowercase letters, digits and hyphens, starting with a letter "
            "or digit (it becomes part of branch names)",
        ),
        CampaignIssue("titel", 5, "unknown key (did you mean 'title'?)"),
        CampaignIssue(
            "tables[0].columns.ms_played", 11, "must be a scalar expression, not an aggregate"
        ),
        CampaignIssue(
            "tables[0].columns.played_date", 12, "reads 'played_ts', which is not in new_columns"
        ),
        CampaignIssue(
            "scope.exclude[0]", 25, "expected an owner/name glob such as 'acme/*', got 'sandbox'"
        ),
    ]
    assert str(caught.value).splitlines()[:2] == [
        "plays-v2.yml is not a valid campaign (5 problems):",
        "  - line 1: id: must be 2-63 lowercase letters, digits and hyphens, starting with a "
        "letter or digit (it becomes part of branch names)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: p2\ntitle: t\nid: p3\n",
            (
                "",
                3,
                'invalid YAML: found duplicate key "id" with value "p3" (original value: "p2")',
            ),
        ),
        (
            "id: p2\ntables: [\n",
            (
                "",
                2,
                "invalid YAML: the [ opened at column 9 is still open at line 3 (while parsing "
                "a flow node: expected the node content, but found '<stream end>')",
            ),
        ),
        (
            'id: p2\ntitle: "Move plays\nguide: https://wiki.example.com/g\ntables: []\n',
            (
                "",
                2,
                "invalid YAML: the quote opened at column 8 is still open at line 5 "
                "(while scanning a quoted scalar: found unexpected end of stream)",
            ),
        ),
        (
            "id: p2\nscope:\n  include: [acme/*, acme/jobs\nguide: g\n",
            (
                "",
                3,
                "invalid YAML: the [ opened at column 12 is still open at line 4 "
                "(while parsing a flow sequence: expected ',' or ']', but got ':')",
            ),
        ),
        (
            "id: p2\nscope: {include: [acme/*]\nguide: g\n",
            (
                "",
                2,
                "invalid YAML: the { opened at column 8 is still open at line 3 "
                "(while parsing a flow mapping: expected ',' or '}', but got '<scalar>')",
            ),
        ),
        (
            'id: p2\ntitle: "a\\qb"\n',
            (
                "",
                2,
                "invalid YAML: while scanning a double-quoted scalar: "
                "found unknown escape character 'q'",
            ),
        ),
        (
            "id: p2\ntables: [a, b: c: d]\n",
            (
                "",
                2,
                "invalid YAML: while parsing a flow sequence: expected ',' or ']', but got ':'",
            ),
        ),
        (
            "id: p2\n---\nid: p3\n",
            (
                "",
                2,
                "invalid YAML: expected a single document in the stream: "
                "but found another document",
            ),
        ),
        (
            "- id: p2\n",
            ("", 1, "a campaign is a YAML mapping (id, title, guide, tables, ...), got a list"),
        ),
        (
            "# nothing yet\n",
            (
                "",
                1,
                "a campaign is a YAML mapping (id, title, guide, tables, ...), "
                "got an empty document",
            ),
        ),
    ],
)
def test_documents_that_are_not_campaigns(text: str, expected: tuple[str, int, str]) -> None:
    assert issues(text) == [expected]


MODES = """\
id: modes
title: Modes
guide: https://wiki.example.com/modes
tables:
  - old: p.d.t1
    new: p.d.t2
    new_columns:
      id: {type: STRING, mode: REQUIRED}
      tags: {type: STRING, mode: repeated}
      seen: TIMESTAMP
      owner: {type: "STRUCT<name STRING>"}
"""


def test_new_columns_take_a_mode_next_to_the_type() -> None:
    table = load_campaign(MODES).tables[0]
    assert table.new_columns == {
        "id": "STRING",
        "tags": "ARRAY<STRING>",
        "seen": "TIMESTAMP",
        "owner": "STRUCT<name STRING>",
    }
    assert [table.mode(name) for name in ("id", "TAGS", "seen", "owner")] == [
        "REQUIRED",
        "REPEATED",
        "NULLABLE",
        "NULLABLE",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{type: STRING, mode: SOMETIMES}", "modes are NULLABLE, REQUIRED, REPEATED"),
        ("{type: STRING, required: true}", "must be a type or {type, mode}"),
        ("{mode: REQUIRED}", "must be a type or {type, mode}"),
    ],
)
def test_a_wrong_mode_is_refused_with_its_column(entry: str, message: str) -> None:
    text = MODES.replace("{type: STRING, mode: REQUIRED}", entry)
    [(_, _, found)] = issues(text)
    assert "'id'" in found
    assert message in found
