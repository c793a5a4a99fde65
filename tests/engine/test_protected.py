"""One list of protected paths binds every writer: the engine reports, the agent is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.agent.scope import check_change, scope_rules
from bot.engine.model import Action, ReferenceKind
from bot.engine.planner import plan_repository
from bot.engine.protected import protected_reason
from bot.engine.report import build_report
from bot.spec import load_campaign_file

CAMPAIGN = load_campaign_file(Path(__file__).parents[2] / "examples" / "plays-v2" / "campaign.yml")
SQL = "SELECT user_id, track_uri\nFROM `legacy-proj.music.plays_v1`\n"
SCALA = 'object Build {\n  val table = "legacy-proj:music.plays_v1"\n}\n'

PROTECTED = [
    ".github/workflows/x.sql",
    ".github/workflows/deploy.yml",
    "services/.github/CODEOWNERS",
    ".GitHub/scripts/check.sql",
    ".circleci/config.yml",
    ".buildkite/pipeline.sql",
    ".gitlab/ci/nightly.sql",
    "ci/../.ci/run.sql",
    "build.sbt",
    "modules/core/build.sbt",
    "project/plugins.sbt",
    "project/build.properties",
    "project/Dependencies.scala",
    "services/api/project/Settings.scala",
    ".sbtopts",
    ".jvmopts",
    ".scalafmt.conf",
    "build.sc",
    "build.mill",
    "core/package.mill",
    "pom.xml",
    "modules/x/pom.xml",
    "build.gradle",
    "app/build.gradle.kts",
    "conventions.gradle.kts",
    "settings.gradle",
    "Makefile",
    "docker/Dockerfile",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    ".travis.yml",
    "azure-pipelines.yml",
    "cloudbuild.yaml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    "analytics/dbt_project.yml",
    "packages.yml",
    "profiles.yml",
    "../outside.sql",
    "/etc/passwd",
]
UNPROTECTED = [
    "jobs/daily/query.sql",
    "models/staging/_sources.yml",
    "src/main/scala/com/acme/Job.scala",
    "src/main/scala/com/acme/project/Job.scala",
    "project/README.md",
    "docs/github-actions.md",
    "github/workflows/notes.sql",
    "sql/build.sbt.sql",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_build_and_ci_configuration_is_protected(path: str) -> None:
    assert protected_reason(path) is not None


@pytest.mark.parametrize("path", UNPROTECTED)
def test_sources_and_documents_are_not_protected(path: str) -> None:
    assert protected_reason(path) is None


@pytest.mark.parametrize("path", PROTECTED)
def test_the_agent_scope_check_refuses_the_same_paths(path: str) -> None:
    rules = scope_rules(CAMPAIGN, {path: [1]})

    assert check_change(rules, path, SQL, SQL.replace("user_id", "user_id, 1")) == [
        protected_reason(path)
    ]


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        (".github/workflows/x.sql", SQL, ReferenceKind.TABLE),
        (".ci/checks/plays.sql", SQL, ReferenceKind.TABLE),
        ("project/Build.scala", SCALA, ReferenceKind.TABLE_SPEC),
    ],
)
def test_the_engine_reports_a_protected_consumer_and_never_changes_it(
    path: str, text: str, kind: ReferenceKind
) -> None:
    elsewhere = "jobs/daily.sql" if path.endswith(".sql") else "src/main/scala/Build.scala"

    plan = plan_repository(CAMPAIGN, {path: text, elsewhere: text})

    by_path = {f.path: f for f in plan.files}
    protected = by_path[path]
    assert protected.action is Action.PROTECTED
    assert protected.protected == protected_reason(path)
    assert protected.new_text is None
    assert protected.guardrails == ()
    assert [(r.line, r.reference.kind) for r in protected.references] == [(2, kind)]
    assert plan.protected == (protected,)
    assert set(plan.changes) == {elsewhere}  # the same text outside is rewritten


def test_a_protected_file_in_a_dbt_project_is_reported_not_written() -> None:
    snapshot = {
        "dbt_project.yml": "name: analytics\nversion: '1.0'\nmodel-paths: ['models']\n",
        "models/.ci/daily.sql": "select user_id from `legacy-proj.music.plays_v1`\n",
    }

    plan = plan_repository(CAMPAIGN, snapshot)

    assert [(f.path, f.action) for f in plan.files] == [("models/.ci/daily.sql", Action.PROTECTED)]
    assert plan.changes == {}


def test_the_json_report_counts_and_explains_protected_files() -> None:
    plan = plan_repository(CAMPAIGN, {".github/workflows/x.sql": SQL})

    report = build_report(CAMPAIGN, [("acme-ci", plan)])

    [repo] = report.repos
    [file] = repo.files
    assert (file.action, file.changed) == (Action.PROTECTED, False)
    assert file.protected == ".github/workflows/x.sql is CI or tool configuration"
    assert [r.line for r in file.references] == [2]
    assert (repo.summary.protected, report.totals.protected, report.totals.files_changed) == (
        1,
        1,
        0,
    )
