"""Contract section 6 for one rewritten statement: checked on the new text, not trusted.

The rewritten statement is parsed again and must parse, must not refer to an
old table, must read only columns the new table has (when ``new_columns`` is
given) and must keep the original output column names.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp
from sqlglot.errors import SqlglotError

from bot.engine.sql.guard import Guarded
from bot.engine.sql.mappings import parse_mapping
from bot.engine.sql.reading import dialect_named, parse, tokenize
from bot.engine.sql.scopes import (
    Owner,
    Ownership,
    Undecided,
    is_star,
    query_scopes,
    resolve_column,
    scope_of,
)
from bot.engine.sql.tables import (
    TreeNodes,
    find_old_tables,
    identifier_parts,
    names_new,
    table_name,
)
from bot.spec import TableMapping


def output_names(tree: exp.Expr) -> list[exp.Expr] | None:
    """The projections that name a statement's output columns, if it has any."""
    query = tree.expression if isinstance(tree, (exp.Insert, exp.Create)) else tree
    while isinstance(query, exp.SetOperation):
        query = query.this
    if isinstance(query, exp.Subquery):
        query = query.unnest()
    return list(query.expressions) if isinstance(query, exp.Select) else None


def projection_name(projection: exp.Expr) -> str:
    """A projection's output name, lower case; ``*`` for a star."""
    return "*" if is_star(projection) else projection.alias_or_name.lower()


def verify_statement(
    text: str,
    dialect: str,
    mappings: Sequence[TableMapping],
    expected_names: list[str] | None,
) -> str | None:
    """The first reason the rewritten statement ``text`` is not acceptable, or None."""
    return verify_parsed(text, dialect, mappings, expected_names)[0]


def verify_parsed(
    text: str,
    dialect: str,
    mappings: Sequence[TableMapping],
    expected_names: list[str] | None,
) -> tuple[str | None, exp.Expr | None]:
    """``verify_statement``, and the tree it read ``text`` as (None if it does not parse).

    The tree is left as parsed, so parity can run it without parsing the text again.
    """
    try:
        reader = dialect_named(dialect)
        trees = parse(tokenize(text, reader), text, reader)
    except SqlglotError as error:
        return f"the rewritten statement does not parse ({str(error).splitlines()[0]})", None
    tree = trees[0] if trees else None
    if tree is None or isinstance(tree, exp.Command):
        return "the rewritten statement does not parse", None
    return _problem(tree, text, dialect, mappings, expected_names), tree


def _problem(
    tree: exp.Expr,
    text: str,
    dialect: str,
    mappings: Sequence[TableMapping],
    expected_names: list[str] | None,
) -> str | None:
    try:
        # A reference spells the table's name; text without any old name has none left.
        if any(table_name(m.old).table in text for m in mappings):
            left = find_old_tables(TreeNodes.of(tree), text, mappings, None)
            if left:
                return f"{left[0].mapping.old} is still referenced"
        missing = _missing_new_column(tree, mappings, dialect)
    except Guarded as guarded:
        return guarded.reason
    if missing:
        return missing
    after = [projection_name(p) for p in output_names(tree) or []]
    if expected_names is not None and after != expected_names:
        return f"output columns changed from {', '.join(expected_names)} to {', '.join(after)}"
    return None


def _missing_new_column(
    tree: exp.Expr, mappings: Sequence[TableMapping], dialect: str
) -> str | None:
    """A column read from a new table that its ``new_columns`` lacks.

    Only names a mapping expression introduces can be missing: every other
    column of an old table went through ``TableMapping.target``, which already
    refuses columns absent from ``new_columns``. So the scopes are only built
    when such a name occurs at all.
    """
    suspects: dict[int, set[str]] = {}
    for mapping in mappings:
        if mapping.new_columns is None:
            continue
        known = {column.lower() for column in mapping.new_columns}
        produced = {
            name
            for target in (mapping.target(column) for column in mapping.columns)
            if target.expression is not None
            for name in parse_mapping(target.expression, dialect).reads
        }
        if produced - known:
            suspects[id(mapping)] = produced - known
    if not suspects:
        return None
    columns = [c for c in tree.find_all(exp.Column) if not isinstance(c.parent, exp.Star)]
    wanted = set().union(*suspects.values())
    if not any(part.name.lower() in wanted for c in columns for part in c.parts):
        return None
    checked = [m for m in mappings if id(m) in suspects]

    def tracked(table: exp.Table) -> TableMapping | None:
        names = [part.name for part in identifier_parts(table) or []]
        return next((m for m in checked if names_new(names, table_name(m.new))), None)

    def has(mapping: TableMapping, name: str) -> bool | None:
        # Suspect names are unknown (to be checked); any other name is not ours to check.
        return None if name.lower() in suspects[id(mapping)] else False

    ownership = Ownership(tracked, has)
    _, index = query_scopes(tree)
    for column in columns:
        scope = scope_of(column, index)
        parts = identifier_parts(column)
        if scope is None or parts is None:
            continue
        at, resolution = resolve_column(ownership, scope, parts, column)
        name = parts[at].name
        owners = (
            [resolution.mapping]
            if isinstance(resolution, Owner)
            else list(resolution.candidates)
            if isinstance(resolution, Undecided)
            else []
        )
        for mapping in owners:
            if name.lower() in suspects[id(mapping)]:
                return f"{name} is not a column of {mapping.new}"
    return None
