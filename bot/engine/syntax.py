"""Syntax trees for the JVM adapters, from tree-sitter, with offsets in characters.

tree-sitter reports byte offsets into UTF-8; the engine splices edits into the
file's text by character offset. ``Parsed.char`` converts one to the other, so
a rewrite stays a splice into the original text whatever non-ASCII text
precedes it.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

import tree_sitter_java
import tree_sitter_scala
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

_GRAMMARS = {"scala": tree_sitter_scala.language, "java": tree_sitter_java.language}


@cache
def language(name: str) -> Language:
    return Language(_GRAMMARS[name]())


@cache
def _parser(name: str) -> Parser:
    return Parser(language(name))


@cache
def query(name: str, source: str) -> Query:
    return Query(language(name), source)


def encloses(outer: Node, inner: Node) -> bool:
    """Whether ``inner`` lies within ``outer`` (both nodes of one tree)."""
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


class Parsed:
    """One file's tree and the conversion of its byte offsets to character offsets."""

    def __init__(self, text: str, grammar: str) -> None:
        self.text = text
        self.grammar = grammar
        encoded = text.encode("utf-8", "surrogatepass")
        self.tree: Tree = _parser(grammar).parse(encoded)
        self._byte_starts: list[int] | None = None
        if len(encoded) != len(text):
            starts, at = [], 0
            for ch in text:
                starts.append(at)
                at += len(ch.encode("utf-8", "surrogatepass"))
            self._byte_starts = starts

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def char(self, byte: int) -> int:
        """The character offset of a byte offset (a node's start or end)."""
        if self._byte_starts is None:
            return byte
        return bisect_right(self._byte_starts, byte - 1) if byte else 0

    def byte(self, char: int) -> int:
        """The byte offset of a character offset."""
        if self._byte_starts is None:
            return char
        if char >= len(self._byte_starts):
            return len(self.text.encode("utf-8", "surrogatepass"))
        return self._byte_starts[char]

    def node_at(self, start: int, end: int) -> Node:
        """The smallest node spanning characters ``start:end``."""
        node = self.root.descendant_for_byte_range(self.byte(start), self.byte(end))
        return node if node is not None else self.root

    def span(self, node: Node) -> tuple[int, int]:
        return self.char(node.start_byte), self.char(node.end_byte)

    def source(self, node: Node) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def captures(self, pattern: str, node: Node | None = None) -> dict[str, list[Node]]:
        """Nodes a tree-sitter query captures, by capture name (matching runs in C)."""
        found = QueryCursor(query(self.grammar, pattern)).captures(node or self.root)
        return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}

    def first_error(self) -> int | None:
        """Where the first syntax error starts (a character offset), or None if the file parses."""
        node = self.root
        if not node.has_error:
            return None
        while True:
            if node.is_error or node.is_missing:
                return self.char(node.start_byte)
            child = next((c for c in node.children if c.has_error or c.is_missing), None)
            if child is None:
                return self.char(node.start_byte)
            node = child
