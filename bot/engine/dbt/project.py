"""Where a dbt project lives in a repository and which of its files dbt reads.

Paths are POSIX and relative to the repository root; the repository root itself is
the project root ``""``. Vendored packages (``dbt_packages/``) are not projects of
the repository: dbt installs them, nobody edits them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ruamel.yaml.error import YAMLError

from bot.engine.dbt.values import project_vars
from bot.engine.dbt.yaml_reader import load_safe

PROJECT_FILE = "dbt_project.yml"
_VENDORED = frozenset({"dbt_packages", "dbt_modules"})
_SQL_KEYS = {
    "model-paths": "models",
    "analysis-paths": "analyses",
    "snapshot-paths": "snapshots",
    "test-paths": "tests",
    "macro-paths": "macros",
}
_LEGACY_KEYS = {"source-paths": "model-paths", "data-paths": "seed-paths"}
_YAML_KEYS = {**_SQL_KEYS, "seed-paths": "seeds"}


@dataclass(frozen=True)
class DbtProject:
    """A project root and the folders (relative to the repository) dbt reads."""

    root: str
    sql_dirs: tuple[str, ...]  # models, analyses, snapshots, tests, macros: Jinja-SQL
    yaml_dirs: tuple[str, ...]  # where property files (sources:) may live

    def owns(self, path: str, dirs: Iterable[str], nested: Iterable[str]) -> bool:
        """Whether ``path`` lies in one of ``dirs`` and not in a nested project."""
        if any(_under(path, root) for root in nested):
            return False
        return any(_under(path, folder) for folder in dirs)

    def sql_files(self, paths: Iterable[str]) -> list[str]:
        paths = list(paths)
        nested = nested_roots(self.root, paths)
        return sorted(
            p for p in paths if p.endswith(".sql") and self.owns(p, self.sql_dirs, nested)
        )

    def yaml_files(self, paths: Iterable[str]) -> list[str]:
        paths = list(paths)
        nested = nested_roots(self.root, paths)
        return sorted(
            p
            for p in paths
            if p.endswith((".yml", ".yaml")) and self.owns(p, self.yaml_dirs, nested)
        )


def _under(path: str, folder: str) -> bool:
    return folder == "" or path.startswith(folder + "/")


def _join(root: str, folder: str) -> str:
    joined = posixpath.normpath(posixpath.join(root, folder.strip("/")))
    return "" if joined == "." else joined


def find_dbt_projects(paths: Iterable[str]) -> list[str]:
    """Project roots ("" for the repository root), one per ``dbt_project.yml``."""
    roots = set()
    for path in paths:
        if posixpath.basename(path) != PROJECT_FILE:
            continue
        root = posixpath.dirname(path)
        if not _VENDORED.intersection(root.split("/")):
            roots.add(root)
    return sorted(roots)


def nested_roots(root: str, paths: Iterable[str]) -> list[str]:
    """Projects inside ``root``'s folder: their files are theirs, not ``root``'s."""
    return [r for r in find_dbt_projects(paths) if r != root and _under(r, root)]


@lru_cache(maxsize=256)
def load_project(root: str, project_yml: str | None) -> DbtProject:
    """Read the resource paths from ``dbt_project.yml``, with dbt's defaults.

    Cached: the planner asks once for the project's files and once to rewrite it.

    An unreadable file leaves dbt's defaults: dbt would refuse it anyway, and the
    defaults are what most projects use.
    """
    config: object = None
    if project_yml is not None and _may_set_paths(project_yml):
        try:
            config = load_safe(project_yml)
        except YAMLError:
            config = None
    settings = dict(config) if isinstance(config, dict) else {}
    for legacy, key in _LEGACY_KEYS.items():
        if key not in settings and legacy in settings:
            settings[key] = settings[legacy]

    def folders(keys: Mapping[str, str]) -> tuple[str, ...]:
        found: list[str] = []
        for key, default in keys.items():
            value = settings.get(key, [default])
            names = value if isinstance(value, list) else [default]
            found.extend(_join(root, str(name)) for name in names)
        return tuple(dict.fromkeys(found))

    return DbtProject(root, folders(_SQL_KEYS), folders(_YAML_KEYS))


def _may_set_paths(project_yml: str) -> bool:
    """Whether the text may set one of the ``*-paths`` keys: if not, there is nothing to read.

    Each of those keys ends in ``paths``; only an escape sequence in a quoted key
    could spell one without those letters in a row. Most projects keep dbt's
    defaults, and parsing the file is a good part of planning a small project.
    """
    return "paths" in project_yml or "\\" in project_yml


@lru_cache(maxsize=256)
def load_vars(project_yml: str | None) -> Mapping[str, object]:
    """The project's own ``vars`` (see ``values.project_vars``); none when unreadable.

    Only read when the text has a ``vars`` key at all, for the reason the paths are.
    """
    if project_yml is None or "vars" not in project_yml:
        return {}
    try:
        return project_vars(load_safe(project_yml))
    except YAMLError:
        return {}


def project_file(root: str) -> str:
    return posixpath.join(root, PROJECT_FILE) if root else PROJECT_FILE


def dbt_files(root: str, paths: Iterable[str], *, project_yml: str | None = None) -> set[str]:
    """The project's Jinja-SQL and property files, which are not plain BigQuery jobs.

    Without ``project_yml`` (the text of the project's ``dbt_project.yml``) dbt's
    default folders are assumed.
    """
    paths = list(paths)
    project = load_project(root, project_yml)
    return set(project.sql_files(paths)) | set(project.yaml_files(paths))
