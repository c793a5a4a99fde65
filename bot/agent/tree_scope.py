"""Scope of a Scala or Java edit, judged on the syntax tree rather than on lines.

Column names are common words (``month``, ``day``), so a line naming one says
nothing. Here an edit's code tokens (comments excluded) are diffed, and each
changed statement, each call added or removed and each import added must
*involve* the migration: a campaign table in a string, a field read from a typed
row, the typed row's class, a ``get("column")`` key, or a line under review.
Added code may not use a denied API (``bot.agent.denied``), and tests may be
updated but not weakened. Pure: texts in, reasons out.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from bot.agent.denied import denied_category
from bot.agent.rows import TYPED_READ_METHODS, RowReads, row_classes, string_value
from bot.agent.schema import RowSchema
from bot.engine.syntax import Parsed
from bot.spec import Campaign

GUARDRAIL_MARKER = "godwit:"

_STATEMENT_PARENTS = frozenset(
    {"block", "template_body", "compilation_unit", "class_body", "program", "case_block",
     "indented_block", "indented_cases", "constructor_body", "switch_block"}
)  # fmt: skip
_UNITS = frozenset({"lambda_expression", "case_clause"})
_CALLS = frozenset({"call_expression", "method_invocation", "object_creation_expression"})
_IMPORTS = frozenset({"import_declaration"})
# Methods that configure how a BigQuery read is made: part of pointing it at a table.
READ_CONFIGURATION = frozenset(
    {"from", "fromQuery", "usingStandardSql", "withQueryLocation", "withoutValidation",
     "withTemplateCompatibility", "withMethod", "read", "readTableRows", "withSelectedFields",
     "withRowRestriction"}
)  # fmt: skip
_ASSERTIONS = frozenset(
    {"should", "shouldBe", "shouldEqual", "must", "mustBe", "assert", "assertEquals",
     "assertThat", "assertTrue", "assertFalse", "containInAnyOrder", "containSingleValue",
     "haveSize", "satisfy", "satisfySingleValue", "output", "expect", "assertResult",
     "containsInAnyOrder", "isEqualTo", "equalTo", "beEmpty", "containValue"}
)  # fmt: skip
_TEST_INPUTS = frozenset({"input", "inputs", "withInput", "parallelize"})
# A typed row named where rows are read or fed to a test: BigQueryIO[Row], typedBigQuery[Row].
_ROW_TYPE_ARGUMENT = re.compile(r"\b(?:BigQueryIO|typedBigQuery\w*)\s*\[\s*(?:[\w]+\.)*(\w+)\s*\]")
_EMPTYING = re.compile(
    r"\.take\(\s*0\s*\)|\.drop\(|\bNil\b|\b(?:Seq|List|Vector|Iterable|Set)\.empty\b"
    r"|\bCollections\.emptyList\b|\.limit\(\s*0\s*\)|\.filter\(\s*_\s*=>\s*false\s*\)"
)
_TRIVIAL = re.compile(r"\bsucceed\b|\bassert\(\s*true\s*\)|\bassertTrue\(\s*true\s*\)|\bpending\b")


@dataclass(frozen=True)
class Token:
    node: Node
    text: str


def _tokens(parsed: Parsed) -> list[Token]:
    """Leaves of the tree in order, comments left out (they never make code relevant)."""
    found: list[Token] = []
    stack = [parsed.root]
    while stack:
        node = stack.pop()
        if "comment" in node.type:
            continue
        if node.child_count == 0 or node.type in ("string", "string_literal"):
            found.append(Token(node, parsed.source(node)))
            continue
        stack.extend(reversed(node.children))
    return found


def _statement(node: Node) -> Node:
    """The smallest lambda, case or statement holding ``node``: what a change must involve."""
    if not node.is_named and node.parent is not None and node.parent.type in _STATEMENT_PARENTS:
        return node.parent  # a brace or semicolon belongs to the block it delimits
    current = node
    while current.parent is not None and current.parent.type not in _STATEMENT_PARENTS:
        if current.type in _UNITS and current != node:
            return current
        current = current.parent
    return current


def _own_parts(call: Node) -> list[Node]:
    """What a call adds to its receiver: its method name and its arguments."""
    parts: list[Node] = []
    function = call.child_by_field_name("function") or call.child_by_field_name("name")
    if function is not None:
        field = function.child_by_field_name("field")
        parts.append(field if field is not None else function)
    parts += [c for c in call.children if c.type in ("arguments", "argument_list", "block",
                                                      "case_block", "type_arguments")]  # fmt: skip
    return parts


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


class Involvement:
    """Whether a node involves the campaign: its tables, typed rows, their fields."""

    def __init__(self, campaign: Campaign, parsed: Parsed, rows: set[str], names: set[str]):
        self.parsed = parsed
        self.rows = rows  # typed row class names
        self.row_names = names  # names bound to rows
        tables = {m.old_name.table for m in campaign.tables} | {
            m.new_name.table for m in campaign.tables
        }
        self.tables = re.compile(
            r"(?<![\w])(?:" + "|".join(re.escape(t) for t in sorted(tables)) + r")(?![\w])"
        )
        columns: set[str] = set()
        for mapping in campaign.tables:
            columns |= {c.lower() for c in mapping.columns}
            columns |= {c.lower() for c in mapping.old_columns or ()}
            columns |= {c.lower() for c in mapping.new_columns or {}}
            for type_text in (mapping.new_columns or {}).values():
                columns |= {w.lower() for w in re.findall(r"[A-Za-z_]\w*", type_text)}
        self.columns = columns

    def of(self, nodes: Iterable[Node]) -> bool:
        return any(self._node(n) for root in nodes for n in _walk(root))

    def call(self, call: Node) -> bool:
        """A call involves the campaign by what it adds (name, arguments), by being called on
        a row's field (``r.flags.flatMap``), or by building a typed row's value. A call
        inside the arguments of such a call (``_.atZone(UTC)`` in ``r.played_at.map``) is
        judged with it: the lambda holding it must involve the campaign, and the deny list
        still applies."""
        if self.of(_own_parts(call)):
            return True
        function = call.child_by_field_name("function")
        receiver = function.child_by_field_name("value") if function is not None else None
        if receiver is None:
            receiver = call.child_by_field_name("object")
        if receiver is not None and self._node(receiver):
            return True
        return self.inside_row_value(call)

    def member(self, select: Node) -> bool:
        """A parameterless member (``.distinct``) involves the campaign like a call would:
        by its own name, or by lying inside a call on a row's field (``_.getMonthValue``)."""
        return self._node(select) or self.inside_involved_call(select)

    def inside_involved_call(self, node: Node) -> bool:
        parent = node.parent
        while parent is not None:
            if parent.type in _CALLS and self.call(parent):
                return True
            parent = parent.parent
        return False

    def inside_row_value(self, node: Node) -> bool:
        """Within the arguments of a typed row's constructor (test data)."""
        parent = node.parent
        while parent is not None:
            if parent.type == "call_expression":
                function = parent.child_by_field_name("function")
                if function is not None and self.parsed.source(function) in self.rows:
                    return True
            parent = parent.parent
        return False

    def _node(self, node: Node) -> bool:
        kind = node.type
        if kind in ("string", "string_literal"):
            return self.tables.search(self.parsed.source(node)) is not None or (
                (string_value(self.parsed, node) or self.parsed.source(node).strip('"')).lower()
                in self.columns
            )
        if kind in ("type_identifier", "identifier") and self.parsed.source(node) in self.rows:
            return True
        if kind == "identifier" and self.parsed.source(node) in self.row_names:
            return True
        if kind in ("field_expression", "field_access"):
            member = node.child_by_field_name("field")
            receiver = node.child_by_field_name("value") or node.child_by_field_name("object")
            if member is None or receiver is None:
                return False
            rowish = receiver.type in ("wildcard", "field_expression") or (
                self.parsed.source(receiver) in self.row_names
            )
            return rowish and self.parsed.source(member).lower() in self.columns
        return kind == "identifier" and self.parsed.source(node) in _READS


