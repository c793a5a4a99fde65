"""The frameworks Godwit migrates, each one adapter, listed once in ``ADAPTERS``.

An adapter is the whole of what the rest of Godwit knows about a framework:
which files of a repository snapshot it claims, the references and rewrites it
finds in them (it sees every file it claims at once, so a constant defined in
one file and read in another is one decision), how its files write a comment,
and what the coding agent gets for it (a context file and the checks an edited
file must pass). The planner, discovery, the agent's framework lookup, its
prompt, its verifier and the plan's JSON schema all read this one tuple.

The SQL dialect is not a framework: every adapter reads SQL with the campaign's
dialect, wherever the SQL sits (a ``.sql`` file, a dbt model, a string literal).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from bot.engine.dbt import dbt_files, find_dbt_projects, rewrite_dbt_project
from bot.engine.discovery import is_ignored
from bot.engine.edits import JINJA_COMMENT, SCALA_COMMENT, SQL_COMMENT, YAML_COMMENT, CommentSyntax
from bot.engine.jvm import lex_file, plan_jvm
from bot.engine.model import FileRewrite, Framework, VerificationIssue
from bot.engine.prefilter import may_reference, needle_pattern
from bot.engine.scala.checks import literal_problems
from bot.engine.sql import rewrite_sql
from bot.engine.sql.checks import statement_problems
from bot.spec import Campaign


@dataclass
class RepositoryRewrite:
    """What an adapter found in the files it claims, and how many it ruled out unparsed."""

    files: dict[str, tuple[Framework, FileRewrite]] = field(default_factory=dict)
    scanned: int = 0
    skipped: int = 0


Claims = Callable[[Sequence[str], Mapping[str, str]], Iterable[str]]
Plans = Callable[[Campaign, Mapping[str, str], Sequence[str]], RepositoryRewrite]
Checks = Callable[[Campaign, str, str], list[str]]


@dataclass(frozen=True)
class Adapter:
    """One framework's contract with the planner and the agent.

    ``claims`` picks the adapter's files from the snapshot's paths (earlier
    adapters' claims win); ``plan`` turns them into rewrites, pure; ``checks``
    judges a file the agent edited (``campaign, before, after``) beyond
    running the engine on it again.
    """

    framework: Framework
    frameworks: tuple[Framework, ...]  # every framework its files are reported under
    claims: Claims
    plan: Plans
    comment: CommentSyntax
    context_file: str  # under templates/context/
    checks: Checks
    other_comments: tuple[tuple[Framework, CommentSyntax], ...] = ()
    """Frameworks of this adapter whose files take another comment syntax than ``comment``."""

    def comment_for(self, framework: Framework) -> CommentSyntax:
        return dict(self.other_comments).get(framework, self.comment)


def by_suffix(*suffixes: str) -> Claims:
    def claims(paths: Sequence[str], snapshot: Mapping[str, str]) -> list[str]:
        # Plain string work: this runs for every path of every repository. The suffix
        # must follow a name (``jobs/.sql`` has none), as ``posixpath.splitext`` says.
        return [
            p
            for p in paths
            if p[-8:].lower().endswith(suffixes) and posixpath.splitext(p)[1].lower() in suffixes
        ]

    return claims


def _dbt_claims(paths: Sequence[str], snapshot: Mapping[str, str]) -> set[str]:
    owned: set[str] = set()
    for root in find_dbt_projects(paths):
        project_yml = snapshot.get(f"{root}/dbt_project.yml" if root else "dbt_project.yml")
        owned |= dbt_files(root, paths, project_yml=project_yml)
    return owned


_YAML_SUFFIXES = frozenset({".yml", ".yaml"})


def _plan_dbt(
    campaign: Campaign, snapshot: Mapping[str, str], paths: Sequence[str]
) -> RepositoryRewrite:
    result = RepositoryRewrite()
    # Project files (dbt_project.yml) are not the adapter's to plan, yet they root its projects.
    for root in find_dbt_projects(sorted(p for p in snapshot if not is_ignored(p))):
        project = rewrite_dbt_project(root, snapshot, campaign)
        result.scanned += project.parsed + project.skipped
        result.skipped += project.skipped
        for path, rewrite in project.files.items():
            is_yaml = PurePosixPath(path).suffix.lower() in _YAML_SUFFIXES
            framework = Framework.DBT_SOURCES if is_yaml else Framework.DBT_MODEL
            result.files[path] = (framework, rewrite)
    return result


def _plan_sql(
    campaign: Campaign, snapshot: Mapping[str, str], paths: Sequence[str]
) -> RepositoryRewrite:
    pattern = needle_pattern(campaign)
    result = RepositoryRewrite(scanned=len(paths))
    for path in paths:
        text = snapshot[path]
        if not may_reference(text, pattern):
            result.skipped += 1
            continue
        try:
            rewrite = rewrite_sql(text, campaign)
        except RecursionError as error:  # pathological nesting: leave it to a person
            rewrite = FileRewrite(verification=[VerificationIssue(0, f"not processed: {error}")])
        result.files[path] = (Framework.BIGQUERY_SQL, rewrite)
    return result


def _jvm_planner(framework: Framework, language: str) -> Plans:
    def plan(
        campaign: Campaign, snapshot: Mapping[str, str], paths: Sequence[str]
    ) -> RepositoryRewrite:
        comment = adapter_for(framework).comment_for(framework)
        found = plan_jvm(language, campaign, {p: snapshot[p] for p in paths}, comment)
        files = {path: (framework, rewrite) for path, rewrite in found.files.items()}
        return RepositoryRewrite(files, len(paths), found.skipped)

    return plan


def _jvm_checks(language: str) -> Checks:
    def checks(campaign: Campaign, before: str, after: str) -> list[str]:
        return literal_problems(campaign, after, lex_file(language, after))

    return checks


def _no_checks(campaign: Campaign, before: str, after: str) -> list[str]:
    return []


ADAPTERS: tuple[Adapter, ...] = (
    # dbt first: a .sql file inside a dbt project is a model, not a standalone query.
    Adapter(
        Framework.DBT_MODEL,
        (Framework.DBT_MODEL, Framework.DBT_SOURCES),
        _dbt_claims,
        _plan_dbt,
        JINJA_COMMENT,  # Jinja comments stay out of the SQL that dbt compiles and runs
        "dbt.md",
        _no_checks,
        # A sources YAML is read by dbt as YAML: its guardrails are YAML comments.
        ((Framework.DBT_SOURCES, YAML_COMMENT),),
    ),
    Adapter(
        Framework.BIGQUERY_SQL,
        (Framework.BIGQUERY_SQL,),
        by_suffix(".sql"),
        _plan_sql,
        SQL_COMMENT,
        "bigquery-sql.md",
        statement_problems,
    ),
    Adapter(
        Framework.SCIO,
        (Framework.SCIO,),
        by_suffix(".scala"),
        _jvm_planner(Framework.SCIO, "scala"),
        SCALA_COMMENT,
        "scio.md",
        _jvm_checks("scala"),
    ),
    Adapter(
        Framework.BEAM_JAVA,
        (Framework.BEAM_JAVA,),
        by_suffix(".java"),
        _jvm_planner(Framework.BEAM_JAVA, "java"),
        SCALA_COMMENT,
        "beam-java.md",
        _jvm_checks("java"),
    ),
)


def adapter_for(framework: Framework) -> Adapter:
    """The adapter whose files are reported under ``framework``."""
    return next(a for a in ADAPTERS if framework in a.frameworks)


def claimed_files(
    paths: Sequence[str], snapshot: Mapping[str, str]
) -> list[tuple[Adapter, list[str]]]:
    """Each adapter with the paths it claims, none claimed twice, in ``ADAPTERS`` order."""
    taken: set[str] = set()
    result: list[tuple[Adapter, list[str]]] = []
    for adapter in ADAPTERS:
        mine = sorted(set(adapter.claims(paths, snapshot)) - taken)
        taken.update(mine)
        result.append((adapter, mine))
    return result
