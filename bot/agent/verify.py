"""The engine judges the agent: an edited file is kept only if the engine finds nothing left.

Three checks, all reusing the engine: (1) running the engine on the edited file
must change nothing but the text of guardrail comments (no old-table reference
outside a guardrailed statement, no verification issue); (2) in plain SQL files
every statement the agent changed must pass the engine's statement verifier
(parses, no old table, columns exist in ``new_columns``, output names kept);
(3) a Scala or Java file must not gain a syntax error, and in Scala every typed
read is resolved on the tree against the new schema with modes
(``bot.agent.rows``); (4) in plain SQL files every
changed statement must not differ from the original when both are run on
synthetic data (parity, as the engine checks its own rewrites).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from bot.agent.frameworks import framework_of
from bot.agent.keys import key_problems
from bot.agent.rows import FileRows, RowReads, refers_to, row_classes, typed_row_problems
from bot.agent.schema import RowSchema
from bot.agent.scope import TREE_GRAMMARS
from bot.engine.adapters import adapter_for
from bot.engine.plan import FilePlan
from bot.engine.planner import plan_repository
from bot.engine.sql.checks import GUARDRAIL_LINE, unknown_new_column
from bot.engine.syntax import Parsed
from bot.spec import Campaign

_PROJECT_FILES = (".yml", ".yaml")

__all__ = ["unknown_new_column", "verify_file"]


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
    return (
        _syntax_problems(path, before, after)
        + problems
        + adapter_for(framework).checks(campaign, before, after)
        + _typed_problems(campaign, snapshot, path, before, after)
    )


def _syntax_problems(path: str, before: str, after: str) -> list[str]:
    """An edit may not add a syntax error (a file that already had one may keep it)."""
    grammar = TREE_GRAMMARS.get(PurePosixPath(path).suffix)
    if grammar is None:
        return []
    parsed = Parsed(after, grammar)
    error = parsed.first_error()
    if error is None or Parsed(before, grammar).first_error() is not None:
        return []
    line = after.count("\n", 0, error) + 1
    return [f"line {line}: the edited file does not parse as {grammar.title()} from here"]


def _typed_problems(
    campaign: Campaign, snapshot: Mapping[str, str], path: str, before: str, after: str
) -> list[str]:
    """Typed reads and ``TableRow`` keys of an edited JVM file, against the new schema."""
    grammar = TREE_GRAMMARS.get(PurePosixPath(path).suffix)
    if grammar is None:
        return []
    problems = key_problems(campaign, grammar, after)
    if grammar == "scala":
        others = {p: t for p, t in snapshot.items() if p.endswith(".scala") and p != path}
        typed, rows = typed_row_problems(campaign, before, after, others)
        problems = typed + problems + _dependents(campaign, before, rows, others)
    return problems


def _dependents(
    campaign: Campaign, before: str, rows: FileRows, others: Mapping[str, str]
) -> list[str]:
    """Other files building or matching rows of a class this edit moved to a new schema.

    A test that constructs ``Row(Some(6L), Some(true))`` breaks when its class
    gains fields, though the test itself was not edited; it is named here so the
    model updates it in the same task.
    """
    earlier = row_classes(campaign, Parsed(before, "scala"), None).classes
    moved = {
        name: schema
        for name, schema in rows.classes.items()
        if schema is not None and earlier.get(name, schema) != schema
    }
    problems: list[str] = []
    for other, text in sorted(others.items()):
        meant: dict[str, RowSchema | None] = {
            name: schema
            for name, schema in moved.items()
            if refers_to(text, rows.owners.get(name, ""), name)
        }
        if not meant:
            continue
        found = RowReads(Parsed(text, "scala"), FileRows(classes=meant)).check()
        problems += [f"{other} {problem}" for problem in found]
    return problems


def _engine_leftovers(planned: FilePlan, after: str) -> list[str]:
    """Issues, unguarded statements and rewrites the engine would still make in ``after``."""
    problems = [f"line {i.line}: {i.issue.message}" for i in planned.verification]
    lines = after.splitlines()
    for guardrail in planned.guardrails:
        above = lines[guardrail.statement_line - 2] if guardrail.statement_line >= 2 else ""
        if not GUARDRAIL_LINE.match(above):
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
    return [line for line in text.splitlines() if not GUARDRAIL_LINE.match(line)]