_READS = TYPED_READ_METHODS | READ_CONFIGURATION


def _names(tokens: list[Token]) -> Iterator[str]:
    """Identifiers of added code, and ``a.b`` pairs, for the deny list."""
    texts = [t.text for t in tokens]
    for index, text in enumerate(texts):
        yield text
        if index + 2 < len(texts) and texts[index + 1] == ".":
            yield f"{text}.{texts[index + 2]}"


def check_tree_change(
    campaign: Campaign,
    grammar: str,
    path: str,
    before: str,
    after: str,
    anchors: frozenset[int],
    window: int,
    test: bool,
) -> list[str]:
    """Every reason the edit of a Scala/Java file is out of scope, on its syntax tree."""
    old, new = Parsed(before, grammar), Parsed(after, grammar)
    rows = (
        row_classes(campaign, old, None).classes.keys()
        | row_classes(campaign, new, None).classes.keys()
        if grammar == "scala"
        else set()
    )
    rows = set(rows) | {*_ROW_TYPE_ARGUMENT.findall(before), *_ROW_TYPE_ARGUMENT.findall(after)}
    names = _row_names(campaign, old, grammar) | _row_names(campaign, new, grammar)
    involved_old = Involvement(campaign, old, set(rows), names)
    involved_new = Involvement(campaign, new, set(rows), names)
    before_tokens, after_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(
        None, [t.text for t in before_tokens], [t.text for t in after_tokens], autojunk=False
    )
    problems: list[str] = []
    added: list[Token] = []

    def near(node: Node) -> bool:
        line = node.start_point[0] + 1
        return any(abs(line - anchor) <= window for anchor in anchors)

    def refuse(parsed: Parsed, node: Node, what: str) -> None:
        line = node.start_point[0] + 1
        snippet = " ".join(parsed.source(node).split())[:80]
        side = "" if parsed is new else " of the original"
        problems.append(f"{path} line {line}{side}: {what} ({snippet!r})")

    checked: set[tuple[str, int]] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        inserted = after_tokens[j1:j2]
        removed = before_tokens[i1:i2]
        added += inserted
        sides = (("new", inserted, involved_new, new), ("old", removed, involved_old, old))
        for side, tokens, involved, parsed in sides:
            for token in tokens:
                statement = _statement(token.node)
                key = (side, statement.start_byte)
                if key in checked:
                    continue
                checked.add(key)
                if near(statement):
                    continue
                if statement.type in _IMPORTS and side == "new":
                    refuse(parsed, statement, "a migration adds no import")
                elif not involved.of([statement]):
                    refuse(parsed, statement, "changes code that involves no campaign table or row")
            for token in tokens:
                member = _member_named_by(token.node) if side == "new" else None
                if member is not None and ("new member", member.start_byte) not in checked:
                    checked.add(("new member", member.start_byte))
                    if not near(token.node) and not involved.member(member):
                        refuse(parsed, member, "adds a call that involves no campaign table or row")
                call = _call_named_by(token.node)
                if call is None or (f"{side} call", call.start_byte) in checked or near(token.node):
                    continue
                checked.add((f"{side} call", call.start_byte))
                if not involved.call(call) and not involved.inside_involved_call(call):
                    verb = "adds" if side == "new" else "removes"
                    refuse(parsed, call, f"{verb} a call that involves no campaign table or row")
    problems += _comment_changes(path, old, new, near)
    denied = denied_category(_names(added))
    if denied is not None:
        category, name = denied
        problems.append(f"{path}: added code uses {name} ({category}); a migration never does")
    if _count_reads(old) > _count_reads(new):
        problems.append(f"{path}: the edit removes a typed read or annotation of a campaign table")
    if test:
        problems += _weakened(path, old, new, added, involved_new)
    return _unique(problems)


