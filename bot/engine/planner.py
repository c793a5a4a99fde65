"""Plan a repository: the one entry point the CLI and the GitHub App share.

``plan_repository`` takes a campaign and an in-memory snapshot (path → text) and
returns a :class:`RepoPlan`. It never reads the disk or the network: the callers
own I/O, which keeps the engine testable and identical in both products.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath

from bot.campaign import Campaign
from bot.engine.dbt import dbt_files, find_dbt_projects, rewrite_dbt_project
from bot.engine.discovery import is_ignored, standalone_framework
from bot.engine.edits import JINJA_COMMENT, SCALA_COMMENT, SQL_COMMENT, CommentSyntax, render
from bot.engine.model import Action, FileRewrite, Framework, VerificationIssue
from bot.engine.plan import FilePlan, RepoPlan, locate, locate_parity
from bot.engine.prefilter import may_reference, needle_pattern
from bot.engine.scala import rewrite_scala
from bot.engine.sql import rewrite_sql

Adapter = Callable[[str, Campaign], FileRewrite]

_ADAPTERS: dict[Framework, tuple[Adapter, CommentSyntax]] = {
    Framework.BIGQUERY_SQL: (lambda text, campaign: rewrite_sql(text, campaign), SQL_COMMENT),
    Framework.SCIO: (rewrite_scala, SCALA_COMMENT),
}
_YAML_SUFFIXES = frozenset({".yml", ".yaml"})


def plan_repository(campaign: Campaign, snapshot: Mapping[str, str]) -> RepoPlan:
    """Discover every consumer of the campaign's old tables in ``snapshot`` and plan its rewrite."""
    pattern = needle_pattern(campaign)
    paths = sorted(p for p in snapshot if not is_ignored(p))
    files: list[FilePlan] = []
    scanned = skipped = 0
    counts: Counter[Framework] = Counter()

    dbt_owned: set[str] = set()
    for root in find_dbt_projects(paths):
        project_yml = snapshot.get(f"{root}/dbt_project.yml" if root else "dbt_project.yml")
        dbt_owned |= dbt_files(root, paths, project_yml=project_yml)
        project = rewrite_dbt_project(root, snapshot, campaign)
        scanned += project.parsed + project.skipped
        skipped += project.skipped
        counts[Framework.DBT_MODEL] += project.parsed + project.skipped
        for path, rewrite in sorted(project.files.items()):
            is_yaml = PurePosixPath(path).suffix.lower() in _YAML_SUFFIXES
            framework = Framework.DBT_SOURCES if is_yaml else Framework.DBT_MODEL
            # Jinja comments keep guardrails out of the SQL that dbt compiles and runs.
            syntax = JINJA_COMMENT
            files.append(_plan_file(path, framework, snapshot[path], rewrite, syntax, campaign))

    for path in paths:
        standalone = None if path in dbt_owned else standalone_framework(path)
        if standalone is None:
            continue
        framework = standalone
        scanned += 1
        counts[framework] += 1
        text = snapshot[path]
        if not may_reference(text, pattern):
            skipped += 1
            continue
        adapter, syntax = _ADAPTERS[framework]
        try:
            rewrite = adapter(text, campaign)
        except RecursionError as error:  # pathological nesting: leave it to a person
            rewrite = FileRewrite(verification=[VerificationIssue(0, f"not processed: {error}")])
        files.append(_plan_file(path, framework, text, rewrite, syntax, campaign))

    files.sort(key=lambda f: f.path)
    return RepoPlan(tuple(files), scanned, skipped, dict(counts))


def _plan_file(
    path: str,
    framework: Framework,
    text: str,
    rewrite: FileRewrite,
    syntax: CommentSyntax,
    campaign: Campaign,
) -> FilePlan:
    rendered = render(text, rewrite.edits, rewrite.guardrails, syntax=syntax, guide=campaign.guide)
    references, issues = locate(text, rewrite.references, rewrite.verification)
    if rendered.guardrails or any(r.reference.needs_human for r in references) or issues:
        action = Action.GUARDRAIL
    elif rendered.text != text:
        action = Action.REWRITE
    else:
        action = Action.UNTOUCHED
    return FilePlan(
        path=path,
        framework=framework,
        action=action,
        references=references,
        guardrails=rendered.guardrails,
        verification=issues,
        statements_rewritten=rewrite.statements_rewritten,
        original=text,
        new_text=rendered.text if rendered.text != text else None,
        parity=locate_parity(text, rewrite.parity),
    )
