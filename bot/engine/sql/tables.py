"""Which table references are an old table, where they stand, and what replaces them.

Table names match exactly, part by part (contract section 2); the replacement
keeps the reference's quoting style and its omission of the project.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from bot.engine.model import ReferenceKind
from bot.engine.sql.guard import Guarded
from bot.spec import TableMapping, TableName


@dataclass(frozen=True)
class TableMatch:
    """What a framework adapter knows about one table reference (e.g. a masked dbt source)."""

    mapping: TableMapping
    replacement: str | None = None  # text over the reference's span; None: derive it


TableResolver = Callable[[exp.Table], TableMatch | None]

_NAME_TOKENS = frozenset({TokenType.VAR, TokenType.IDENTIFIER})
_NOT_IN_NAMES = re.compile(r"[`\"\[\]\s]")  # quotes and blanks a dotted name may hold


@dataclass(frozen=True)
class TableRef:
    """A reference to an old table inside one parsed statement."""

    node: exp.Table
    mapping: TableMapping
    kind: ReferenceKind
    start: int
    end: int  # exclusive
    replacement: str | None  # given by a resolver, else None


def identifier_parts(node: exp.Table | exp.Column) -> list[exp.Identifier] | None:
    """The name parts of a plain table or column; None for functions, stars and the like."""
    parts = node.parts  # a new list on every call
    if not parts or not all(isinstance(part, exp.Identifier) for part in parts):
        return None
    return cast(list[exp.Identifier], parts)


@lru_cache(maxsize=256)
def table_name(text: str) -> TableName:
    """``TableName.parse``, once per distinct name: it runs for every table reference."""
    return TableName.parse(text)


def old_kind(names: Sequence[str], old: TableName) -> ReferenceKind | None:
    """How a name refers to ``old``, if it does: plainly, bare, as wildcard or decorator."""
    if not 1 <= len(names) <= 3 or tuple(names[:-1]) != old.parts[3 - len(names) : 2]:
        return None
    last = names[-1]
    if last == old.table:
        return ReferenceKind.TABLE if len(names) > 1 else ReferenceKind.BARE
    if re.split(r"[$@]", last, maxsplit=1)[0] == old.table:
        return ReferenceKind.DECORATOR
    if last.endswith("*") and old.table.startswith(last[:-1]):
        return ReferenceKind.WILDCARD
    return None


def names_new(names: Sequence[str], new: TableName) -> bool:
    """Whether a name (at least two parts) is the new table."""
    return 2 <= len(names) <= 3 and tuple(names) == new.parts[3 - len(names) :]


@dataclass(frozen=True)
class TreeNodes:
    """A statement's tables, CTE names (lower case), columns and stars, in tree order.

    Finding the old tables and rewriting the columns each need a walk over the
    whole tree; one walk collects what both need.
    """

    tables: list[exp.Table]
    cte_names: set[str]
    columns: list[exp.Column]
    stars: list[exp.Star]

    @classmethod
    def of(cls, tree: exp.Expr) -> TreeNodes:
        nodes = cls([], set(), [], [])
        for node in tree.find_all(exp.Column, exp.Table, exp.CTE, exp.Star):
            if isinstance(node, exp.Column):
                nodes.columns.append(node)
            elif isinstance(node, exp.Table):
                nodes.tables.append(node)
            elif isinstance(node, exp.CTE):
                nodes.cte_names.add(node.alias.lower())
            elif isinstance(node, exp.Star):
                nodes.stars.append(node)
        return nodes


def find_old_tables(
    nodes: TreeNodes,
    sql: str,
    mappings: Sequence[TableMapping],
    resolver: TableResolver | None,
) -> list[TableRef]:
    """Every reference to an old table among ``nodes``; CTE names are never tables."""
    found: list[TableRef] = []
    for table in nodes.tables:
        parts = identifier_parts(table)
        if parts is None:
            continue
        match = resolver(table) if resolver is not None else None
        kind: ReferenceKind | None
        mapping: TableMapping | None
        if match is not None:
            kind, mapping = ReferenceKind.TABLE, match.mapping
        else:
            names = [part.name for part in parts]
            if len(names) == 1 and names[0].lower() in nodes.cte_names:
                continue
            kind, mapping = _first_old(names, mappings)
        if kind is None or mapping is None:
            continue
        start, end = locate(parts, sql)
        replacement = match.replacement if match is not None else None
        found.append(TableRef(table, mapping, kind, start, end, replacement))
    return found


def _first_old(
    names: Sequence[str], mappings: Iterable[TableMapping]
) -> tuple[ReferenceKind | None, TableMapping | None]:
    for mapping in mappings:
        kind = old_kind(names, table_name(mapping.old))
        if kind is not None:
            return kind, mapping
    return None, None


def locate(parts: Sequence[exp.Identifier], sql: str) -> tuple[int, int]:
    """The span of a dotted name, checked against the text rather than trusted."""
    metas = [part.meta for part in parts]
    if all("start" in meta and "end" in meta for meta in metas):
        start = min(int(meta["start"]) for meta in metas)
        end = max(int(meta["end"]) for meta in metas) + 1
        if _NOT_IN_NAMES.sub("", sql[start:end]) == _dotted(parts):
            return start, end
    raise Guarded(f"the position of {_dotted(parts)} in the text is unknown")


def _dotted(parts: Sequence[exp.Identifier]) -> str:
    return ".".join(part.name for part in parts)


def new_reference_text(ref: TableRef, quote: tuple[str, str]) -> str:
    """The new table, written the way the old reference was written."""
    if ref.replacement is not None:
        return ref.replacement
    parts = identifier_parts(ref.node) or []
    old, new = table_name(ref.mapping.old), table_name(ref.mapping.new)
    keep_short = len(parts) == 2 and new.project == old.project
    names = [new.dataset, new.table] if keep_short else list(new.parts)
    spans = {(part.meta.get("start"), part.meta.get("end")) for part in parts}
    if all(part.quoted for part in parts) and len(spans) == 1:
        return f"{quote[0]}{'.'.join(names)}{quote[1]}"
    flags = [part.quoted for part in parts] or [False]
    missing = len(names) - len(flags)
    flags = [flags[0]] * missing + flags if missing > 0 else flags[-len(names) :]
    return ".".join(
        f"{quote[0]}{name}{quote[1]}" if quoted else name
        for name, quoted in zip(names, flags, strict=True)
    )


def quoted_name(identifier: exp.Identifier, name: str, quote: tuple[str, str]) -> str:
    """``name`` quoted the way ``identifier`` was, or when it must be.

    The parts of a table quoted as a whole count as quoted, but the table's name
    used as a qualifier only needs quotes when it is not a plain identifier.
    """
    shared = identifier.parent is not None and isinstance(identifier.parent, exp.Table)
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is not None
    if identifier.quoted and not (shared and plain):
        return f"{quote[0]}{name}{quote[1]}"
    return name


def quoted_text(name: str, quote: tuple[str, str]) -> str:
    """A name as an identifier in SQL text, quoted only when it has to be."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return f"{quote[0]}{name}{quote[1]}"


def mentions_old_table(
    tokens: Iterable[Token], mappings: Sequence[TableMapping]
) -> TableMapping | None:
    """The old table a statement's tokens name in any form, strings excluded.

    Used for statements that cannot be parsed: they get a guardrail only when they
    plausibly read an old table, never for a mere word in a comment or a string.
    """
    olds = [(mapping, table_name(mapping.old)) for mapping in mappings]
    for token in tokens:
        if token.token_type not in _NAME_TOKENS:
            continue
        text = token.text
        for mapping, old in olds:
            if old.table not in text and "*" not in text:
                continue  # each form old_kind accepts holds the table's name or a wildcard
            if any(old_kind([piece], old) for piece in text.split(".")):
                return mapping
    return None


def strings_mention_old_table(
    tokens: Iterable[Token], mappings: Sequence[TableMapping]
) -> TableMapping | None:
    """The old table a string literal names: SQL built at run time may read it."""
    for token in tokens:
        if token.token_type not in (TokenType.STRING, TokenType.RAW_STRING):
            continue
        for mapping in mappings:
            name = re.escape(table_name(mapping.old).table)
            if re.search(rf"(?<![\w-]){name}(?!\w)", token.text):
                return mapping
    return None
