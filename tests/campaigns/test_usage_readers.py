"""Readers the job history shows outside the repositories: grouped, named, waivable, located."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from campaigns_data import CAMPAIGN_YAML

from bot.campaigns.residual import (
    WAREHOUSE,
    ResidualKind,
    ResidualReference,
    Waiver,
    WaiverError,
    parse_waiver_target,
    readiness,
)
from bot.campaigns.usage import (
    ExportLocation,
    UsageExportError,
    export_location,
    jobs_reading,
    match_jobs,
    parse_jobs_export,
    query_id,
)
from bot.spec import CampaignError, load_campaign, spec_hash

OLD = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "plays_v1"}
REPORT = "SELECT country, COUNT(*) FROM `legacy-proj.music.plays_v1` GROUP BY country"
AT = datetime(2026, 12, 1, tzinfo=UTC)


def run(job_id: str, query: str | None, day: str, **labels: str) -> dict[str, object]:
    return {
        "job_id": job_id,
        "user_email": f"{job_id}@acme.example",
        "creation_time": f"2026-11-{day} 06:00:00 UTC",
        "referenced_tables": [OLD],
        "query": query,
        "labels": [{"key": k, "value": v} for k, v in labels.items()],
    }


def readers(export: list[dict[str, object]]) -> tuple[ResidualReference, ...]:
    campaign = load_campaign(CAMPAIGN_YAML)
    jobs = jobs_reading(parse_jobs_export(json.dumps(export)), campaign)
    return match_jobs(jobs, {}).residuals([t.old for t in campaign.tables])


def test_the_runs_of_one_scheduled_query_are_one_reader_named_by_its_query() -> None:
    export = [
        run("daily-02", REPORT, "02", dag="finance_report", team="finance"),
        run(
            "daily-30", REPORT.lower().replace("count(*)", "count( * )"), "30", dag="finance_report"
        ),
        run("console", None, "15"),
    ]
    scheduled, console = readers(export)
    assert scheduled.repo == WAREHOUSE
    assert scheduled.kind is ResidualKind.WAREHOUSE
    assert scheduled.path == query_id(REPORT)
    assert scheduled.path is not None
    assert scheduled.path.startswith("q")
    assert len(scheduled.path) == 13
    assert scheduled.detail == (
        "read the old table in the 29 days exported (2 jobs, last 2026-11-30 06:00:00 UTC,"
        " as daily-02@acme.example, daily-30@acme.example), not found in any repository"
    )
    assert scheduled.aliases == ("dag=finance_report",)  # team= is not on every run
    assert console.path == "job:console"  # no query text: no query id, only its job
    assert ResidualReference.from_json(scheduled.to_json()) == scheduled


def test_a_query_id_is_the_same_for_the_same_query_in_another_layout_only() -> None:
    assert query_id(REPORT) == query_id("-- nightly\n" + REPORT.lower() + ";")
    assert query_id(REPORT) != query_id(REPORT.replace("country", "platform"))
    assert query_id("SELECT 1; SELECT 2") is None
    assert query_id(None) is None


def test_a_reader_is_waived_by_its_query_id_or_a_label_all_its_jobs_carry() -> None:
    export = [run("a", REPORT, "01", dag="finance_report"), run("b", "SELECT 2", "02")]
    scheduled, other = readers(export)
    by_label = Waiver(*parse_waiver_target("warehouse:dag=finance_report"), "moves", "lead", AT)
    assert [r for r, _ in readiness([scheduled, other], [by_label]).waived] == [scheduled]
    by_query = Waiver(*parse_waiver_target(f"warehouse:{other.path}"), "ad hoc", "lead", AT)
    assert readiness([scheduled, other], [by_query]).open == (scheduled,)
    everything = Waiver(*parse_waiver_target("warehouse"), "not ours", "lead", AT)
    assert readiness([scheduled, other], [everything]).safe_to_retire
    repo_wide = Waiver("acme/jobs", None, "no", "lead", AT)
    assert not readiness([scheduled], [repo_wide]).safe_to_retire


@pytest.mark.parametrize(
    "target", ["warehouse:select", "warehouse:q123", "warehouse:Dag=X", "warehouse:job:a b"]
)
def test_a_warehouse_waiver_names_a_query_id_a_label_or_a_job(target: str) -> None:
    with pytest.raises(WaiverError, match="neither a query id"):
        parse_waiver_target(target)


WEB = "https://github.com"


@pytest.mark.parametrize(
    ("written", "location"),
    [
        (
            "acme/warehouse/exports/jobs.jsonl",
            ExportLocation("acme/warehouse", "exports/jobs.jsonl", None),
        ),
        ("acme/warehouse/jobs.json", ExportLocation("acme/warehouse", "jobs.json", None)),
        (
            f"{WEB}/acme/warehouse/blob/main/exports/jobs.jsonl",
            ExportLocation("acme/warehouse", "exports/jobs.jsonl", "main"),
        ),
        (
            f"{WEB}/acme/warehouse/blob/{'a' * 40}/jobs.json#L3",
            ExportLocation("acme/warehouse", "jobs.json", "a" * 40),
        ),
    ],
)
def test_the_app_reads_the_export_from_a_repository_file(
    written: str, location: ExportLocation
) -> None:
    assert export_location(written, WEB) == location


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("jobs.jsonl", "does not name a file of a repository"),
        ("acme/warehouse", "does not name a file of a repository"),
        ("https://evil.example/acme/warehouse/blob/main/jobs.json", "not a link to a file on"),
        (f"{WEB}/acme/warehouse/tree/main/exports", "not a link to a file"),
        ("acme/warehouse/a/../b.json", "'..' is not allowed"),
    ],
)
def test_an_export_the_app_cannot_locate_is_refused_with_the_forms_it_takes(
    written: str, problem: str
) -> None:
    with pytest.raises(UsageExportError, match=problem):
        export_location(written, WEB)


def test_the_campaign_names_its_export_and_the_name_does_not_change_the_rewrite() -> None:
    plain = load_campaign(CAMPAIGN_YAML)
    linked = load_campaign(CAMPAIGN_YAML + "usage:\n  jobs_export: exports/jobs.jsonl\n")
    assert linked.usage is not None
    assert linked.usage.jobs_export == "exports/jobs.jsonl"
    assert plain.usage is None
    assert spec_hash(linked) == spec_hash(plain)  # who reads a table is not how to rewrite it


@pytest.mark.parametrize(
    ("usage", "problem"),
    [
        ("usage: {jobs_export: ''}", "usage.jobs_export: expected a file path or link of 1 to 500"),
        ("usage: {jobs_export: ../secrets.json}", "'..' is not allowed"),
        ("usage: {jobs_export: " + "a" * 501 + "}", "1 to 500 characters"),
        ("usage: {jobs_export: 3}", "usage.jobs_export: expected a string"),
        ("usage: {jobs: x.json}", "usage.jobs: unknown key (expected one of: jobs_export)"),
        ("usage: {}", "usage.jobs_export: required key is missing"),
    ],
)
def test_a_bad_usage_key_is_refused_with_its_line(usage: str, problem: str) -> None:
    with pytest.raises(CampaignError) as raised:
        load_campaign(CAMPAIGN_YAML + usage + "\n")
    assert problem in str(raised.value)
    assert "line 17:" in str(raised.value)  # the usage line, right after the campaign
