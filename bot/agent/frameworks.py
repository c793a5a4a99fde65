"""Which framework a file belongs to, for its context file and its comment syntax."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.adapters import ADAPTERS, adapter_for
from bot.engine.edits import CommentSyntax
from bot.engine.model import Framework


def framework_of(path: str, snapshot: Mapping[str, str]) -> Framework:
    """The framework of the first adapter claiming ``path`` in ``snapshot``, else BigQuery SQL."""
    paths = sorted({*snapshot, path})
    for adapter in ADAPTERS:
        if path in set(adapter.claims(paths, snapshot)):
            return adapter.framework
    return Framework.BIGQUERY_SQL


def comment_syntax(framework: Framework) -> CommentSyntax:
    """The engine's comment style per framework; dbt guardrails stay out of compiled SQL."""
    return adapter_for(framework).comment_for(framework)
