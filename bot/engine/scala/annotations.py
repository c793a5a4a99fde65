"""Scio's typed BigQuery annotations: ``@BigQueryType.fromTable`` and relatives.

The macro behind them generates a case class from the table's schema at
compile time, so the old table's column names become Scala fields all over the
pipeline. Changing the literal alone would rename those fields under the code's
feet, so these annotations are reported and left to a person, with the changed
fields the code selects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.engine.model import FileRewrite, GuardrailSite, ReferenceKind
from bot.engine.scala.fields import changed_columns, fields_selected
from bot.engine.scala.lexer import Lexed, StringLiteral
from bot.engine.scala.literal_text import LiteralError, LiteralText, literal_text
from bot.engine.scala.tables import legacy_mentions, match_spec
from bot.engine.sql import rewrite_sql
from bot.spec import Campaign, TableMapping

_TYPED_ANNOTATION = re.compile(
    r"@\s*(?:[A-Za-z_][\w$]*\s*\.\s*)*BigQueryType\s*\.\s*(?:fromTable|fromQuery|fromStorage)\s*\("
)


@dataclass(frozen=True)
class TypedAnnotation:
    """One annotation; ``start`` is its ``@`` and ``literals`` are those among its arguments."""

    start: int
    literals: tuple[StringLiteral, ...]


def typed_annotations(lexed: Lexed) -> list[TypedAnnotation]:
    """Every typed annotation of the file, its arguments found by matching parentheses."""
    found: list[TypedAnnotation] = []
    for match in _TYPED_ANNOTATION.finditer(lexed.code):
        close = _closing_paren(lexed.code, match.end() - 1)
        literals = tuple(
            literal for literal in lexed.literals if match.end() <= literal.start < close
        )
        found.append(TypedAnnotation(match.start(), literals))
    return found


def _closing_paren(code: str, open_at: int) -> int:
    """Offset of the parenthesis closing ``code[open_at]`` (the end of the file if none)."""
    depth = 0
    for index in range(open_at, len(code)):
        if code[index] == "(":
            depth += 1
        elif code[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(code)


def rewrite_typed(
    text: str,
    lexed: Lexed,
    annotation: TypedAnnotation,
    literals: list[StringLiteral],
    campaign: Campaign,
) -> FileRewrite:
    """Typed rows follow the schema of the table the annotation names: report, never rewrite."""
    result = FileRewrite()
    tables: list[TableMapping] = []
    for literal in literals:
        try:
            runtime = literal_text(text, [literal])
        except LiteralError:
            continue
        for mapping, span in _typed_mentions(runtime, campaign):
            result.references.append(
                runtime.reference(text, mapping.old, ReferenceKind.TYPED, *span)
            )
            if mapping not in tables:
                tables.append(mapping)
    for mapping in tables:
        changed = changed_columns(mapping)
        fields = fields_selected(lexed.code, changed) or changed
        reason = f"typed rows of {mapping.old} follow its schema; move to {mapping.new}"
        reason += f" and map fields {', '.join(fields)} by hand" if fields else " by hand"
        result.guardrails.append(GuardrailSite(annotation.start, reason))
    return result


def _typed_mentions(
    runtime: LiteralText, campaign: Campaign
) -> Iterator[tuple[TableMapping, tuple[int, int]]]:
    """Old tables an annotation's literal names: as a spec, in legacy SQL or in standard SQL."""
    spec = match_spec(runtime.text, campaign)
    if spec is not None:
        yield spec.mapping, (0, len(runtime.text))
        return
    for mapping in campaign.tables:
        for span in legacy_mentions(runtime.text, mapping):
            yield mapping, span
    for reference in rewrite_sql(runtime.text, campaign).references:
        for mapping in campaign.tables:
            if mapping.old == reference.table:
                yield mapping, (reference.start, reference.end)
