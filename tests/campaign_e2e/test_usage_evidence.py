"""The warehouse's job history on a campaign issue: read from a repository file, over HTTP.

The export is a real file of the sandbox's host repository (real git objects); the
App reads it through its installation client when discovery runs, and the
readers it finds in no repository keep the campaign from claiming anything.
"""

from __future__ import annotations

import json

from bot.campaigns.usage import query_id
from bot.demo.world import LEAD, examples_dir
from bot.github.client import web_url
from tests.campaign_e2e.conftest import World, campaign_body, campaign_yaml

OLD = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "plays_v1"}
EXPORT_PATH = "warehouse/jobs.jsonl"
NOTEBOOK = "SELECT platform, COUNT(*) FROM `legacy-proj.music.plays_v1` GROUP BY platform"
USAGE = "<!-- godwit:usage -->"


def job(job_id: str, query: str, day: str, **labels: str) -> dict[str, object]:
    return {
        "job_id": job_id,
        "user_email": "ana@acme.example",
        "creation_time": f"2026-11-{day} 07:00:00 UTC",
        "referenced_tables": [OLD],
        "query": query,
        "labels": [{"key": k, "value": v} for k, v in labels.items()],
    }


def export_lines() -> str:
    daily = examples_dir() / "repos/acme-bq-jobs/jobs/daily_top_tracks/query.sql"
    jobs = [
        job("scheduled_1", daily.read_text(encoding="utf-8"), "03"),  # the code, as it ran
        job("airflow_7", "SELECT 1", "10", repo="acme-dbt-analytics"),  # labelled with its repo
        job("nb_1", NOTEBOOK, "20", dag="adhoc"),  # a notebook nobody migrates
        job("nb_2", NOTEBOOK.lower(), "30", dag="adhoc"),
    ]
    return "\n".join(json.dumps(j) for j in jobs) + "\n"


def open_with_export(world: World, files: dict[str, str], written: str) -> int:
    world.sandbox.push(world.host, "main", files, author=LEAD, message="Jobs export")
    body = campaign_body(campaign_yaml() + f"usage:\n  jobs_export: {written}\n")
    return world.open_campaign(body)


def usage_comment(world: World, number: int) -> str:
    [comment] = [c.body for c in world.bot_comments(number) if c.body.startswith(USAGE)]
    return comment


def test_jobs_found_in_no_repository_are_residual_until_waived(world: World) -> None:
    number = open_with_export(world, {EXPORT_PATH: export_lines()}, f"{world.host}/{EXPORT_PATH}")
    notebook = f"warehouse:{query_id(NOTEBOOK)}"

    said = usage_comment(world, number)
    assert "**Usage evidence** from `acme/data-platform/warehouse/jobs.jsonl`" in said
    assert "4 jobs read the old tables in the 28 days exported; 2 match code found" in said
    assert f"- `{notebook}` (legacy-proj.music.plays_v1): read the old table" in said
    assert "(2 jobs, last 2026-11-30 07:00:00 UTC, as ana@acme.example)" in said
    assert "labels `dag=adhoc`" in said
    [campaign] = world.campaigns()
    assert [r["path"] for r in campaign.warehouse_residual] == [query_id(NOTEBOOK)]

    world.command(number, "/migrate status")
    [status] = [c.body for c in world.bot_comments(number) if "godwit:status" in c.body]
    assert f"`{notebook}`: read the old table in the 28 days exported" in status
    assert "not found in any repository" in status
    assert "`/migrate waive warehouse:QUERY_ID REASON`" in status
    assert notebook in (world.dashboard(number) or "")

    world.command(number, "/migrate waive warehouse:q000000000000 not this one")
    world.command(number, "/migrate waive warehouse:dag=adhoc analysts move it themselves")

    replies = [c.body for c in world.bot_comments(number)]
    assert any("no reader in the jobs export is `warehouse:q000000000000`" in r for r in replies)
    [campaign] = world.campaigns()
    assert [(w["repo"], w["path"]) for w in campaign.waivers] == [("warehouse", "dag=adhoc")]
    dashboard = world.dashboard(number) or ""
    assert notebook not in dashboard.split("Waived:")[0]  # no longer open
    assert "- `warehouse:dag=adhoc` by data-platform-lead: `analysts move it themselves`" in (
        dashboard
    )


def test_a_blob_link_to_the_export_is_read_at_its_ref(world: World) -> None:
    link = f"{web_url(world.stack.settings.github_url)}/{world.host}/blob/main/{EXPORT_PATH}"
    number = open_with_export(world, {EXPORT_PATH: export_lines()}, link)
    assert "4 jobs read the old tables" in usage_comment(world, number)


def test_an_export_that_cannot_be_used_is_said_on_the_issue_and_blocks_nothing_else(
    world: World,
) -> None:
    number = open_with_export(
        world, {EXPORT_PATH: '{"job_id": "a"}\n{not json\n'}, f"{world.host}/{EXPORT_PATH}"
    )
    said = usage_comment(world, number)
    assert "**The jobs export could not be used.**" in said
    assert "line 2 is not JSON" in said
    [campaign] = world.campaigns()
    [unread] = campaign.warehouse_residual
    assert unread["repo"] == "warehouse"
    assert unread["kind"] == "unread"
    assert campaign.state == "planned"  # discovery went on: every target is there
    assert "acme-bq-jobs" in world.targets()

    world.sandbox.push(world.host, "main", {EXPORT_PATH: export_lines()}, author=LEAD)
    world.command(number, "/migrate plan")  # read again: the same comment now has the evidence
    assert "4 jobs read the old tables" in usage_comment(world, number)


def test_a_missing_export_names_what_the_app_could_not_find(world: World) -> None:
    files = {"warehouse/README.md": "exports land here\n"}
    number = open_with_export(world, files, f"{world.host}/warehouse/none.jsonl")
    said = usage_comment(world, number)
    assert "warehouse/none.jsonl does not exist in acme/data-platform" in said


def test_an_export_in_a_repository_the_app_cannot_see_says_so(world: World) -> None:
    number = open_with_export(world, {}, "acme/not-installed/jobs.jsonl")
    said = usage_comment(world, number)
    assert "acme/not-installed/jobs.jsonl could not be read (not found" in said
    assert "or the App is not installed on that repository" in said
