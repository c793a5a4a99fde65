"""Which files of a repository snapshot belong to which framework.

Pure path logic, so the CLI (files on disk) and the App (trees read through the
API) classify a repository identically.
"""

from __future__ import annotations

import posixpath

from bot.engine.model import Framework

# Folders that hold build output, vendored packages or tool state: never a consumer's source.
IGNORED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        "node_modules",
        "target",
        "dbt_packages",
        "dbt_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".bsp",
        ".metals",
        ".idea",
        "logs",
    }
)

_FRAMEWORK_BY_SUFFIX = {".sql": Framework.BIGQUERY_SQL, ".scala": Framework.SCIO}


def is_ignored(path: str) -> bool:
    """Whether a folder on the way to ``path`` is one of ``IGNORED_DIRECTORIES``.

    Plain string splitting: this runs for every file of every repository.
    """
    return not IGNORED_DIRECTORIES.isdisjoint(path.split("/")[:-1])


def standalone_framework(path: str) -> Framework | None:
    """The framework of a file that is not part of a dbt project, or None for other files."""
    if is_ignored(path):
        return None
    return _FRAMEWORK_BY_SUFFIX.get(posixpath.splitext(path)[1].lower())
