"""String constants of a repository and the values of string expressions over them.

A table is often named once, in ``object Tables { val Plays = "p:d.t" }`` or a
``static final String``, and read in other files; or built as
``Project + ":d.t"``. Deciding on the literal alone misses the reads and the
builds. This module finds every constant definition (a Scala ``val``, a Java
``final`` variable) on the tree-sitter trees of a language's files and
evaluates string expressions (literals, ``+``, parentheses, names of
constants) to their runtime text, each piece traced to the literal that spells
it, so a rewrite can land in the one literal that holds the changed part.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from tree_sitter import Node

from bot.engine.scala.lexer import Lexed, StringLiteral
from bot.engine.scala.literal_text import LiteralError, LiteralText, literal_text
from bot.engine.syntax import encloses

STRING_NODES = frozenset({"string", "string_literal", "interpolated_string_expression"})
_CONCAT_NODES = frozenset({"infix_expression", "binary_expression"})
# A selection ``Owner.name``: Scala's field_expression, Java's field_access.
SELECT_NODES = {"field_expression": "value", "field_access": "object"}
_OWNER_NODES = frozenset(
    {
        "object_definition",
        "class_definition",
        "trait_definition",
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
    }
)
_MEMBER_SCOPES = frozenset({"template_body", "class_body", "compilation_unit", "program"})
_SCOPES = _MEMBER_SCOPES | {"block", "indented_block", "lambda_expression", "constructor_body"}
_MAX_DEPTH = 16  # constants defined through constants, at most this deep


@dataclass(frozen=True)
class Source:
    """One parsed file of the repository."""

    path: str
    text: str
    lexed: Lexed
    literal_at: Mapping[int, StringLiteral] = field(default_factory=dict)


def source(path: str, text: str, lexed: Lexed) -> Source:
    return Source(path, text, lexed, {lit.start: lit for lit in lexed.literals})


@dataclass(frozen=True)
class Piece:
    """Part of a runtime value, spelled by one literal; ``via``: the constant it came through."""

    text: str
    runtime: LiteralText
    path: str
    via: Constant | None


@dataclass(frozen=True)
class Value:
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass(frozen=True)
class Constant:
    """A named string: ``owner`` is the enclosing object or class, if any."""

    name: str
    owner: str | None
    path: str
    name_node: Node
    value_node: Node
    scope: Node  # where the name is visible unqualified: a class body, a block, the file

    @property
    def member(self) -> bool:
        """A member of an object or class (or top level), which other files can name."""
        return self.scope.type in _MEMBER_SCOPES

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name


def definitions(file: Source) -> Iterator[Constant]:
    """Every constant definition of a file: Scala ``val``s, Java ``final`` variables."""
    parsed = file.lexed.parsed
    if parsed.grammar == "scala":
        found = parsed.captures("(val_definition pattern: (identifier) @name value: (_) @value)")
    else:
        found = parsed.captures("(variable_declarator name: (identifier) @name value: (_) @value)")
    for name, value in zip(found.get("name", []), found.get("value", []), strict=True):
        declaration = name.parent.parent if name.parent is not None else None
        if parsed.grammar == "java" and not _is_final(parsed.source(declaration or name)):
            continue
        yield Constant(parsed.source(name), _owner(name), file.path, name, value, _scope(name))


def _is_final(declaration: str) -> bool:
    return "final" in declaration.split("=", 1)[0].split()


def _scope(node: Node) -> Node:
    parent = node.parent
    while parent is not None and parent.type not in _SCOPES:
        parent = parent.parent
    return parent if parent is not None else node


def _owner(node: Node) -> str | None:
    parent = node.parent
    while parent is not None:
        if parent.type in _OWNER_NODES:
            name = parent.child_by_field_name("name")
            return None if name is None or name.text is None else name.text.decode()
        parent = parent.parent
    return None


class Resolver:
    """Constants by name over a set of files, and evaluation of expressions in those files."""

    def __init__(self, files: Mapping[str, Source]) -> None:
        self.files = files
        self.by_name: dict[str, list[Constant]] = defaultdict(list)
        for file in files.values():
            for constant in definitions(file):
                self.by_name[constant.name].append(constant)

    def lookup(self, path: str, node: Node) -> list[Constant]:
        """The constant a name (``Plays``, ``Tables.Plays``) refers to, as Scala and Java scope it.

        A qualified name means a member of that owner; a bare name means the
        innermost definition around it in its file, else a member its file imports.
        """
        name, qualifier = _name_of(node)
        if name is None:
            return []
        candidates = self.by_name.get(name, [])
        if qualifier is not None:
            return [c for c in candidates if c.owner == qualifier and c.member]
        enclosing = [c for c in candidates if c.path == path and encloses(c.scope, node)]
        if enclosing:
            return [max(enclosing, key=lambda c: c.scope.start_byte)]
        text = self.files[path].text
        return [
            c
            for c in candidates
            if c.member and c.owner is not None and _imports(text, c.owner, name)
        ]

    def evaluate(self, path: str, node: Node, depth: int = 0) -> Value | None:
        """The runtime value of a string expression, or None when it is not known exactly."""
        return self._evaluate(path, node, None, depth)

    def _evaluate(self, path: str, node: Node, via: Constant | None, depth: int) -> Value | None:
        if depth > _MAX_DEPTH:
            return None
        file = self.files[path]
        if node.type in STRING_NODES:
            literal = file.literal_at.get(file.lexed.parsed.char(node.start_byte))
            if literal is None or not literal.terminated or literal.splices:
                return None
            try:
                runtime = literal_text(file.text, [literal])
            except LiteralError:
                return None
            return Value((Piece(runtime.text, runtime, path, via),))
        if node.type == "parenthesized_expression":
            inner = node.named_children
            return self._evaluate(path, inner[0], via, depth + 1) if len(inner) == 1 else None
        if node.type in _CONCAT_NODES:
            if not is_plus(node):
                return None
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return None
            first = self._evaluate(path, left, via, depth + 1)
            second = self._evaluate(path, right, via, depth + 1) if first else None
            return Value(first.pieces + second.pieces) if first and second else None
        if node.type == "identifier" or node.type in SELECT_NODES:
            constants = self.lookup(path, node)
            values = {
                c: self._evaluate(c.path, c.value_node, via or c, depth + 1) for c in constants
            }
            texts = {v.text if v else None for v in values.values()}
            if len(texts) != 1 or None in texts:
                return None  # unknown, or names sharing a spelling with different values
            return next(iter(values.values()))
        return None


def is_plus(node: Node) -> bool:
    operator = node.child_by_field_name("operator")
    return operator is not None and operator.text == b"+"


def _name_of(node: Node) -> tuple[str | None, str | None]:
    """``Plays`` → (Plays, None); ``a.Tables.Plays`` → (Plays, Tables)."""
    if node.type == "identifier":
        return (node.text.decode() if node.text else None), None
    if node.type in SELECT_NODES:
        name = node.child_by_field_name("field")
        owner = node.child_by_field_name(SELECT_NODES[node.type])
        if name is None or name.type != "identifier" or name.text is None:
            return None, None
        qualifier = None
        if owner is not None and owner.type == "identifier" and owner.text:
            qualifier = owner.text.decode()
        elif owner is not None and owner.type in SELECT_NODES:
            inner = owner.child_by_field_name("field")
            qualifier = inner.text.decode() if inner is not None and inner.text else None
        return name.text.decode(), qualifier
    return None, None


def _imports(text: str, owner: str, name: str) -> bool:
    """Whether a file imports ``owner``'s members: ``Owner._``, ``Owner.{..name..}``, static."""
    owner_re, name_re = re.escape(owner), re.escape(name)
    pattern = (
        rf"^\s*import\s+(?:static\s+)?(?:[\w.]+\.)?{owner_re}\s*\.\s*"
        rf"(?:_|\*|given|{name_re}\b|\{{[^}}]*\b{name_re}\b[^}}]*\}})"
    )
    return re.search(pattern, text, re.MULTILINE) is not None
