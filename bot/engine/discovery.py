"""Which files of a repository snapshot belong to which framework.

Pure path logic, so the CLI (files on disk) and the App (trees read through the
API) classify a repository identically.
"""

from __future__ import annotations

from pathlib import PurePosixPath

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
    return any(part in IGNORED_DIRECTORIES for part in PurePosixPath(path).parts[:-1])


def standalone_framework(path: str) -> Framework | None:
    """The framework of a file that is not part of a dbt project, or None for other files."""
    if is_ignored(path):
        return None
    return _FRAMEWORK_BY_SUFFIX.get(PurePosixPath(path).suffix.lower())
