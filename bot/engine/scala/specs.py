"""Decisions on literals that are exactly a table spec.

A spec is the simplest reference to rewrite and the easiest to get wrong: the
rows it reads are ``TableRow`` maps keyed by the old column names, so a file
that reads changed fields by name must keep the old spec and get a guardrail.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine.model import FileRewrite, GuardrailSite, ReferenceKind, TextEdit
from bot.engine.scala.fields import changed_columns, fields_named
from bot.engine.scala.lexer import Lexed
from bot.engine.scala.literal_text import LiteralError, LiteralText, literal_text
from bot.engine.scala.tables import SpecMatch


def rewrite_spec(text: str, names: list[str], runtime: LiteralText, spec: SpecMatch) -> FileRewrite:
    """Rewrite a spec literal unless the file reads changed fields of its rows by name."""
    mapping = spec.mapping
    reference = runtime.reference(text, mapping.old, ReferenceKind.TABLE_SPEC, 0, len(runtime.text))
    fields = fields_named(names, changed_columns(mapping))
    if fields:
        verb = "change" if len(fields) > 1 else "changes"
        noun = "fields" if len(fields) > 1 else "field"
        reason = f"TableRow {noun} {', '.join(fields)} {verb} in {mapping.new}"
        return FileRewrite([reference], guardrails=[GuardrailSite(runtime.start, reason)])
    edit = TextEdit(reference.start, reference.end, spec.new_spec)
    return FileRewrite([reference], edits=[edit], statements_rewritten=1)


def plain_values(text: str, lexed: Lexed) -> Iterator[str]:
    """Runtime texts of the literals without splices: the names a file can read fields by."""
    for literal in lexed.literals:
        if literal.terminated and not literal.splices:
            try:
                yield literal_text(text, [literal]).text
            except LiteralError:
                continue


def guard_spec(text: str, runtime: LiteralText, spec: SpecMatch) -> FileRewrite:
    """A wildcard or decorated spec: which tables or partitions it means needs a person."""
    reference = runtime.reference(text, spec.mapping.old, spec.kind, 0, len(runtime.text))
    what = "a wildcard over" if spec.kind is ReferenceKind.WILDCARD else "a decorated"
    reason = f"{runtime.text} is {what} {spec.mapping.old}; point it at {spec.mapping.new} by hand"
    return FileRewrite([reference], guardrails=[GuardrailSite(runtime.start, reason)])
