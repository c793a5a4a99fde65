"""A column mapping as text to splice: qualified like the column it replaces, bracketed if needed.

Mappings are parsed once per campaign expression (cached) and rendered by
inserting the qualifier at known offsets, so the campaign author's spelling of
the expression is what lands in the diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from bot.engine.sql.guard import Guarded

_ATOM = 100
# BigQuery operator precedence, loosest first; anything not listed binds like an atom.
_LEVELS: tuple[tuple[tuple[type[exp.Expr], ...], int], ...] = (
    ((exp.Or,), 1),
    ((exp.And,), 2),
    ((exp.Not,), 3),
    ((exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike, exp.In), 4),
    ((exp.Is, exp.Between), 4),
    ((exp.BitwiseOr,), 5),
    ((exp.BitwiseXor,), 6),
    ((exp.BitwiseAnd,), 7),
    ((exp.BitwiseLeftShift, exp.BitwiseRightShift), 8),
    ((exp.Add, exp.Sub), 9),
    ((exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.DPipe), 10),
    ((exp.Neg, exp.BitwiseNot), 11),
)


_LEVEL_BY_CLASS: dict[type[exp.Expr], int] = {}


def _level(node: exp.Expr) -> int:
    """How tightly ``node`` binds; looked up by class, since it is asked for every mapped column."""
    kind = type(node)
    level = _LEVEL_BY_CLASS.get(kind)
    if level is None:
        found = (bound for classes, bound in _LEVELS if issubclass(kind, classes))
        level = _LEVEL_BY_CLASS[kind] = next(found, _ATOM)
    return level


@dataclass(frozen=True)
class ParsedMapping:
    """One mapping expression of the campaign, parsed once."""

    text: str
    tree: exp.Expr
    column_starts: tuple[int, ...]  # where a qualifier goes, as offsets into ``text``
    reads: frozenset[str]  # top-level columns of the new table it reads, lower case

    def render(self, qualifier: str | None) -> str:
        """The expression with ``qualifier.`` in front of each column it reads."""
        if not qualifier:
            return self.text
        out = self.text
        for start in sorted(self.column_starts, reverse=True):
            out = f"{out[:start]}{qualifier}.{out[start:]}"
        return out

    @property
    def output_name(self) -> str:
        """The name BigQuery gives the expression as a projection ('' when it invents one)."""
        return self.tree.output_name if isinstance(self.tree, (exp.Column, exp.Dot)) else ""

    @property
    def is_path(self) -> bool:
        return isinstance(self.tree, (exp.Column, exp.Dot))

    @property
    def plain_name(self) -> str | None:
        """The new column's name when the mapping is a plain rename."""
        tree = self.tree
        plain = isinstance(tree, exp.Column) and not tree.table
        if plain and isinstance(tree.this, exp.Identifier):
            return tree.name
        return None

    def needs_parentheses(self, replaced: exp.Expr, followed_by_field: bool) -> bool:
        """Whether splicing the expression in place of ``replaced`` changes how it binds."""
        inner = _level(self.tree)
        if followed_by_field:
            return not self.is_path
        if inner == _ATOM:
            return False
        parent = replaced.parent
        if parent is None:
            return False
        if isinstance(parent, (exp.Dot, exp.Bracket)) and replaced.arg_key == "this":
            return True
        outer = _level(parent)
        if outer == _ATOM:
            return False
        return inner < outer or (inner == outer and replaced.arg_key != "this")


@lru_cache(maxsize=512)
def parse_mapping(text: str, dialect: str) -> ParsedMapping:
    """Parse a campaign mapping expression; a failure guards the statement that needs it."""
    try:
        tree = sqlglot.parse_one(text, read=dialect)
    except SqlglotError as error:
        raise Guarded(f"the mapping {text!r} cannot be parsed") from error
    starts: list[int] = []
    reads: set[str] = set()
    for column in tree.find_all(exp.Column):
        parts = column.parts
        if not parts or isinstance(column.this, exp.Star):
            continue
        if not all("start" in part.meta for part in parts):
            raise Guarded(f"the mapping {text!r} cannot be placed")
        starts.append(min(int(part.meta["start"]) for part in parts))
        reads.add(parts[0].name.lower())
    return ParsedMapping(text, tree, tuple(starts), frozenset(reads))
