"""Checks of edited SQL, for edits the engine did not make itself (the agent's).

Every changed statement must pass the engine's statement verifier, and every
column it reads from a new table must exist in that table's ``new_columns``.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from bot.engine.edits import LineIndex
from bot.engine.sql.guard import Guarded
from bot.engine.sql.scopes import Owner, Ownership, query_scopes, resolve_column, scope_of
from bot.engine.sql.statements import split_statements
from bot.engine.sql.tables import identifier_parts, names_new, table_name
from bot.engine.sql.verify import output_names, projection_name, verify_statement
from bot.parity.outcome import Verdict
from bot.parity.provers import prover_for
from bot.spec import Campaign, TableMapping

GUARDRAIL_LINE = re.compile(r"^\s*(?:--|//|\{#)\s*godwit:")


def statement_problems(campaign: Campaign, before: str, after: str) -> list[str]:
    """Changed statements of a plain SQL file, checked as the engine checks its own rewrites."""
    dialect = Dialect.get_or_raise(campaign.dialect)
    old = [before[s.start : s.end] for s in split_statements(before, dialect)]
    new_spans = split_statements(after, dialect)
    if len(old) != len(new_spans):
        return [f"the file had {len(old)} statements and now has {len(new_spans)}"]
    index = LineIndex(after)
    problems: list[str] = []
    for original, span in zip(old, new_spans, strict=True):
        edited = after[span.start : span.end]
        if _strip_comments(edited) == _strip_comments(original):
            continue
        names = _names(original, dialect)
        reason = verify_statement(edited, campaign.dialect, campaign.tables, names)
        reason = reason or unknown_new_column(edited, campaign)
        reason = reason or _parity_problem(campaign, original, edited)
        if reason is not None:
            problems.append(f"line {index.line_of(span.start)}: {reason}")
    return problems


def _parity_problem(campaign: Campaign, original: str, edited: str) -> str | None:
    """The agent's rewrite run old against new, as the engine runs its own (``bot.parity``).

    Only a rewrite that reads a new table is compared; one that still reads the
    old table is reported by the checks above.
    """
    if not campaign.verify.parity:
        return None
    outcome = prover_for(campaign).prove(original, edited)
    if outcome.verdict is not Verdict.DIFFERS:
        return None
    example = outcome.counterexample
    shown = ""
    if example is not None:
        before = "; ".join(", ".join(row) for row in example.old_output.rows) or "no rows"
        after = "; ".join(", ".join(row) for row in example.new_output.rows) or "no rows"
        shown = f" (on {len(example.new_rows.rows)} synthetic row(s) the original returns "
        shown += f"{before}, the edit returns {after})"
    return f"parity failed: {outcome.reason}{shown}"


def _strip_comments(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if not GUARDRAIL_LINE.match(line)]


def _names(statement: str, dialect: Dialect) -> list[str] | None:
    """The original statement's output names, which the edited one must keep."""
    try:
        trees = dialect.parser().parse(dialect.tokenize(statement), statement)
    except SqlglotError:
        return None
    outputs = output_names(trees[0]) if trees and trees[0] is not None else None
    return None if outputs is None else [projection_name(p) for p in outputs]


def unknown_new_column(sql: str, campaign: Campaign) -> str | None:
    """A column read from a new table that its ``new_columns`` lacks, found through scopes.

    The engine's own check trusts that unmapped columns kept their names; an
    edit by the agent earns no such trust, so every column owned by a new table
    is looked up in its schema.
    """
    checked = [m for m in campaign.tables if m.new_columns is not None]
    if not checked:
        return None
    try:
        trees = Dialect.get_or_raise(campaign.dialect).parse(sql)
    except SqlglotError as error:
        return f"the statement does not parse ({str(error).splitlines()[0]})"

    def tracked(table: exp.Table) -> TableMapping | None:
        names = [part.name for part in identifier_parts(table) or []]
        return next((m for m in checked if names_new(names, table_name(m.new))), None)

    def has(mapping: TableMapping, name: str) -> bool:
        return name.lower() in {c.lower() for c in mapping.new_columns or {}}

    # "Unknown" rather than "no" for a missing name, so a column that only a new
    # table in scope could own still resolves to it and is reported.
    ownership = Ownership(tracked, lambda mapping, name: has(mapping, name) or None)
    for tree in (t for t in trees if t is not None):
        _, index = query_scopes(tree)
        for column in tree.find_all(exp.Column):
            scope, parts = scope_of(column, index), identifier_parts(column)
            if scope is None or parts is None or isinstance(column.parent, exp.Star):
                continue
            try:
                at, resolution = resolve_column(ownership, scope, parts, column)
            except Guarded as guarded:
                return guarded.reason
            if isinstance(resolution, Owner) and not has(resolution.mapping, parts[at].name):
                return f"{parts[at].name} is not a column of {resolution.mapping.new}"
    return None
