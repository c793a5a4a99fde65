"""``godwit residual``: what still reads the old tables on checkouts, exit 1 while anything does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from bot.campaigns.usage import query_id
from bot.cli import app, register_commands

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plays-v2"
CAMPAIGN = str(EXAMPLES / "campaign.yml")
runner = CliRunner()


def copy_repos(tmp_path: Path, *names: str) -> list[str]:
    paths = []
    for name in names:
        shutil.copytree(EXAMPLES / "repos" / name, tmp_path / name)
        paths.append(str(tmp_path / name))
    return paths


def invoke(*args: str) -> tuple[int, str]:
    register_commands(args[0])
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_after_apply_only_what_needs_a_person_is_left(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-bq-jobs", "acme-web-frontend")
    code, before = invoke("residual", CAMPAIGN, *repos)
    assert code == 1
    assert "Not safe to retire: 5 references in 1 repository still read the old tables." in before
    assert "  jobs/daily_top_tracks/query.sql:8  legacy-proj.music.plays_v1" in before

    assert invoke("apply", CAMPAIGN, *repos)[0] == 0
    code, after = invoke("residual", CAMPAIGN, "--json", *repos)
    assert code == 1
    document = json.loads(after)
    assert document["safe_to_retire"] is False
    assert [(r["path"], r["kind"]) for r in document["residual_references"]] == [
        ("jobs/premium_share/query.sql", "needs_person")
    ]


def test_nothing_reading_the_old_tables_exits_0(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-web-frontend")
    code, out = invoke("residual", CAMPAIGN, *repos)
    assert (code, out) == (
        0,
        "Safe to retire: nothing in 1 repository reads the old tables.\n"
        "No jobs export was read (--jobs-export, or the campaign's usage.jobs_export): "
        "readers outside these repositories (notebooks, scheduled queries, other "
        "repositories) are not known.\n",
    )


def test_a_bad_campaign_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("id: x\n", encoding="utf-8")
    code, _ = invoke("residual", str(bad), str(tmp_path))
    assert code == 2


def test_a_jobs_export_adds_readers_found_in_no_repository(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-bq-jobs")
    assert invoke("apply", CAMPAIGN, *repos)[0] == 0
    old = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "plays_v1"}
    premium = (Path(repos[0]) / "jobs/premium_share/query.sql").read_text(encoding="utf-8")
    export = tmp_path / "jobs.json"
    export.write_text(
        json.dumps(
            [
                {"job_id": "scheduled", "query": premium, "referenced_tables": [old]},
                {"job_id": "notebook", "query": "SELECT 1", "referenced_tables": [old]},
            ]
        ),
        encoding="utf-8",
    )
    code, out = invoke("residual", CAMPAIGN, "--json", "--jobs-export", str(export), *repos)
    assert code == 1
    document = json.loads(out)
    assert document["jobs_matched"] == [
        {"job_id": "scheduled", "repo": "acme-bq-jobs", "path": "jobs/premium_share/query.sql"}
    ]
    assert [r["path"] for r in document["residual_references"]] == [
        "jobs/premium_share/query.sql",
        query_id("SELECT 1"),
    ]
    code, text = invoke("residual", CAMPAIGN, "--jobs-export", str(export), *repos)
    assert (
        "Warehouse jobs that read the old tables: 2 (1 matched to code found here, 1 found in "
        in (text)
    )


def test_a_broken_jobs_export_exits_2(tmp_path: Path) -> None:
    export = tmp_path / "jobs.json"
    export.write_text("[{]", encoding="utf-8")
    code, _ = invoke("residual", CAMPAIGN, "--jobs-export", str(export), str(tmp_path))
    assert code == 2


def campaign_with_export(tmp_path: Path, written: str) -> str:
    """The example campaign beside its export, naming it as the campaign's author would."""
    folder = tmp_path / "campaign"
    folder.mkdir()
    text = (EXAMPLES / "campaign.yml").read_text(encoding="utf-8")
    (folder / "campaign.yml").write_text(
        text + f"usage:\n  jobs_export: {written}\n", encoding="utf-8"
    )
    return str(folder / "campaign.yml")


def write_export(path: Path, *jobs: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(job) for job in jobs) + "\n", encoding="utf-8")


OLD = {"project_id": "legacy-proj", "dataset_id": "music", "table_id": "plays_v1"}
NOTEBOOK = {"job_id": "nb", "query": "SELECT 42 FROM t", "referenced_tables": [OLD]}


def test_the_campaign_names_its_export_relative_to_the_campaign_file(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-web-frontend")
    campaign = campaign_with_export(tmp_path, "exports/jobs.jsonl")
    write_export(tmp_path / "campaign" / "exports" / "jobs.jsonl", NOTEBOOK)

    code, out = invoke("residual", campaign, "--json", *repos)

    assert code == 1  # the code is clear, the warehouse is not
    [reader] = json.loads(out)["residual_references"]
    assert reader["repo"] == "warehouse"
    assert reader["path"] == query_id("SELECT 42 FROM t")
    assert reader["detail"].endswith("not found in any repository")


def test_the_flag_overrides_the_campaigns_export(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-web-frontend")
    campaign = campaign_with_export(tmp_path, "missing.jsonl")
    clear = tmp_path / "clear.jsonl"
    write_export(clear, {"job_id": "other", "referenced_tables": []})

    code, text = invoke("residual", campaign, "--jobs-export", str(clear), *repos)

    assert code == 0
    assert "Warehouse jobs that read the old tables: 0" in text


def test_a_missing_or_linked_campaign_export_exits_2_naming_it(tmp_path: Path) -> None:
    repos = copy_repos(tmp_path, "acme-web-frontend")
    missing = campaign_with_export(tmp_path, "exports/jobs.jsonl")
    register_commands("residual")
    result = runner.invoke(app, ["residual", missing, *repos])
    assert result.exit_code == 2
    assert "exports/jobs.jsonl" in result.stderr
    assert "No such file" in result.stderr

    shutil.rmtree(tmp_path / "campaign")
    linked = campaign_with_export(tmp_path, "https://github.com/acme/w/blob/main/jobs.jsonl")
    result = runner.invoke(app, ["residual", linked, *repos])
    assert result.exit_code == 2
    assert "the CLI reads a file on disk: download it and pass --jobs-export FILE" in result.stderr