def _comments(parsed: Parsed) -> list[Node]:
    return [n for n in _walk(parsed.root) if "comment" in n.type]


def _comment_changes(
    path: str, old: Parsed, new: Parsed, near: Callable[[Node], bool]
) -> list[str]:
    """Comments are not code, yet a reader trusts them: only guardrails come and go."""
    problems: list[str] = []
    lines: set[int] = set()
    before = Counter(old.source(n) for n in _comments(old))
    after = Counter(new.source(n) for n in _comments(new))
    for parsed, nodes, other in ((new, _comments(new), before), (old, _comments(old), after)):
        for node in nodes:
            text = parsed.source(node)
            line = node.start_point[0] + 1
            if other[text] > 0 or GUARDRAIL_MARKER in text or (parsed is new and near(node)):
                continue
            if parsed is old and line in lines:
                continue  # the same comment, changed: reported once, as it now reads
            lines.add(line)
            where = "" if parsed is new else " of the original"
            problems.append(
                f"{path} line {line}{where}: the edit changes a comment that "
                f"is not a guardrail ({' '.join(text.split())[:60]!r})"
            )
    return problems


def _member_named_by(node: Node) -> Node | None:
    """A Scala member selection (``xs.distinct``) whose name is this token and is no call."""
    parent = node.parent
    if parent is None or parent.type != "field_expression":
        return None
    if parent.child_by_field_name("field") != node:
        return None
    outer = parent.parent
    if (
        outer is not None
        and outer.type in _CALLS
        and outer.child_by_field_name("function") == parent
    ):
        return None
    return parent


