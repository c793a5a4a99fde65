"""The campaign: which tables move where, and how their columns map.

This module is pure: it validates and interprets a campaign document and never
touches the disk or the network, so the CLI and the GitHub App share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class TableName:
    """A fully qualified BigQuery table name, compared part by part and exactly."""

    project: str
    dataset: str
    table: str

    @classmethod
    def parse(cls, text: str) -> TableName:
        """Parse ``project.dataset.table``; raise ``ValueError`` with a readable reason."""
        parts = text.split(".")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"expected project.dataset.table, got {text!r}")
        return cls(*parts)

    @property
    def parts(self) -> tuple[str, str, str]:
        return (self.project, self.dataset, self.table)

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class ColumnTarget:
    """What one old column becomes on the new table.

    ``expression`` is SQL over the new table's columns, or ``None`` when no
    mechanical equivalent exists and a person must decide (a guardrail).
    """

    column: str
    expression: str | None
    changed: bool


class TableMapping(BaseModel):
    """One row of the campaign's ``tables`` list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old: str
    new: str
    columns: dict[str, str | None] = {}
    old_columns: list[str] | None = None
    new_columns: dict[str, str] | None = None

    @property
    def old_name(self) -> TableName:
        return TableName.parse(self.old)

    @property
    def new_name(self) -> TableName:
        return TableName.parse(self.new)

    def target(self, column: str) -> ColumnTarget:
        """Map an old column (matched case-insensitively, as BigQuery does)."""
        wanted = column.lower()
        for key, expression in self.columns.items():
            if key.lower() == wanted:
                if expression is None:
                    return ColumnTarget(column, None, changed=True)
                return ColumnTarget(column, expression, changed=expression.lower() != wanted)
        if self.new_columns is not None and wanted not in {c.lower() for c in self.new_columns}:
            return ColumnTarget(column, None, changed=True)
        return ColumnTarget(column, column, changed=False)

    def owns(self, column: str) -> bool | None:
        """Whether the old table has ``column``; ``None`` when ``old_columns`` is not given.

        Mapping keys alone never settle ownership: only the declared schema does.
        """
        if self.old_columns is None:
            return None
        return column.lower() in {c.lower() for c in self.old_columns}


class Scope(BaseModel):
    """Which repositories the GitHub App considers (globs over ``owner/name``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repos: list[str] = ["*/*"]
    exclude: list[str] = []


class Campaign(BaseModel):
    """A whole campaign document (contract section 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    guide: str
    dialect: str = "bigquery"
    tables: list[TableMapping]
    scope: Scope = Scope()
