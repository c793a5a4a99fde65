"""Which framework a file belongs to, for its context file and its comment syntax."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from bot.engine.dbt import dbt_files, find_dbt_projects
from bot.engine.edits import JINJA_COMMENT, SCALA_COMMENT, SQL_COMMENT, CommentSyntax
from bot.engine.model import Framework


def framework_of(path: str, snapshot: Mapping[str, str]) -> Framework:
    """dbt inside a dbt project of ``snapshot``, Scio for Scala, else BigQuery SQL."""
    if PurePosixPath(path).suffix.lower() == ".scala":
        return Framework.SCIO
    for root in find_dbt_projects(snapshot):
        project_yml = snapshot.get(f"{root}/dbt_project.yml" if root else "dbt_project.yml")
        if path in dbt_files(root, [*snapshot, path], project_yml=project_yml):
            return Framework.DBT_MODEL
    return Framework.BIGQUERY_SQL


def comment_syntax(framework: Framework) -> CommentSyntax:
    """The engine's comment style per framework; dbt guardrails stay out of compiled SQL."""
    if framework is Framework.SCIO:
        return SCALA_COMMENT
    if framework in (Framework.DBT_MODEL, Framework.DBT_SOURCES):
        return JINJA_COMMENT
    return SQL_COMMENT
