"""Beam Java queries read as legacy SQL: ``fromQuery(...)`` without ``.usingStandardSql()``.

``BigQueryIO``'s ``fromQuery`` runs legacy SQL unless the read says
``usingStandardSql()``; the SQL core reads standard SQL only, so a rewrite of
such a query could change what it means. A query there that names an old table
is a guardrail; one naming another project's or dataset's table of the same
name is no reference at all (names are compared part by part).
"""

from __future__ import annotations

from collections.abc import Mapping

from tree_sitter import Node

from bot.engine.jvm.values import Source
from bot.engine.model import FileRewrite, GuardrailSite, Reference, ReferenceKind
from bot.engine.prefilter import needle_pattern
from bot.engine.scala.tables import legacy_mentions
from bot.spec import Campaign


def legacy_queries(
    campaign: Campaign, files: Mapping[str, Source]
) -> dict[str, tuple[FileRewrite, set[int]]]:
    """Per file: the guardrails, and the starts of the literals they decide on."""
    needles = needle_pattern(campaign)
    found: dict[str, tuple[FileRewrite, set[int]]] = {}
    for path, file in files.items():
        parsed = file.lexed.parsed
        if parsed.grammar != "java" or "fromQuery" not in file.text:
            continue
        calls = parsed.captures(
            '((method_invocation name: (identifier) @n) @call (#eq? @n "fromQuery"))'
        )
        for call in calls.get("call", []):
            if _standard(call):
                continue
            arguments = call.child_by_field_name("arguments")
            if arguments is None:
                continue
            for literal in parsed.captures("(string_literal) @s", arguments).get("s", []):
                found_literal = file.literal_at.get(parsed.char(literal.start_byte))
                if found_literal is None:
                    continue
                start, end = found_literal.content_start, found_literal.content_end
                if needles.search(file.text, start, end) is None:
                    continue
                query = file.text[start:end]
                mapping = next((m for m in campaign.tables if legacy_mentions(query, m)), None)
                if mapping is None:
                    continue
                rewrite, handled = found.setdefault(path, (FileRewrite(), set()))
                handled.add(found_literal.start)
                reason = f"legacy SQL reads {mapping.old}; move the query to standard SQL by hand"
                rewrite.guardrails.append(GuardrailSite(parsed.char(call.start_byte), reason))
                rewrite.references.append(
                    Reference(mapping.old, ReferenceKind.TABLE, start, end, file.text[start:end])
                )
    return found


def _standard(call: Node) -> bool:
    """Whether a call made on this read's result (``.usingStandardSql()``) asks for standard SQL."""
    node = call
    while node.parent is not None and node.parent.type == "method_invocation":
        parent = node.parent
        if parent.child_by_field_name("object") != node:
            break
        name = parent.child_by_field_name("name")
        if name is not None and name.text == b"usingStandardSql":
            return True
        node = parent
    return False
