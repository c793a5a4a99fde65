"""Table names followed across a repository's files: decide once, where the name is used.

A *table value* is a string expression that evaluates to a spec of an old table:
a literal, ``Project + ":music.plays_v1"``, a ``TableReference`` built with
``setProjectId``/``setDatasetId``/``setTableId``, a JobTest ``--input=`` argument,
or a constant defined as one of these. Its *uses* are where it is read: the
expression itself, or every place a constant is named, in any file. The value
is rewritten only when every use keeps working on the new table (no old
column read by key, no typed row with old fields, not spliced into a query);
otherwise each failing use gets a guardrail saying what it reads, and the
definition one saying where it is read. A rewrite lands only in literals the
value itself spells: a part that comes from another constant (a shared
``Project``) is not changed under that constant's other users.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from bot.engine.edits import LineIndex
from bot.engine.jvm.uses import FileUses, Finding, RowClasses, judge_read
from bot.engine.jvm.values import (
    SELECT_NODES,
    STRING_NODES,
    Constant,
    Piece,
    Resolver,
    Source,
    Value,
    is_plus,
)
from bot.engine.model import FileRewrite, GuardrailSite, Reference, ReferenceKind, TextEdit
from bot.engine.prefilter import needle_pattern
from bot.engine.scala.fields import changed_columns
from bot.engine.scala.literal_text import encode
from bot.engine.scala.tables import SpecMatch, match_spec
from bot.spec import Campaign, TableMapping

_ARGUMENT_PREFIX = re.compile(r"--[A-Za-z][\w.-]*=")  # JobTest .args("--input=p:d.t")
_REFERENCE_SETTERS = {"setProjectId": 0, "setDatasetId": 1, "setTableId": 2}
_MAX_ALIASES = 8
_BLANK = re.compile(r"\s")


@dataclass
class Decisions:
    """What the resolver decided, per file, and which literals it decided on."""

    files: dict[str, FileRewrite] = field(default_factory=dict)
    handled: dict[str, set[int]] = field(default_factory=dict)

    def at(self, path: str) -> FileRewrite:
        return self.files.setdefault(path, FileRewrite())

    def handle(self, value: Value, path: str) -> None:
        for piece in value.pieces:
            if piece.via is None:
                self.handled.setdefault(path, set()).add(piece.runtime.start)


@dataclass(frozen=True)
class TableValue:
    path: str
    node: Node  # the expression (or TableReference chain) spelling the value
    value: Value
    spec: SpecMatch
    parts: tuple[tuple[int, int] | None, tuple[int, int], tuple[int, int]]  # runtime spans
    constant: Constant | None  # when the expression is a constant's definition


class TableResolver:
    def __init__(
        self, campaign: Campaign, files: dict[str, Source], resolver: Resolver, classes: RowClasses
    ) -> None:
        self.campaign = campaign
        self.files = files
        self.resolver = resolver
        self.classes = classes
        self.decisions = Decisions()
        self.needles = needle_pattern(campaign)
        self._uses: dict[str, FileUses] = {}

    def run(self, paths: list[str]) -> Decisions:
        for value in self._table_values(paths):
            self._decide(value)
        return self.decisions

    # -- finding table values ------------------------------------------------------------

    def _table_values(self, paths: list[str]) -> Iterator[TableValue]:
        seen: set[tuple[str, int]] = set()
        constants = {
            (c.path, c.value_node.start_byte): c
            for cs in self.resolver.by_name.values()
            for c in cs
        }
        for path in paths:
            parsed = self.files[path].lexed.parsed
            for setter in self._reference_chains(path):
                found = self._reference_value(path, setter, constants)
                if found is not None:
                    seen.add((path, setter.start_byte))
                    yield found
            kinds = " ".join(
                f"({kind})" for kind in STRING_NODES if _in_grammar(kind, parsed.grammar)
            )
            for literal in parsed.captures(f"[{kinds}] @s").get("s", []):
                # Some literal of a table value spells the old table's name (or its wildcard).
                spelled = parsed.source(literal)
                if self.needles.search(spelled) is None or _BLANK.search(spelled):
                    continue  # no name of an old table, or a query: a spec has no blanks
                top = _expression_top(literal)
                annotation = _annotation_of(top)
                if (path, top.start_byte) in seen or (
                    annotation is not None and not _is_option_default(annotation)
                ):
                    continue
                seen.add((path, top.start_byte))
                value = self.resolver.evaluate(path, top)
                if value is None:
                    continue
                found = self._as_table(path, top, value, constants.get((path, top.start_byte)))
                if found is not None:
                    yield found

    def _as_table(
        self, path: str, node: Node, value: Value, constant: Constant | None
    ) -> TableValue | None:
        text = value.text
        prefix = _ARGUMENT_PREFIX.match(text)
        offset = prefix.end() if prefix else 0
        spec = match_spec(text[offset:], self.campaign)
        if spec is None:
            return None
        old = spec.mapping.old_name
        project = (offset, offset + len(old.project)) if spec.separator else None
        dataset_start = project[1] + 1 if project else offset
        dataset = (dataset_start, dataset_start + len(old.dataset))
        table = (dataset[1] + 1, len(text))
        return TableValue(path, node, value, spec, (project, dataset, table), constant)

    def _reference_chains(self, path: str) -> Iterator[Node]:
        """The outermost call of each ``new TableReference().set...`` chain."""
        parsed = self.files[path].lexed.parsed
        if "TableReference" not in self.files[path].text:
            return
        pattern = (
            "(instance_expression (type_identifier) @t)"
            if parsed.grammar == "scala"
            else "(object_creation_expression type: (type_identifier) @t)"
        )
        for name in parsed.captures(pattern).get("t", []):
            if name.text != b"TableReference" or name.parent is None:
                continue
            node = name.parent
            outer = _outer_call(node)
            while outer is not None:
                node, outer = outer, _outer_call(outer)
            yield node

    def _reference_value(
        self, path: str, chain: Node, constants: dict[tuple[str, int], Constant]
    ) -> TableValue | None:
        """A ``TableReference`` chain whose parts equal the old table's, one by one."""
        arguments: dict[int, Node] = {}
        node: Node | None = chain
        while node is not None and node.type in ("call_expression", "method_invocation"):
            method, argument, inner = _call_parts(node)
            if method in _REFERENCE_SETTERS and argument is not None:
                arguments.setdefault(_REFERENCE_SETTERS[method], argument)
            node = inner
        values = {i: self.resolver.evaluate(path, arg) for i, arg in arguments.items()}
        table_value = values.get(2)
        mapping = self._table_named(table_value)
        if mapping is None:
            return None
        old, new = mapping.old_name, mapping.new_name
        expected = {0: old.project, 1: old.dataset, 2: old.table}
        if any(v is not None and v.text != expected[i] for i, v in values.items()):
            return None  # another table with the same name, part by part
        known = {i: v for i, v in values.items() if v is not None}
        if (
            len(known) < len(values)
            or 1 not in known
            or (0 not in known and old.project != new.project)
        ):
            reason = (
                f"a TableReference names {old.table} with parts that cannot be read or set "
                f"here; point it at {mapping.new} by hand"
            )
            self._guard(path, chain.start_byte, reason, mapping.old, chain)
            return None
        spans: list[tuple[int, int] | None] = []
        pieces: list[Piece] = []
        at = 0
        for i in (0, 1, 2):
            part = known.get(i)
            if part is None:
                spans.append(None)
                continue
            spans.append((at, at + len(part.text)))
            at += len(part.text)
            pieces += part.pieces
        dataset, table = spans[1], spans[2]
        assert dataset is not None  # known, checked above
        assert table is not None
        spec = SpecMatch(mapping, ReferenceKind.TABLE_SPEC, ":" if 0 in known else None)
        return TableValue(path, chain, Value(tuple(pieces)), spec, (spans[0], dataset, table), None)

    def _table_named(self, value: Value | None) -> TableMapping | None:
        if value is None:
            return None
        return next((m for m in self.campaign.tables if m.old_name.table == value.text), None)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, table: TableValue) -> None:
        mapping = table.spec.mapping
        self.decisions.handle(table.value, table.path)
        kind = table.spec.kind
        if kind is not ReferenceKind.TABLE_SPEC:
            what = "a wildcard over" if kind is ReferenceKind.WILDCARD else "a decorated"
            reason = (
                f"{table.value.text} is {what} {mapping.old}; point it at {mapping.new} by hand"
            )
            self._guard(table.path, table.node.start_byte, reason, mapping.old, table.node, kind)
            return
        uses = list(self._uses_of(table))
        failing: list[tuple[str, Node, str]] = []
        for path, node, spliced in uses:
            annotation = _annotation_of(node)
            if spliced:
                finding: Finding | str | None = self._spliced_reason(table, node)
            elif annotation is not None and _is_option_default(annotation):
                finding = self._option_reason(table)
            else:
                finding = judge_read(self._file_uses(path), node, mapping, self.classes)
            if finding is not None:
                failing.append(
                    (path, node, finding if isinstance(finding, str) else finding.reason)
                )
        edits, blocker = self._edits(table)
        if not failing and blocker is None:
            for path, edit in edits:
                self.decisions.at(path).edits.append(edit)
            self.decisions.at(table.path).statements_rewritten += 1
            self._reference(table.path, table.node, mapping.old, ReferenceKind.TABLE_SPEC)
            for path, node, _ in uses:
                if node is not table.node:
                    self._reference(path, node, mapping.old, ReferenceKind.TABLE_SPEC)
            return
        for path, node, reason in failing:
            self._guard(path, node.start_byte, reason, mapping.old, node)
        failed = {(path, node.start_byte) for path, node, _ in failing}
        for path, node, _ in uses:
            if (path, node.start_byte) not in failed and node is not table.node:
                self._reference(path, node, mapping.old, ReferenceKind.TABLE_SPEC)
        if table.constant is not None and failing:
            where = ", ".join(sorted({f"{p}:{self._line(p, n)}" for p, n, _ in failing}))
            reason = (
                f"{table.constant.label} names {mapping.old} and is read in code that needs "
                f"a person ({where}); move them to {mapping.new} together by hand"
            )
            self._guard(table.path, table.node.start_byte, reason, mapping.old, table.node)
        elif blocker is not None and not failing:
            self._guard(table.path, table.node.start_byte, blocker, mapping.old, table.node)

    def _option_reason(self, table: TableValue) -> str | None:
        """A pipeline option's default: its readers are wherever the option is read.

        They cannot be followed through the options object, so any file of the
        repository that spells a changed column as a string keeps the old table.
        """
        mapping = table.spec.mapping
        changed = changed_columns(mapping)
        fields = [
            column
            for column in changed
            if any(f'"{column}"' in text for text in self.classes.texts.values())
        ]
        if not fields:
            return None
        return (
            f"a pipeline option defaults to {mapping.old}, and the repository reads "
            f"fields {', '.join(fields)} of its rows, which change in {mapping.new}; "
            "move them together by hand"
        )

    def _spliced_reason(self, table: TableValue, node: Node) -> str:
        label = table.constant.label if table.constant else table.value.text
        mapping = table.spec.mapping
        return (
            f"{label} names {mapping.old} and is spliced into a longer string here; "
            f"point it at {mapping.new} by hand where that string reads the table"
        )

    def _uses_of(self, table: TableValue) -> Iterator[tuple[str, Node, bool]]:
        """(path, node, spliced) for every read of the value; spliced: inside a longer string."""
        if table.constant is None:
            yield table.path, table.node, False
            return
        yield from self._constant_uses(table.constant, 0)

    def _constant_uses(self, constant: Constant, depth: int) -> Iterator[tuple[str, Node, bool]]:
        if depth > _MAX_ALIASES:
            return
        query = f'((identifier) @id (#eq? @id "{constant.name}"))'
        for path, file in self.files.items():
            if constant.name not in file.text:
                continue
            for name in file.lexed.parsed.captures(query).get("id", []):
                if path == constant.path and name.start_byte == constant.name_node.start_byte:
                    continue
                node = name
                parent = name.parent
                if parent is not None and parent.type in SELECT_NODES:
                    if parent.child_by_field_name("field") != name:
                        continue
                    node = parent
                if constant not in self.resolver.lookup(path, node):
                    continue
                top = _expression_top(node)
                alias = self._definition_of(path, top)
                if top is node and alias is not None:
                    yield from self._constant_uses(alias, depth + 1)
                    continue
                yield path, node, top is not node or _in_interpolation(node)

    def _definition_of(self, path: str, node: Node) -> Constant | None:
        for constants in self.resolver.by_name.values():
            for constant in constants:
                if constant.path == path and constant.value_node.start_byte == node.start_byte:
                    return constant
        return None

    def _edits(self, table: TableValue) -> tuple[list[tuple[str, TextEdit]], str | None]:
        """Edits turning every changed part into the new table's, or why they cannot be made."""
        old, new = table.spec.mapping.old_name, table.spec.mapping.new_name
        project, dataset, name = table.parts
        wanted: list[tuple[int, int, str]] = []
        if project is not None and old.project != new.project:
            wanted.append((*project, new.project))
        elif project is None and old.project != new.project:
            wanted.append((dataset[0], dataset[0], f"{new.project}:"))
        if old.dataset != new.dataset:
            wanted.append((*dataset, new.dataset))
        if old.table != new.table:
            wanted.append((*name, new.table))
        edits: list[tuple[str, TextEdit]] = []
        for start, end, replacement in wanted:
            offset = 0
            for piece in table.value.pieces:
                inside = offset <= start and (
                    end < offset + len(piece.text)
                    or (end == offset + len(piece.text) and start < end)
                    or (start == end and start < offset + len(piece.text))
                )
                if not inside:
                    offset += len(piece.text)
                    continue
                if piece.via is not None:
                    return [], (
                        f"part of the name of {table.spec.mapping.old} comes from "
                        f"{piece.via.label}; point it at {table.spec.mapping.new} by hand"
                    )
                file_start, file_end = piece.runtime.file_span(start - offset, end - offset)
                literal = piece.runtime.literal_holding(file_start, file_end)
                spelled = encode(replacement, literal) if literal is not None else None
                if spelled is None:
                    return [], f"the name of {table.spec.mapping.old} cannot be respelled here"
                edits.append((piece.path, TextEdit(file_start, file_end, spelled)))
                break
            else:
                return [], (
                    f"the name of {table.spec.mapping.old} is built from several strings; "
                    f"point it at {table.spec.mapping.new} by hand"
                )
        return edits, None

    # -- recording ---------------------------------------------------------------------

    def _file_uses(self, path: str) -> FileUses:
        if path not in self._uses:
            self._uses[path] = FileUses(self.files[path])
        return self._uses[path]

    def _line(self, path: str, node: Node) -> int:
        parsed = self.files[path].lexed.parsed
        return LineIndex(self.files[path].text).line_of(parsed.char(node.start_byte))

    def _reference(
        self, path: str, node: Node, table: str, kind: ReferenceKind = ReferenceKind.TABLE_SPEC
    ) -> None:
        """A reference at ``node``; a lone literal's is its content, as the SQL rules report."""
        parsed = self.files[path].lexed.parsed
        start, end = parsed.span(node)
        literal = self.files[path].literal_at.get(start) if node.type in STRING_NODES else None
        if literal is not None and literal.terminated:
            start, end = literal.content_start, literal.content_end
        reference = Reference(table, kind, start, end, parsed.text[start:end])
        self.decisions.at(path).references.append(reference)

    def _guard(
        self,
        path: str,
        start_byte: int,
        reason: str,
        table: str,
        node: Node,
        kind: ReferenceKind = ReferenceKind.TABLE_SPEC,
    ) -> None:
        parsed = self.files[path].lexed.parsed
        self.decisions.at(path).guardrails.append(GuardrailSite(parsed.char(start_byte), reason))
        self._reference(path, node, table, kind)


