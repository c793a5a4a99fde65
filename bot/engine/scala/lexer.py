"""Find the comments and literals of a Scala file, and nothing else, on its tree-sitter tree.

The adapter needs to know which characters are inside a string literal (and
what kind of literal), which are inside a comment, and which are code. The
tree-sitter Scala grammar decides that (nested block comments, character
literals, triple quotes, interpolated strings whose ``${ ... }`` splices hold
code again); this module turns its nodes into the literals the adapter
reads, in character offsets, and blanks the rest of the file's non-code.
The Java adapter builds the same ``Lexed`` through ``assemble``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from bot.engine.syntax import Parsed

_STRIP_MARGIN = re.compile(r"\s*\.\s*stripMargin\b")
_MARGIN_ARGUMENT = re.compile(r"\s*\(\s*'([^'\\\r\n])'\s*\)")
_OPEN_PAREN = re.compile(r"\s*\(")
_NOT_NEWLINE = re.compile(r"[^\n]")

# The margin of a ``.stripMargin(...)`` whose argument is not a plain character literal.
UNKNOWN_MARGIN = ""


@dataclass(frozen=True)
class Splice:
    """``$name`` or ``${ ... }`` inside an interpolated literal (file offsets, ``$`` included)."""

    start: int
    end: int


@dataclass(frozen=True)
class StringLiteral:
    """One string literal; ``start`` is its interpolator or opening quote, ``end`` is exclusive.

    ``margin`` is the margin character when the literal is followed by
    ``.stripMargin`` (``UNKNOWN_MARGIN`` when its argument cannot be read),
    ``None`` when it is not.
    """

    start: int
    end: int
    interpolator: str | None
    triple: bool
    terminated: bool
    splices: tuple[Splice, ...] = ()
    margin: str | None = None
    escapes: bool | None = None  # whether escapes are decoded; None: the Scala rule

    @property
    def content_start(self) -> int:
        return self.start + len(self.interpolator or "") + (3 if self.triple else 1)

    @property
    def content_end(self) -> int:
        if not self.terminated:
            return self.end
        return self.end - (3 if self.triple else 1)


@dataclass(frozen=True)
class Lexed:
    """A file's literals in order of appearance, and its code with everything else blanked.

    ``code`` has the file's length and line structure; comments and literals
    (splices included) are spaces in it, so searching it for Scala syntax
    never matches inside a string or a comment.
    """

    literals: tuple[StringLiteral, ...]
    code: str
    parsed: Parsed = field(compare=False, repr=False)


def lex(text: str) -> Lexed:
    """Parse ``text`` once; an unterminated literal runs to the end of its line (or file)."""
    parsed = Parsed(text, "scala")
    found = parsed.captures(_LEXICAL)
    literals = [_literal(parsed, node) for node in found.get("literal", [])]
    literals += _unterminated(parsed, found.get("error", []))
    masked = [parsed.span(node) for node in found.get("masked", [])]
    return assemble(text, literals, masked, parsed)


def assemble(
    text: str, found: list[StringLiteral], masked: list[tuple[int, int]], parsed: Parsed
) -> Lexed:
    """Order the literals, blank comments and outer literals in ``code``, note stripMargin."""
    literals: list[StringLiteral] = []
    spans = list(masked)
    outer_end = 0
    for literal in sorted(found, key=lambda literal: literal.start):
        if literal.start >= outer_end:  # not inside another literal's splice
            spans.append((literal.start, literal.end))
        literals.append(literal)
        outer_end = max(outer_end, literal.end) if literal.start >= outer_end else outer_end
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if start < done:  # inside a span already blanked
            continue
        pieces += (text[done:start], _NOT_NEWLINE.sub(" ", text[start:end]))
        done = end
    pieces.append(text[done:])
    code = "".join(pieces)
    outer_end = 0
    marked: list[StringLiteral] = []
    for literal in literals:
        if literal.start >= outer_end:
            literal = _with_margin(literal, text, code)
            outer_end = literal.end
        marked.append(literal)
    return Lexed(tuple(marked), code, parsed)


# Literals, what blanks to code (comments, character literals), and the error nodes where
# tree-sitter gave up on an unterminated string.
_LEXICAL = """
[(string) (interpolated_string_expression)] @literal
[(comment) (block_comment) (character_literal)] @masked
(ERROR) @error
"""


def _literal(parsed: Parsed, node: Node) -> StringLiteral:
    start, end = parsed.span(node)
    interpolator: str | None = None
    body = node
    if node.type == "interpolated_string_expression":
        head, body = node.children[0], node.children[-1]
        interpolator = parsed.source(head)
    text = parsed.text
    content = parsed.span(body)
    triple = text.startswith('"""', content[0])
    splices = tuple(
        Splice(*parsed.span(child)) for child in body.children if child.type == "interpolation"
    )
    terminated = not body.has_error and end - content[0] >= (6 if triple else 2)
    return StringLiteral(start, end, interpolator, triple, terminated, splices)


def _unterminated(parsed: Parsed, errors: list[Node]) -> list[StringLiteral]:
    """A quote tree-sitter could not close: the literal runs to the end of its line."""
    text = parsed.text
    found: list[StringLiteral] = []
    for node in errors:
        start = parsed.char(node.start_byte)
        if not text.startswith('"', start):
            continue
        triple = text.startswith('"""', start)
        newline = -1 if triple else text.find("\n", start)
        end = len(text) if newline < 0 else newline
        found.append(StringLiteral(start, end, None, triple, False))
    return found


def _with_margin(literal: StringLiteral, text: str, code: str) -> StringLiteral:
    """Note ``.stripMargin`` after a literal: the runtime text then loses each line's margin."""
    if not literal.terminated:
        return literal
    call = _STRIP_MARGIN.match(code, literal.end)
    if call is None:
        return literal
    if _OPEN_PAREN.match(code, call.end()) is None:
        return replace(literal, margin="|")
    argument = _MARGIN_ARGUMENT.match(text, call.end())
    return replace(literal, margin=argument.group(1) if argument else UNKNOWN_MARGIN)
