"""The engine judges the agent: an edited file is kept only if the engine finds nothing left.

Three checks, all reusing the engine: (1) running the engine on the edited file
must change nothing but the text of guardrail comments (no old-table reference
outside a guardrailed statement, no verification issue); (2) in plain SQL files
every statement the agent changed must pass the engine's statement verifier
(parses, no old table, columns exist in ``new_columns``, output names kept);
(3) in Scala, a typed annotation that now names a new table may not leave a
field access that uses a changed old column name; (4) in plain SQL files every
changed statement must not differ from the original when both are run on
synthetic data (parity, as the engine checks its own rewrites).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from bot.agent.frameworks import framework_of
from bot.campaign import Campaign, TableMapping
from bot.engine.edits import LineIndex
from bot.engine.model import Framework
from bot.engine.plan import FilePlan
from bot.engine.planner import plan_repository
from bot.engine.scala.annotations import typed_annotations
from bot.engine.scala.fields import changed_columns, fields_selected
from bot.engine.scala.lexer import lex
from bot.engine.scala.literal_text import LiteralError, literal_text
from bot.engine.scala.tables import looks_like_sql
from bot.engine.sql.guard import Guarded
from bot.engine.sql.scopes import Owner, Ownership, query_scopes, resolve_column, scope_of
from bot.engine.sql.statements import split_statements
from bot.engine.sql.tables import identifier_parts, names_new, table_name
from bot.engine.sql.verify import output_names, projection_name, verify_statement
from bot.parity.outcome import Verdict
from bot.parity.provers import prover_for

_GUARDRAIL_LINE = re.compile(r"^\s*(?:--|//|\{#)\s*godwit:")
_PROJECT_FILES = (".yml", ".yaml")


def verify_file(
    campaign: Campaign, snapshot: Mapping[str, str], path: str, before: str, after: str
) -> list[str]:
    """Every reason ``after`` (the edited ``path``, formerly ``before``) is not acceptable."""
    # Only the edited file and the YAML that decides what dbt sources resolve to are planned.
    context = {p: t for p, t in snapshot.items() if p.endswith(_PROJECT_FILES) and p != path}
    plan = plan_repository(campaign, {**context, path: after})
    planned = next((f for f in plan.files if f.path == path), None)
    problems = [] if planned is None else _engine_leftovers(planned, after)
    # A file that no longer names an old table is not planned at all, yet still checked.
    framework = planned.framework if planned is not None else framework_of(path, snapshot)
    if framework is Framework.BIGQUERY_SQL:
        problems += _statement_problems(campaign, before, after)
    if framework is Framework.SCIO:
        problems += _typed_field_problems(campaign, after)
        problems += _embedded_sql_problems(campaign, after)
    return problems


def _engine_leftovers(planned: FilePlan, after: str) -> list[str]:
    """Issues, unguarded statements and rewrites the engine would still make in ``after``."""
    problems = [f"line {i.line}: {i.issue.message}" for i in planned.verification]
    lines = after.splitlines()
    for guardrail in planned.guardrails:
        above = lines[guardrail.statement_line - 2] if guardrail.statement_line >= 2 else ""
        if not _GUARDRAIL_LINE.match(above):
            problems.append(
                f"line {guardrail.statement_line}: still needs a guardrail ({guardrail.reason})"
            )
    if planned.new_text is None:
        return problems
    kept, engine = _without_guardrails(after), _without_guardrails(planned.new_text)
    changed = [mine for mine, theirs in zip(kept, engine, strict=False) if mine != theirs]
    if changed:
        problems.append(f"the engine would still rewrite {changed[0].strip()!r}")
    elif len(kept) != len(engine):
        problems.append("the engine would still change the end of this file")
    return problems


def _without_guardrails(text: str) -> list[str]:
    return [line for line in text.splitlines() if not _GUARDRAIL_LINE.match(line)]


def _statement_problems(campaign: Campaign, before: str, after: str) -> list[str]:
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
    return [line for line in sql.splitlines() if not _GUARDRAIL_LINE.match(line)]


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


def _embedded_sql_problems(campaign: Campaign, after: str) -> list[str]:
    """SQL in Scala string literals that reads a new table must read columns it has."""
    index = LineIndex(after)
    problems: list[str] = []
    for literal in lex(after).literals:
        try:
            value = literal_text(after, [literal]).text
        except LiteralError:
            continue
        if not looks_like_sql(value):
            continue
        if not any(_names_table(value, m.new) for m in campaign.tables):
            continue
        reason = unknown_new_column(value, campaign)
        if reason is not None:
            problems.append(f"line {index.line_of(literal.start)}: {reason}")
    return problems


def _typed_field_problems(campaign: Campaign, after: str) -> list[str]:
    lexed = lex(after)
    problems: list[str] = []
    for annotation in typed_annotations(lexed):
        for literal in annotation.literals:
            try:
                value = literal_text(after, [literal]).text
            except LiteralError:
                continue
            for mapping in campaign.tables:
                if not _names_table(value, str(mapping.new_name)):
                    continue
                stale = fields_selected(lexed.code, changed_columns(mapping))
                if stale:
                    problems.append(
                        f"typed rows of {mapping.new} have no field {', '.join(stale)}; "
                        "use the mapped fields"
                    )
    return problems


def _names_table(value: str, table: str) -> bool:
    """A spec (``p:d.t``, ``p.d.t``) or a query naming ``table`` (project optional)."""
    project, _, rest = table.partition(".")
    spellings = (table, f"{project}:{rest}", rest)
    return any(
        re.search(rf"(?<![\w.:-]){re.escape(spelling)}(?![\w])", value) for spelling in spellings
    )
