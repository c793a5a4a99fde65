"""Which rows of the campaign's mapping a plan actually used, per file and per change.

The engine reports table references, not column rewrites, so a column row is
tied to a change when its old column is named (as a whole word, case-insensitively
like BigQuery) in the lines the change removes from a file that references the
row's table; a row without equivalent is tied to the guardrails whose reason names
it. Reviewers then see the rows that shaped their diff, not the whole table.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.plan import FilePlan, RepoPlan
from bot.spec import Campaign


@dataclass(frozen=True)
class MappingRow:
    old_table: str
    new_table: str
    column: str
    expression: str | None  # None: no mechanical equivalent, a guardrail


@dataclass(frozen=True)
class Hunk:
    """One contiguous change; line numbers are 1-based, in the original and the new text."""

    old_start: int
    removed: tuple[str, ...]
    new_start: int
    added: tuple[str, ...]


def hunks(original: str, new_text: str) -> list[Hunk]:
    """The changes between two texts, line by line.

    The lines both share at the start and the end are set aside first: without
    autojunk the matcher is quadratic in repeated lines, and a file of up to the
    snapshot limit (2 MB) is mostly lines an edit never touched.
    """
    old_lines, new_lines = original.splitlines(), new_text.splitlines()
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[-1 - tail] == new_lines[-1 - tail]
    ):
        tail += 1
    old_mid = old_lines[head : len(old_lines) - tail]
    new_mid = new_lines[head : len(new_lines) - tail]
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    return [
        Hunk(head + i1 + 1, tuple(old_mid[i1:i2]), head + j1 + 1, tuple(new_mid[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def changed_rows(campaign: Campaign) -> list[MappingRow]:
    """Rows that change something: renames, expressions and columns without equivalent."""
    return [
        MappingRow(table.old, table.new, column, expression)
        for table in campaign.tables
        for column, expression in table.columns.items()
        if table.target(column).changed
    ]


def _names(column: str, text: str) -> bool:
    pattern = rf"(?<![A-Za-z0-9_]){re.escape(column)}(?![A-Za-z0-9_])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def rows_for_hunk(campaign: Campaign, file: FilePlan, hunk: Hunk) -> list[MappingRow]:
    tables = {located.reference.table for located in file.references}
    removed = "\n".join(hunk.removed)
    return [
        row
        for row in changed_rows(campaign)
        if row.old_table in tables and row.expression is not None and _names(row.column, removed)
    ]


def rows_for_guardrail(campaign: Campaign, file: FilePlan, reason: str) -> list[MappingRow]:
    tables = {located.reference.table for located in file.references}
    return [
        row
        for row in changed_rows(campaign)
        if row.old_table in tables and row.expression is None and _names(row.column, reason)
    ]


def rows_for_file(campaign: Campaign, file: FilePlan) -> list[MappingRow]:
    if file.new_text is None:
        return []
    found = [
        row
        for hunk in hunks(file.original, file.new_text)
        for row in rows_for_hunk(campaign, file, hunk)
    ]
    found += [row for g in file.guardrails for row in rows_for_guardrail(campaign, file, g.reason)]
    return list(dict.fromkeys(found))


def applied_rows(campaign: Campaign, files: Iterable[FilePlan]) -> list[MappingRow]:
    """Rows behind the changes of ``files``, in the campaign's order."""
    used = {row for file in files for row in rows_for_file(campaign, file)}
    return [row for row in changed_rows(campaign) if row in used]


def tables_changed(campaign: Campaign, plan: RepoPlan) -> list[tuple[str, str]]:
    """(old, new) of every table a changed file references, in the campaign's order."""
    referenced = {r.reference.table for f in plan.files if f.changed for r in f.references}
    return [(t.old, t.new) for t in campaign.tables if t.old in referenced]
