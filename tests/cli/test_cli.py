"""The ``godwit`` CLI end to end on the bundled example campaign, as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plays-v2"
CAMPAIGN = EXAMPLE / "campaign.yml"


def godwit(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def snapshot_bytes(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def diffed_paths(patch: str) -> set[str]:
    """``REPO/PATH`` of every file in ``godwit diff``'s output, from its repository headings."""
    paths, repo = set(), ""
    for line in patch.splitlines():
        if line.startswith("# ") and ": apply this part inside " in line:
            repo = line[2:].split(":")[0]
        elif line.startswith("+++ b/"):
            paths.add(f"{repo}/{line[6:]}")
    return paths


def git(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@pytest.fixture
def repos(tmp_path: Path) -> list[Path]:
    target = tmp_path / "repos"
    shutil.copytree(EXAMPLE / "repos", target)
    return sorted(p for p in target.iterdir() if p.is_dir())


def test_plan_json_covers_every_example_repo(repos: list[Path]) -> None:
    result = godwit("plan", "--json", CAMPAIGN, *repos)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_repo = {r["repo"]: r for r in report["repos"]}
    assert set(by_repo) == {p.name for p in repos}
    assert by_repo["acme-web-frontend"]["summary"]["files_changed"] == 0
    for name in ("acme-bq-jobs", "acme-dbt-analytics", "acme-scio-pipelines"):
        assert by_repo[name]["summary"]["files_changed"] > 0, name
    frameworks = {f["framework"] for r in report["repos"] for f in r["files"]}
    assert {"bigquery-sql", "dbt-model", "dbt-sources", "scio"} <= frameworks
    guardrails = [g for r in report["repos"] for f in r["files"] for g in f["guardrails"]]
    assert any("is_premium" in g["reason"] for g in guardrails)
    assert all(g["comment"].endswith(report["campaign"]["guide"]) for g in guardrails)
    assert report["totals"]["files_changed"] == sum(
        r["summary"]["files_changed"] for r in report["repos"]
    )


def test_plan_text_names_files_actions_and_guardrail_lines(repos: list[Path]) -> None:
    result = godwit("plan", CAMPAIGN, *repos)
    assert result.returncode == 0, result.stderr
    assert "Campaign plays-v2" in result.stdout
    assert "acme-web-frontend" in result.stdout
    assert "guardrail: is_premium has no equivalent in core-proj.music.plays_v2" in result.stdout
    total = next(line for line in result.stdout.splitlines() if line.startswith("Total: "))
    assert "6 files with guardrails (6 statements left for a person)" in total
    assert " 1 files" not in result.stdout


def test_diff_matches_what_apply_writes_and_apply_is_idempotent(repos: list[Path]) -> None:
    before = {p.name: snapshot_bytes(p) for p in repos}
    diff = godwit("diff", CAMPAIGN, *repos)
    assert diff.returncode == 0, diff.stderr
    assert "# acme-bq-jobs: apply this part inside " in diff.stdout
    assert {p.name: snapshot_bytes(p) for p in repos} == before, "diff must change nothing"

    check = godwit("apply", "--check", CAMPAIGN, *repos)
    assert check.returncode == 1
    assert {p.name: snapshot_bytes(p) for p in repos} == before, "--check must change nothing"

    applied = godwit("apply", CAMPAIGN, *repos)
    assert applied.returncode == 0, applied.stderr
    # A file that only gained a guardrail comment was not migrated, and apply says so.
    out = applied.stdout
    rewrote, guarded = out.split("Added guardrail comments only to ")
    assert "acme-bq-jobs/jobs/daily_top_tracks/query.sql" in rewrote
    assert "acme-bq-jobs/jobs/premium_share/query.sql" not in rewrote
    assert guarded.startswith("4 files: these still read the old tables")
    assert "acme-bq-jobs/jobs/premium_share/query.sql" in guarded
    after = {p.name: snapshot_bytes(p) for p in repos}
    changed = {
        f"{repo}/{path}"
        for repo, files in after.items()
        for path, data in files.items()
        if data != before[repo].get(path)
    }
    assert changed == diffed_paths(diff.stdout)
    assert all(set(after[r]) == set(before[r]) for r in after), "apply adds or removes no files"

    assert godwit("apply", "--check", CAMPAIGN, *repos).returncode == 0
    assert godwit("diff", CAMPAIGN, *repos).stdout == ""
    godwit("apply", CAMPAIGN, *repos)
    assert {p.name: snapshot_bytes(p) for p in repos} == after


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_applies_with_git_apply_inside_each_repository(repos: list[Path]) -> None:
    for root in repos:
        assert git("init", "-q", cwd=root).returncode == 0
        git("add", "-A", cwd=root)
        assert git("commit", "-qm", "before the campaign", cwd=root).returncode == 0
    patch = godwit("diff", CAMPAIGN, *repos).stdout
    for root in repos:
        own = godwit("diff", CAMPAIGN, root).stdout
        if not own:
            continue
        assert own in patch, "each repository's part is the same alone and among others"
        checked = git("apply", "--check", "-", cwd=root, stdin=own)
        assert checked.returncode == 0, checked.stderr
        assert git("apply", "-", cwd=root, stdin=own).returncode == 0
        assert godwit("diff", CAMPAIGN, root).stdout == "", "git apply did what apply would"


def test_invalid_campaign_exits_2_and_writes_nothing(repos: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(CAMPAIGN.read_text().replace("id: plays-v2", "id: Plays V2\nowner: me"))
    before = {p.name: snapshot_bytes(p) for p in repos}
    result = godwit("apply", bad, *repos)
    assert result.returncode == 2
    assert "id" in result.stderr
    assert "owner" in result.stderr
    assert {p.name: snapshot_bytes(p) for p in repos} == before


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        pytest.param("scope: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested more than", id="deep"),
        pytest.param("x: &x [a, a]\ny: [*x, *x]\n", "anchors and aliases (&x)", id="alias"),
    ],
)
def test_a_hostile_campaign_is_a_validation_error_not_a_traceback(
    repos: list[Path], tmp_path: Path, addition: str, message: str
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(CAMPAIGN.read_text().replace("scope:", "old_scope:") + addition)

    result = godwit("plan", bad, *repos)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["plan", "apply", "diff"])
