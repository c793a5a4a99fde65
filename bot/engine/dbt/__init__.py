"""The dbt adapter: models with their Jinja masked, and the sources YAML they read.

A model's guardrails render with either comment syntax; ``JINJA_COMMENT`` keeps them
out of the compiled SQL. A sources YAML's rewrite is one edit over the whole file.
"""

from bot.engine.dbt.adapter import DbtProjectRewrite, rewrite_dbt_project
from bot.engine.dbt.project import dbt_files, find_dbt_projects, load_project
from bot.engine.dbt.sources import load_yaml
from bot.engine.dbt.sources_yaml import entries_block, sequence_indent


def clear_caches() -> None:
    """Forget parsed and written YAML, so a measurement plans from cold as a new repo would."""
    load_yaml.cache_clear()
    load_project.cache_clear()
    sequence_indent.cache_clear()
    entries_block.cache_clear()


__all__ = [
    "DbtProjectRewrite",
    "clear_caches",
    "dbt_files",
    "find_dbt_projects",
    "rewrite_dbt_project",
]
