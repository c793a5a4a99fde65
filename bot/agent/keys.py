"""``TableRow`` keys read from a new table: ``row.get("hail")`` must name a field it has.

Beam and Scio code that reads ``TableRow`` maps spells field names as strings,
so a wrong or invented name compiles and reads null at run time. In an edited
file that reads a campaign's new table, every key given to ``get`` (and its
relatives) must be a field of the new schema at some depth, or an output name
of a query on the new table in the same file (``SELECT flags.hail AS hail``).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from bot.agent.rows import names_table
from bot.agent.schema import RowField, query_schema, table_schema
from bot.engine.syntax import Parsed
from bot.spec import Campaign

_KEY_METHODS = frozenset({"get", "getOrDefault", "containsKey"})


def _names(fields: dict[str, RowField] | object) -> Iterator[str]:
    if not isinstance(fields, dict):
        return
    for name, found in fields.items():
        yield name
        if found.children is not None:
            yield from _names(dict(found.children))


def _strings(parsed: Parsed) -> Iterator[tuple[Node, str]]:
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if node.type in ("string_literal", "string"):
            text = parsed.source(node)
            quote = '"""' if text.startswith('"""') else '"'
            yield node, text[len(quote) : -len(quote)] if len(text) >= 2 * len(quote) else ""
            continue
        stack.extend(node.children)


def _receiver(call: Node) -> Node | None:
    """What ``get`` is called on, casts and parentheses taken off."""
    node = call.child_by_field_name("object")
    if node is None:
        function = call.child_by_field_name("function")
        node = function.child_by_field_name("value") if function is not None else None
    while node is not None and node.type in ("parenthesized_expression", "cast_expression"):
        node = node.child_by_field_name("value") or (
            node.named_children[-1] if node.named_children else None
        )
    return node


def _expected_keys(
    parsed: Parsed,
    call: Node,
    top: set[str],
    records: dict[str, set[str]],
    allowed: set[str],
) -> set[str]:
    """Keys a ``get`` may read: the row's own on a row, a record's on that record's value."""
    receiver = _receiver(call)
    if receiver is None:
        return allowed
    if receiver.type == "identifier":
        return top
    if receiver.type in ("method_invocation", "call_expression"):
        argument = next(
            (
                n
                for n in _strings(parsed)
                if n[0].parent is not None and n[0].parent.parent == receiver
            ),
            None,
        )
        if argument is not None and argument[1].lower() in records:
            return records[argument[1].lower()]
    return allowed


def key_problems(campaign: Campaign, grammar: str, after: str) -> list[str]:
    """Every key read from rows of a new table that the new table does not have."""
    parsed = Parsed(after, grammar)
    strings = list(_strings(parsed))
    allowed: set[str] = set()  # any depth: for a key read from an unknown receiver
    top: set[str] = set()  # the row's own keys
    records: dict[str, set[str]] = {}  # a record's key -> its nested keys
    reads_new = False
    for mapping in campaign.tables:
        schema = table_schema(mapping)
        if schema is None:
            continue
        for _, value in strings:
            if not names_table(value, mapping.new):
                continue
            reads_new = True
            allowed |= set(_names(dict(schema.fields)))
            top |= set(schema.fields)
            for name, found in schema.fields.items():
                if found.children is not None:
                    records.setdefault(name, set()).update(found.children)
            if " " in value.strip():
                query = query_schema(value, schema)
                if query is not None:
                    allowed |= set(query.fields)
                    top |= set(query.fields)
    if not reads_new:
        return []
    problems: list[str] = []
    for node, value in strings:
        call = node.parent.parent if node.parent is not None else None
        if call is None or call.type not in ("method_invocation", "call_expression"):
            continue
        method = call.child_by_field_name("name")
        function = call.child_by_field_name("function")
        if method is None and function is not None:
            method = function.child_by_field_name("field")
        if method is None or parsed.source(method) not in _KEY_METHODS:
            continue
        wanted = _expected_keys(parsed, call, top, records, allowed)
        if value.lower() not in wanted:
            problems.append(
                f"line {node.start_point[0] + 1}: {parsed.source(call)[:60]!r} reads {value!r}, "
                f"which rows of the new table do not have there (keys: {', '.join(sorted(wanted))})"
            )
    return problems