def test_missing_repository_exits_2_before_writing(
    command: str, repos: list[Path], tmp_path: Path
) -> None:
    before = {p.name: snapshot_bytes(p) for p in repos}
    result = godwit(command, CAMPAIGN, *repos, tmp_path / "nope")
    assert result.returncode == 2
    assert "nope: no such directory" in result.stderr
    assert {p.name: snapshot_bytes(p) for p in repos} == before


def test_missing_campaign_file_exits_2(repos: list[Path], tmp_path: Path) -> None:
    result = godwit("plan", tmp_path / "missing.yml", *repos)
    assert result.returncode == 2
    assert "missing.yml" in result.stderr


def test_a_consumer_in_ci_configuration_is_reported_protected_and_never_written(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "acme-ci"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "jobs").mkdir()
    sql = "SELECT user_id, track_uri\nFROM `legacy-proj.music.plays_v1`\n"
    (repo / ".github" / "workflows" / "x.sql").write_text(sql)
    (repo / "jobs" / "daily.sql").write_text(sql)

    plan = godwit("plan", CAMPAIGN, repo)
    report = json.loads(godwit("plan", "--json", CAMPAIGN, repo).stdout)
    applied = godwit("apply", CAMPAIGN, repo)

    assert plan.returncode == 0, plan.stderr
    assert "  protected .github/workflows/x.sql  [bigquery-sql; 1 reference]" in plan.stdout
    assert (
        "protected, migrate by hand: .github/workflows/x.sql is CI or tool configuration"
        in plan.stdout
    )
    assert "line 2: table reference `legacy-proj.music.plays_v1`" in plan.stdout
    assert "; 1 file protected (build or CI configuration: migrate by hand)." in plan.stdout
    [protected] = [f for f in report["repos"][0]["files"] if f["action"] == "protected"]
    assert (protected["path"], protected["changed"], report["totals"]["protected"]) == (
        ".github/workflows/x.sql",
        False,
        1,
    )
    assert applied.returncode == 0, applied.stderr
    assert "acme-ci: 1 protected file (build or CI configuration) left unchanged" in applied.stdout
    assert (repo / ".github" / "workflows" / "x.sql").read_text() == sql
    assert "plays_v2" in (repo / "jobs" / "daily.sql").read_text()