def _in_grammar(kind: str, grammar: str) -> bool:
    return (kind == "string_literal") == (grammar == "java")


def _expression_top(node: Node) -> Node:
    """The largest ``+`` chain or parenthesis around ``node``."""
    while node.parent is not None and (
        node.parent.type == "parenthesized_expression"
        or (node.parent.type in ("infix_expression", "binary_expression") and is_plus(node.parent))
    ):
        node = node.parent
    return node


def _annotation_of(node: Node) -> Node | None:
    """The annotation holding ``node``, if any."""
    parent = node.parent
    while parent is not None:
        if parent.type in ("annotation", "marker_annotation"):
            return parent
        parent = parent.parent
    return None


def _is_option_default(annotation: Node) -> bool:
    """Beam's ``@Default.String(...)`` on a pipeline option; typed annotations are not."""
    name = annotation.child_by_field_name("name")
    return name is not None and name.text == b"Default.String"


def _in_interpolation(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "interpolation":
            return True
        parent = parent.parent
    return False


def _call_parts(node: Node) -> tuple[str | None, Node | None, Node | None]:
    """(method name, first argument, receiver) of a method call in either grammar."""
    if node.type == "method_invocation":
        name = node.child_by_field_name("name")
        arguments = node.child_by_field_name("arguments")
        receiver = node.child_by_field_name("object")
    else:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or function.type != "field_expression":
            return None, None, None
        name = function.child_by_field_name("field")
        receiver = function.child_by_field_name("value")
    first = (
        arguments.named_children[0] if arguments is not None and arguments.named_children else None
    )
    method = name.text.decode() if name is not None and name.text else None
    return method, first, receiver


def _outer_call(node: Node) -> Node | None:
    """The call made on ``node``'s result (``node.setTableId(..)``), if any."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "method_invocation" and parent.child_by_field_name("object") == node:
        return parent
    if parent.type == "field_expression" and parent.child_by_field_name("value") == node:
        call = parent.parent
        if call is not None and call.type == "call_expression":
            return call
    return None
