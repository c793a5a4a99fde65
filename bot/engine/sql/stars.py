"""``SELECT *`` over an old table (contract section 3.5).

A star whose columns reach the statement's output is expanded into the old
table's columns, mapped and aliased, so the output keeps its names; a star that
only feeds references inside the statement stays, and those references are
rewritten through it (see ``scopes.Ownership``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from bot.engine.model import TextEdit
from bot.engine.sql.guard import Guarded
from bot.engine.sql.mappings import parse_mapping
from bot.engine.sql.scopes import StarNode, star_except, star_of
from bot.engine.sql.tables import identifier_parts, locate
from bot.spec import TableMapping


def expand_star(
    node: StarNode,
    mapping: TableMapping,
    qualifier: str | None,
    sql: str,
    tokens: Sequence[Token],
    dialect: str,
) -> tuple[TextEdit, list[str]]:
    """The edit replacing a star by the old table's columns, and the output names it keeps."""
    star = star_of(node)
    table = mapping.old
    if mapping.old_columns is None:
        raise Guarded(f"SELECT * over {table} reaches the output and old_columns is not given")
    if star.args.get("replace") or star.args.get("rename"):
        raise Guarded(f"SELECT * REPLACE over {table} needs a person to map the replaced columns")
    excluded = {column.name.lower() for column in star_except(node)}
    items: list[str] = []
    names: list[str] = []
    for name in mapping.old_columns:
        if name.lower() in excluded:
            continue
        target = mapping.target(name)
        if target.expression is None:
            raise Guarded(f"SELECT * would read {name}, which has no equivalent in {mapping.new}")
        names.append(name)
        if not target.changed:
            items.append(f"{qualifier}.{name}" if qualifier else name)
            continue
        parsed = parse_mapping(target.expression, dialect)
        alias = "" if parsed.output_name.lower() == name.lower() else f" AS {name}"
        items.append(f"{parsed.render(qualifier)}{alias}")
    start, end = star_span(node, sql, tokens)
    return TextEdit(start, end, ", ".join(items)), names


def star_span(node: StarNode, sql: str, tokens: Sequence[Token]) -> tuple[int, int]:
    """From the qualifier (if any) to the star, or to the ``)`` closing its EXCEPT list."""
    start = end = _star_end(node, sql)
    start -= 1
    if isinstance(node, exp.Column):
        qualifier = node.args.get("table")
        if isinstance(qualifier, exp.Identifier):
            start = locate([qualifier], sql)[0]
    excluded = star_except(node)
    if excluded:
        last = max(locate(_parts(column), sql)[1] for column in excluded)
        end = _token_after(tokens, last, TokenType.R_PAREN).end + 1
    return start, end


def except_edits(
    node: StarNode, mapping: TableMapping, sql: str, tokens: Sequence[Token], dialect: str
) -> list[TextEdit]:
    """Keep a remaining star's EXCEPT list valid on the new table.

    Renamed columns are renamed; columns the new table does not have are dropped
    from the list (the star no longer yields them anyway); an expression mapping
    cannot be excluded by name, so it needs a person.
    """
    excluded = star_except(node)
    kept: list[str] = []
    changed = False
    for column in excluded:
        start, end = locate(_parts(column), sql)
        target = mapping.target(column.name)
        if not target.changed:
            kept.append(sql[start:end])
            continue
        changed = True
        if target.expression is None:
            continue
        plain = parse_mapping(target.expression, dialect).plain_name
        if plain is None:
            raise Guarded(
                f"SELECT * EXCEPT ({column.name}) cannot exclude the expression {target.expression}"
            )
        kept.append(plain)
    if not changed:
        return []
    star_end = _star_end(node, sql)
    last = max(locate(_parts(column), sql)[1] for column in excluded)
    close = _token_after(tokens, last, TokenType.R_PAREN).end + 1
    if not kept:
        return [TextEdit(star_end, close, "")]
    opening = _token_after(tokens, star_end, TokenType.L_PAREN).start
    return [TextEdit(opening, close, f"({', '.join(kept)})")]


def _star_end(node: StarNode, sql: str) -> int:
    star = star_of(node)
    if "start" not in star.meta or sql[int(star.meta["start"])] != "*":
        raise Guarded("the position of a SELECT * in the text is unknown")
    return int(star.meta["start"]) + 1


def _token_after(tokens: Sequence[Token], offset: int, kind: TokenType) -> Token:
    starts = [token.start for token in tokens]
    following = tokens[bisect_right(starts, offset - 1) :]
    found = next((token for token in following if token.token_type == kind), None)
    if found is None:
        raise Guarded("the end of a SELECT * EXCEPT list in the text is unknown")
    return found


def _parts(column: exp.Column) -> list[exp.Identifier]:
    parts = identifier_parts(column)
    if parts is None:
        raise Guarded(f"{column.sql()} in an EXCEPT list is not a plain column")
    return parts
