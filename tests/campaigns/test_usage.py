"""Usage evidence: jobs from BigQuery's history matched to consumers found in code."""

from __future__ import annotations

import json

import pytest
from campaigns_data import CAMPAIGN_YAML

from bot.campaigns.usage import (
    MAX_JOBS,
    UsageExportError,
    fingerprints,
    jobs_reading,
    match_jobs,
    parse_jobs_export,
    query_id,
)
from bot.spec import load_campaign

OLD = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "plays_v1"}
OTHER = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "tracks"}
CODE = (
    "-- daily\nSELECT user_id,\n  COUNT(*) AS plays\nFROM `legacy-proj.music.plays_v1`\n"
    "GROUP BY 1;\n"
)


def job(
    job_id: str, query: str | None, tables: list[dict[str, str]], **extra: object
) -> dict[str, object]:
    return {
        "job_id": job_id,
        "user_email": "etl@acme.example",
        "creation_time": "2026-11-30 10:00:00",
        "referenced_tables": tables,
        "query": query,
        **extra,
    }


EXPORT = [
    job(
        "ran-from-code",
        "select user_id, count(*) as plays from `legacy-proj.music.plays_v1` group by 1",
        [OLD],
    ),
    job("notebook", "SELECT * FROM `legacy-proj.music.plays_v1` LIMIT 10", [OLD]),
    job("labelled", "SELECT 1", [OLD], labels=[{"key": "repo", "value": "acme-dbt"}]),
    job("other-table", "SELECT * FROM `legacy-proj.music.tracks`", [OTHER]),
]


def test_jobs_are_matched_by_query_text_or_label_and_the_rest_are_residual() -> None:
    campaign = load_campaign(CAMPAIGN_YAML)
    jobs = jobs_reading(parse_jobs_export(json.dumps(EXPORT)), campaign)
    assert [j.job_id for j in jobs] == ["ran-from-code", "notebook", "labelled"]
    evidence = match_jobs(
        jobs, {"acme/jobs": {"jobs/daily.sql": CODE}, "acme/acme-dbt": {"models/m.sql": "{{ x }}"}}
    )
    assert [(m.job.job_id, m.repo, m.path) for m in evidence.matched] == [
        ("ran-from-code", "acme/jobs", "jobs/daily.sql"),
        ("labelled", "acme/acme-dbt", None),
    ]
    assert [j.job_id for j in evidence.unmatched] == ["notebook"]
    [residual] = evidence.residuals(["legacy-proj.music.plays_v1"])
    assert residual.where == f"warehouse:{query_id(EXPORT[1]['query'])}"  # type: ignore[arg-type]
    assert residual.table == "legacy-proj.music.plays_v1"
    assert residual.detail == (
        "read the old table in the 1 day exported (1 job, last 2026-11-30 10:00:00,"
        " as etl@acme.example), not found in any repository"
    )


def test_json_lines_and_plain_labels_are_read_too() -> None:
    lines = "\n".join(json.dumps(j) for j in EXPORT[:2]) + "\n\n"
    assert [j.job_id for j in parse_jobs_export(lines)] == ["ran-from-code", "notebook"]
    [one] = parse_jobs_export(
        json.dumps([job("x", None, ["legacy-proj:music.plays_v1"], labels={"repo": "r"})])
    )
    assert one.referenced_tables == ("legacy-proj.music.plays_v1",)
    assert one.labels == {"repo": "r"}


def test_comments_case_and_layout_do_not_change_a_fingerprint() -> None:
    assert fingerprints(CODE) == fingerprints(
        "select USER_ID, count(*) as plays from `legacy-proj.music.plays_v1` group by 1"
    )
    assert fingerprints("SELECT 'A'") != fingerprints("SELECT 'a'")  # string values are kept
    assert len(fingerprints("SELECT 1; SELECT 2;")) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"job_id": "x"}\nnot json\n', "line 2 is not JSON"),
        ('{"jobs": []}', "job 1 has no job_id"),
        ("[1]", "job 1 is not an object"),
        ('[{"query": "SELECT 1"}]', "job 1 has no job_id"),
        ('[{"job_id": "a", "referenced_tables": "t"}]', "referenced_tables is not a list"),
        ('[{"job_id": "a", "labels": 3}]', "labels is neither a list nor an object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" + ",".join(['{"job_id": "a"}'] * (MAX_JOBS + 1)) + "]", f"more than {MAX_JOBS} jobs"),
    ],
)
def test_a_bad_export_is_refused_with_its_problem(text: str, problem: str) -> None:
    with pytest.raises(UsageExportError, match=problem):
        parse_jobs_export(text)
