"""Which ``source('s', 't')`` names the new table, and what the sources YAML must gain.

A new table already declared somewhere is used as it is (a project half migrated by
hand, or a second run). Otherwise it goes under a source of the same database and
schema, or into a new source named after its dataset, next to the old entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.dbt.sources import SourceCatalog, SourceTable
from bot.spec import TableMapping, TableName


@dataclass(frozen=True)
class Target:
    """The source table rewritten calls name; ``declared`` False: the YAML must gain it."""

    source: str
    table: str
    declared: bool
    path: str  # the YAML file declaring (or to declare) it
    database: str | None  # for a new source: None keeps relying on the target's database
    schema: str
    identifier: str | None  # for a new entry whose name differs from the identifier
    new_source: bool


def _unique(candidates: Sequence[str], taken: set[str]) -> str:
    for name in candidates:
        if name not in taken:
            return name
    base = candidates[0]
    return next(f"{base}_{n}" for n in range(2, len(taken) + 3) if f"{base}_{n}" not in taken)


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


class Placer:
    """Places each mapping's new table once; tables sharing a new source share it."""

    def __init__(self, catalog: SourceCatalog, frozen: set[str]) -> None:
        self._catalog = catalog
        self._frozen = frozen  # YAML files that cannot be edited
        self._placed: dict[str, Target | None] = {}
        self._planned: dict[tuple[str | None, str], Target] = {}
        self._names = catalog.source_names()
        self._tables: dict[str, set[str]] = {}
        for entry in catalog.tables:
            self._tables.setdefault(entry.source, set()).add(entry.table)

    def place(self, mapping: TableMapping, old: SourceTable) -> Target | None:
        """The target of ``mapping``'s rewritten calls, the same for every call.

        ``None`` when the new table is not declared and no editable file can declare it.
        """
        if mapping.old not in self._placed:
            self._placed[mapping.old] = self._place(mapping.old_name, mapping.new_name, old)
        return self._placed[mapping.old]

    def _place(self, old_name: TableName, new: TableName, old: SourceTable) -> Target | None:
        declared = self._catalog.resolving_to(new)
        if declared:
            entry = next((t for t in declared if t.path == old.path), declared[0])
            return Target(
                entry.source, entry.table, True, entry.path, None, new.dataset, None, False
            )
        # A source without database reads the target's, which old's match showed to be old's.
        keeps_default = old.database is None and new.project == old_name.project
        database = None if keeps_default else new.project
        host = self._host(new, old_name)
        if host is not None:
            return self._add(host.source, host.path, new, database, new_source=False)
        planned = self._planned.get((database, new.dataset))
        if planned is not None:
            return self._add(planned.source, planned.path, new, database, new_source=True)
        if old.path in self._frozen:
            return None
        name = _unique([new.dataset, f"{new.dataset}_{_slug(new.project)}"], self._names)
        self._names.add(name)
        target = self._add(name, old.path, new, database, new_source=True)
        self._planned[(database, new.dataset)] = target
        return target

    def _host(self, new: TableName, old: TableName) -> SourceTable | None:
        """A declared source reading the new table's database and schema."""
        for entry in self._catalog.tables:
            database = entry.database if entry.database is not None else old.project
            editable = entry.path not in self._frozen
            if editable and (database, entry.schema) == (new.project, new.dataset):
                return entry
        return None

    def _add(
        self, source: str, path: str, new: TableName, database: str | None, *, new_source: bool
    ) -> Target:
        taken = self._tables.setdefault(source, set())
        name = _unique([new.table, f"{new.dataset}_{new.table}"], taken)
        taken.add(name)
        identifier = None if name == new.table else new.table
        return Target(source, name, False, path, database, new.dataset, identifier, new_source)
