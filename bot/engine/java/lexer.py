"""Find the literals and comments of a Java file on its tree-sitter tree.

Java has no interpolation; a text block (``\"\"\"``) decodes escapes like a plain
string, and its incidental indentation only changes blanks, which neither a
spec nor SQL reads. The result is the ``Lexed`` the Scala adapter reads.
"""

from __future__ import annotations

from tree_sitter import Node

from bot.engine.scala.lexer import Lexed, StringLiteral, assemble
from bot.engine.syntax import Parsed

_LEXICAL = """
(string_literal) @literal
[(line_comment) (block_comment) (character_literal)] @masked
"""


def lex_java(text: str) -> Lexed:
    parsed = Parsed(text, "java")
    found = parsed.captures(_LEXICAL)
    literals = [_literal(parsed, node) for node in found.get("literal", [])]
    masked = [parsed.span(node) for node in found.get("masked", [])]
    return assemble(text, literals, masked, parsed)


def _literal(parsed: Parsed, node: Node) -> StringLiteral:
    start, end = parsed.span(node)
    triple = parsed.text.startswith('"""', start)
    terminated = not node.has_error and end - start >= (6 if triple else 2)
    return StringLiteral(start, end, None, triple, terminated, escapes=True)
