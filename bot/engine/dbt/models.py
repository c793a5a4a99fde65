"""Rewrite one dbt model: mask its Jinja, let the SQL core rewrite, map results back.

Offsets survive masking one to one, so the SQL core's edits, references and
guardrails are already in the model's own offsets; this module only names the
masked placeholders for the core and checks that no edit lands on Jinja.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlglot import exp

from bot.engine.dbt.jinja import (
    WHOLE_SOURCE,
    ExpressionRole,
    JinjaExpression,
    MaskedModel,
    SourceCall,
    mask,
)
from bot.engine.dbt.jinja import source_calls as find_source_calls
from bot.engine.dbt.sources import SourceCatalog, SourceTable
from bot.engine.model import FileRewrite, GuardrailSite, Reference, ReferenceKind, VerificationIssue
from bot.engine.sql import TableMatch, rewrite_sql
from bot.spec import Campaign, TableMapping

# The (source, table) names a rewritten call uses; None when the new table cannot be declared.
SourceTarget = Callable[[TableMapping, SourceTable], tuple[str, str] | None]


@dataclass
class ModelRewrite:
    """A model's rewrite plus what the sources YAML needs to know about it."""

    rewrite: FileRewrite
    migrated: set[SourceTable] = field(default_factory=set)  # calls rewritten away from it
    still_used: set[SourceTable] = field(default_factory=set)  # calls left in place


@dataclass(frozen=True)
class _OldSource:
    call: SourceCall
    entry: SourceTable
    mapping: TableMapping


def _old_sources(
    calls: Iterable[SourceCall], catalog: SourceCatalog, campaign: Campaign
) -> list[_OldSource]:
    """The calls that the project's sources YAML resolves to an old table."""
    found = []
    for call in calls:
        entry = catalog.lookup(call.source, call.table)
        if entry is None:
            continue
        for mapping in campaign.tables:
            if entry.resolves_to(mapping.old_name):
                found.append(_OldSource(call, entry, mapping))
    return found


def rewritten_call(expression: JinjaExpression, call: SourceCall, source: str, table: str) -> str:
    """The ``{{ source(...) }}`` text naming ``source``/``table``, quotes and spacing kept."""
    text, at = expression.text, expression.start
    (s0, s1), (t0, t1) = call.source_span, call.table_span
    return text[: s0 - at] + source + text[s1 - at : t0 - at] + table + text[t1 - at :]


def rewrite_model(
    text: str, campaign: Campaign, catalog: SourceCatalog, target: SourceTarget
) -> ModelRewrite | None:
    """The model's rewrite, or ``None`` when it does not refer to an old table."""
    try:
        masked = mask(text, campaign.dialect)
    except ValueError as error:
        return _unmaskable(text, campaign, catalog, str(error))
    placed = {
        e.placeholder: (e, old)
        for e in masked.expressions
        if e.role is ExpressionRole.SOURCE and e.source is not None and e.placeholder
        for old in _old_sources([e.source], catalog, campaign)
    }

    def resolve(table: exp.Table) -> TableMatch | None:
        if table.db or table.catalog or table.name not in placed:
            return None
        expression, old = placed[table.name]
        names = target(old.mapping, old.entry)
        if names is None:
            return None
        return TableMatch(old.mapping, rewritten_call(expression, old.call, *names))

    opaque = {e.placeholder for e in masked.expressions if e.role is ExpressionRole.OPAQUE}
    core = rewrite_sql(
        masked.text,
        campaign,
        resolver=resolve,
        opaque_identifier=opaque.__contains__,
        tokens=masked.tokens or None,  # empty: the core tokenizes (and reports) it itself
        parity_left_out=masked.incremental,  # parity runs the model as a full refresh would
    )
    olds = [old for _, old in placed.values()]
    finished = _finish(text, masked, core, olds, campaign, catalog, target)
    return _indirect(text, masked, catalog, campaign, finished)


# ``var('name')`` anywhere in the model: in ``{{ }}``, in ``{% set %}``, as a macro argument.
_VAR_CALL = re.compile(r"""(?<![\w.])var\s*\(\s*(['"])(?P<name>[^'"\\]+)\1\s*\)""")


def _indirect(
    text: str,
    masked: MaskedModel,
    catalog: SourceCatalog,
    campaign: Campaign,
    found: ModelRewrite | None,
) -> ModelRewrite | None:
    """Guard what may read an old table without a ``source()`` the rewrite can follow.

    ``{{ var('issue') }}`` whose value (in ``dbt_project.yml``) is a ``source()`` of an
    old table reads it, but the model cannot be rewritten without changing what the
    var means to every project that sets it: a person decides. A ``source()`` of an
    entry whose schema or identifier is Jinja that cannot be read here, and whose
    other parts match an old table, may read it: a guardrail, never silence.
    """
    sites: list[tuple[int, int, TableMapping, str, SourceTable]] = []
    for var in _VAR_CALL.finditer(text):
        value = catalog.variables.get(var["name"])
        called = WHOLE_SOURCE.fullmatch(value.strip()) if isinstance(value, str) else None
        if called is None or masked.in_comment(var.start()):
            continue
        entry = catalog.lookup(called["source"], called["table"])
        for mapping in campaign.tables:
            call = f"source('{called['source']}', '{called['table']}')"
            if entry is not None and entry.resolves_to(mapping.old_name):
                reason = (
                    f"var('{var['name']}') is {call}, which reads {mapping.old}: point the var "
                    "at the new table, or migrate this model by hand"
                )
            elif entry is not None and entry.may_resolve_to(mapping.old_name):
                reason = (
                    f"var('{var['name']}') is {call}, which may read {mapping.old}: {entry.unread}"
                )
            else:
                continue
            sites.append((var.start(), var.end(), mapping, reason, entry))
    calls = [c for c in find_source_calls(text) if not masked.in_comment(c.start)]
    for source_call in calls:
        entry = catalog.lookup(source_call.source, source_call.table)
        for mapping in campaign.tables:
            if entry is None or not entry.may_resolve_to(mapping.old_name):
                continue
            call = f"source('{source_call.source}', '{source_call.table}')"
            reason = f"cannot tell whether {call} reads {mapping.old}: {entry.unread}"
            sites.append((source_call.start, source_call.end, mapping, reason, entry))
    if not sites:
        return found
    result = found or ModelRewrite(FileRewrite())
    for start, end, mapping, reason, entry in sites:
        result.rewrite.references.append(
            Reference(mapping.old, ReferenceKind.SOURCE, start, end, text[start:end])
        )
        result.rewrite.guardrails.append(GuardrailSite(masked.statement_start(start), reason))
        result.still_used.add(entry)
    return result