def _call_named_by(node: Node) -> Node | None:
    """The call whose method name is this token, if it is one."""
    parent = node.parent
    if parent is not None and parent.type in ("field_expression", "generic_function"):
        if parent.child_by_field_name("field") != node and parent.type == "field_expression":
            return None
        node, parent = parent, parent.parent
    if parent is not None and parent.type == "method_invocation":
        return parent if parent.child_by_field_name("name") == node else None
    if parent is not None and parent.type in _CALLS:
        return parent if parent.child_by_field_name("function") == node else None
    return None


def _row_names(campaign: Campaign, parsed: Parsed, grammar: str) -> set[str]:
    """Names bound to typed rows (lambda and typed parameters), whatever table the class
    names: a row of the old table is as much the migration's as one of the new."""
    if grammar != "scala":
        return {"row", "r", "record", "tableRow"}
    rows = row_classes(campaign, parsed, None)
    rows.classes = {
        name: schema if schema is not None else RowSchema(name)
        for name, schema in rows.classes.items()
    }
    RowReads(parsed, rows).check()
    return rows.row_names


def _count_reads(parsed: Parsed) -> int:
    text = " ".join(t.text for t in _tokens(parsed))
    return len(
        re.findall(r"\b(?:typedBigQuery\w*|fromTable|fromQuery|fromStorage|from|read\w*)\b", text)
    )


def _count(parsed: Parsed, names: frozenset[str]) -> int:
    return sum(1 for t in _tokens(parsed) if t.text in names)


def _weakened(
    path: str, old: Parsed, new: Parsed, added: list[Token], involved: Involvement
) -> list[str]:
    """Tests may be updated, not weakened: fewer assertions or inputs, emptied inputs."""
    problems: list[str] = []
    if _count(new, _ASSERTIONS) < _count(old, _ASSERTIONS):
        problems.append(
            f"{path}: the edit removes assertions; tests may be updated, never weakened"
        )
    rows = involved.rows
    if _count(new, _TEST_INPUTS) < _count(old, _TEST_INPUTS) or _values(new, rows) < _values(
        old, rows
    ):
        problems.append(
            f"{path}: the edit removes test inputs; tests may be updated, never weakened"
        )
    # An empty list inside a typed row's constructor is a REPEATED field's value, not data lost.
    kept = [t for t in added if not involved.inside_row_value(t.node)]
    text = " ".join(t.text for t in kept)
    code = "".join(t.text for t in kept)
    if _EMPTYING.search(code) or _EMPTYING.search(text):
        problems.append(
            f"{path}: the edit empties or truncates test data (take(0), Nil, Seq.empty); "
            "keep every input row"
        )
    if len(_TRIVIAL.findall(_code(new))) > len(_TRIVIAL.findall(_code(old))):
        problems.append(
            f"{path}: the edit makes an assertion trivially true (succeed, assert(true))"
        )
    return problems


def _code(parsed: Parsed) -> str:
    return "".join(t.text for t in _tokens(parsed))


def _values(parsed: Parsed, rows: set[str]) -> int:
    """Test rows: calls building a typed row (``Row(...)``); when no typed row class is
    known, every value built with a capitalised constructor."""
    count = 0
    for node in _walk(parsed.root):
        if node.type in ("call_expression", "object_creation_expression"):
            function = node.child_by_field_name("function") or node.child_by_field_name("type")
            name = parsed.source(function).split(".")[-1] if function is not None else ""
            if (name in rows) if rows else name[:1].isupper():
                count += 1
    return count


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
