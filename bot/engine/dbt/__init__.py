"""The dbt adapter: models with their Jinja masked, and the sources YAML they read.

A model's guardrails render with either comment syntax; ``JINJA_COMMENT`` keeps them
out of the compiled SQL. A sources YAML's rewrite is one edit over the whole file.
"""

from bot.engine.dbt.adapter import DbtProjectRewrite, rewrite_dbt_project
from bot.engine.dbt.project import dbt_files, find_dbt_projects

__all__ = ["DbtProjectRewrite", "dbt_files", "find_dbt_projects", "rewrite_dbt_project"]