def _covered(start: int, end: int, rewrite: FileRewrite) -> bool:
    return any(e.start <= start and end <= e.end for e in rewrite.edits)


def _finish(
    text: str,
    masked: MaskedModel,
    core: FileRewrite,
    placed: list[_OldSource],
    campaign: Campaign,
    catalog: SourceCatalog,
    target: SourceTarget,
) -> ModelRewrite | None:
    """Name references in the model's own text and catch what the core could not see.

    A ``source()`` of an old table that the core did not report (inside ``{% set %}``,
    as a macro's argument, in a string) still reads the old table: a guardrail.
    """
    spans = {_span(masked, old.call): old for old in placed}
    result = ModelRewrite(FileRewrite(references=[], verification=list(core.verification)))
    problems = _jinja_overwrites(text, masked, core, spans)
    if problems:
        # The planner applies whatever edits it gets: a file with a bad one gets none.
        result.rewrite.verification.extend(problems)
        core = FileRewrite(references=core.references, guardrails=core.guardrails, parity=[])
        result.rewrite.guardrails.extend(
            GuardrailSite(masked.statement_start(p.offset), p.message) for p in problems
        )
    result.rewrite.edits = core.edits
    result.rewrite.guardrails.extend(core.guardrails)
    result.rewrite.statements_rewritten = core.statements_rewritten
    result.rewrite.parity = core.parity
    for ref in core.references:
        old = spans.get((ref.start, ref.end))
        kind = ReferenceKind.SOURCE if old is not None else ref.kind
        result.rewrite.references.append(
            Reference(ref.table, kind, ref.start, ref.end, text[ref.start : ref.end])
        )
        if old is not None:
            rewritten = _covered(ref.start, ref.end, core)
            (result.migrated if rewritten else result.still_used).add(old.entry)
    reported = {(r.start, r.end) for r in core.references}
    seen = {o.call.start for span, o in spans.items() if span in reported}
    calls = [c for c in find_source_calls(text) if not masked.in_comment(c.start)]
    for old in _old_sources(calls, catalog, campaign):
        if old.call.start in seen:
            continue
        result.still_used.add(old.entry)
        start, end = old.call.start, old.call.end
        result.rewrite.references.append(
            Reference(old.mapping.old, ReferenceKind.SOURCE, start, end, text[start:end])
        )
        call = f"source('{old.call.source}', '{old.call.table}')"
        reason = f"{call} stands where it cannot be rewritten"
        if target(old.mapping, old.entry) is None:
            reason = f"{call} cannot be rewritten: the sources YAML cannot be edited"
        result.rewrite.guardrails.append(GuardrailSite(masked.statement_start(start), reason))
    return result if result.rewrite.references else None


def _span(masked: MaskedModel, call: SourceCall) -> tuple[int, int]:
    """The span of the ``{{ ... }}`` around a call."""
    return next((e.start, e.end) for e in masked.expressions if e.source == call)


def _jinja_overwrites(
    text: str, masked: MaskedModel, core: FileRewrite, spans: dict[tuple[int, int], _OldSource]
) -> list[VerificationIssue]:
    """Edits the SQL core made over Jinja other than a rewritten source(): never applied."""
    placeholders = [e.placeholder for e in masked.expressions if e.placeholder]
    issues = []
    for edit in core.edits:
        over_jinja = text[edit.start : edit.end] != masked.text[edit.start : edit.end]
        if over_jinja and (edit.start, edit.end) not in spans:
            issues.append(VerificationIssue(edit.start, "an edit would overwrite Jinja"))
        elif any(name in edit.replacement for name in placeholders):
            issues.append(VerificationIssue(edit.start, "an edit would copy masked Jinja"))
    return issues


def _unmaskable(
    text: str, campaign: Campaign, catalog: SourceCatalog, error: str
) -> ModelRewrite | None:
    """A model whose Jinja is malformed is left alone, with a guardrail if it reads old."""
    olds = _old_sources(find_source_calls(text), catalog, campaign)
    if not olds:
        return None
    rewrite = FileRewrite(guardrails=[GuardrailSite(0, f"the model's Jinja is malformed: {error}")])
    for old in olds:
        start, end = old.call.start, old.call.end
        rewrite.references.append(
            Reference(old.mapping.old, ReferenceKind.SOURCE, start, end, text[start:end])
        )
    return ModelRewrite(rewrite, still_used={o.entry for o in olds})
