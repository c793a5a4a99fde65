"""Which folders of a repository snapshot never hold a consumer's source.

Pure path logic, so the CLI (files on disk) and the App (trees read through the
API) classify a repository identically; which framework a file belongs to is
for the adapters (``bot.engine.adapters``) to claim.
"""

from __future__ import annotations

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


def is_ignored(path: str) -> bool:
    """Whether a folder on the way to ``path`` is one of ``IGNORED_DIRECTORIES``.

    Plain string splitting: this runs for every file of every repository.
    """
    return not IGNORED_DIRECTORIES.isdisjoint(path.split("/")[:-1])
