"""Spellings of an old table inside a Scala literal's runtime text.

BigQuery client code names tables as specs (``project:dataset.table`` or
``project.dataset.table``), legacy SQL names them in brackets, and an
interpolation can build part of a name. Each is a different decision for the
adapter, so each has its own small matcher here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.model import ReferenceKind
from bot.engine.scala.literal_text import PLACEHOLDER_PATTERN
from bot.spec import Campaign, TableMapping

_SQL_START = re.compile(
    r"\s*(?:(?:--|#)[^\n]*\n\s*)*[(\s]*"
    r"(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|CREATE|DECLARE|BEGIN|EXECUTE|CALL|TRUNCATE)\b",
    re.IGNORECASE,
)
_SQL_CLAUSE = re.compile(r"\b(?:FROM|JOIN)\b")  # upper case: "read from x" is prose


@dataclass(frozen=True)
class SpecMatch:
    """A literal that is exactly one spec naming an old table (or its wildcard or decorator)."""

    mapping: TableMapping
    kind: ReferenceKind
    separator: str | None  # ":" or "." after the project; None when the project is omitted

    @property
    def new_spec(self) -> str:
        """The new table in the literal's form (contract section 3.1, as for SQL names).

        A spec without a project keeps omitting it when the new table is in the
        same project; otherwise it gains one, with Beam's canonical colon.
        """
        old, new = self.mapping.old_name, self.mapping.new_name
        if self.separator is None and old.project == new.project:
            return f"{new.dataset}.{new.table}"
        return f"{new.project}{self.separator or ':'}{new.dataset}.{new.table}"


def _table_kind(name: str, old_table: str) -> ReferenceKind | None:
    """How a written table name relates to the old table's name, if at all."""
    if name == old_table:
        return ReferenceKind.TABLE
    if name.startswith(old_table) and name[len(old_table) : len(old_table) + 1] in ("$", "@"):
        return ReferenceKind.DECORATOR
    if name.endswith("*") and old_table.startswith(name[:-1]):
        return ReferenceKind.WILDCARD
    return None


def match_spec(value: str, campaign: Campaign) -> SpecMatch | None:
    """The old table ``value`` is exactly a spec of; longer names such as ``plays_v10`` are not.

    ``dataset.table`` counts too: it names the old table in its own project.
    """
    for mapping in campaign.tables:
        old = mapping.old_name
        pattern = rf"(?:{re.escape(old.project)}([:.]))?{re.escape(old.dataset)}\.(\S+)"
        match = re.fullmatch(pattern, value)
        if match is None:
            continue
        kind = _table_kind(match.group(2), old.table)
        if kind is not None:
            spec_kind = ReferenceKind.TABLE_SPEC if kind is ReferenceKind.TABLE else kind
            return SpecMatch(mapping, spec_kind, match.group(1))
    return None


def legacy_mentions(sql: str, mapping: TableMapping) -> list[tuple[int, int]]:
    """Spans of legacy SQL names of the old table: ``[project:dataset.table]`` and relatives.

    Standard SQL never writes a colon between project and dataset, so the colon
    form inside a query marks legacy SQL too.
    """
    old = mapping.old_name
    project, dataset = re.escape(old.project), re.escape(old.dataset)
    pattern = (
        rf"\[\s*(?:{project}[:.])?{dataset}\.([^\]\s]+)\s*\]"
        rf"|(?<![\w-]){project}:{dataset}\.([\w$@*-]+)"
    )
    return [
        match.span()
        for match in re.finditer(pattern, sql)
        if _table_kind(match.group(1) or match.group(2), old.table) is not None
    ]


def spliced_mentions(text: str, mapping: TableMapping) -> list[tuple[int, int]]:
    """Names of the old table whose project or dataset comes from a splice: unknowable here.

    Every part that is written out must still be the old table's own:
    ``${p}:samples_eu.plays`` names another dataset and is no reference.
    """
    old = mapping.old_name
    splice, table = PLACEHOLDER_PATTERN, re.escape(old.table)
    project, dataset = re.escape(old.project), re.escape(old.dataset)
    pattern = rf"(?<![\w-])(?:(?:{splice}|{project})[.:])?(?:{splice}|{dataset})\.{table}(?![\w])"
    return [
        match.span()
        for match in re.finditer(pattern, text)
        if re.search(splice, match.group()) is not None
    ]


def looks_like_sql(text: str) -> bool:
    """Whether a literal is a query or a piece of one (a FROM or JOIN clause).

    Log messages and descriptions that happen to name the table are not
    references, and handing them to the SQL core would only raise parse errors.
    """
    return _SQL_START.match(text) is not None or _SQL_CLAUSE.search(text) is not None


def names_whole(text: str, campaign: Campaign) -> bool:
    """Whether ``text`` spells an old table whole: project (optional), dataset and table.

    A string the SQL core cannot parse is only a reference when it does; a name
    sharing just the last part (``[other-proj:music_%s.plays_v1]``) is another table.
    """
    for mapping in campaign.tables:
        old = mapping.old_name
        project, dataset, table = (re.escape(part) for part in old.parts)
        pattern = rf"(?<![\w.:`-])`?(?:{project}`?[.:]`?)?{dataset}`?\.`?{table}(?![\w$@*])"
        if re.search(pattern, text) is not None:
            return True
    return False
