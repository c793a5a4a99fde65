"""Which changed columns a Scala file reads by name.

A ``TableRow`` read through a table spec keeps the old table's field names in
every ``row.get("ms_played")``; a typed row keeps them in every ``.ms_played``.
Rewriting only the table would break those reads, so the adapter looks for them
before it rewrites and lists them in the guardrail instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.spec import TableMapping


def changed_columns(mapping: TableMapping) -> list[str]:
    """Old columns whose name or meaning changes on the new table, in campaign order."""
    names = list(mapping.columns)
    listed = {name.lower() for name in names}
    names += [name for name in mapping.old_columns or [] if name.lower() not in listed]
    return [name for name in names if mapping.changes(name)]


def fields_named(values: Iterable[str], columns: Iterable[str]) -> list[str]:
    """Columns some string literal spells exactly (BigQuery ignores the case of names)."""
    spelled = {value.lower() for value in values}
    return [column for column in columns if column.lower() in spelled]


def fields_selected(code: str, columns: Iterable[str]) -> list[str]:
    """Columns the code selects as members (``_.ms_played``, ``row.track_uri``)."""
    return [
        column
        for column in columns
        if re.search(rf"\.\s*{re.escape(column)}\b", code, re.IGNORECASE) is not None
    ]
