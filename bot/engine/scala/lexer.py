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
    """Parse ``text`` once; an unterminated literal runs to the end of its line (or file).

    After an unterminated literal the rest of the file is lexed afresh from the
    next line, as a scanner would: tree-sitter's error recovery may otherwise
    fold the following lines into the error.
    """
    parsed = Parsed(text, "scala")
    literals, masked = _lexical(parsed, 0)
    return assemble(text, literals, masked, parsed)


def _lexical(parsed: Parsed, base: int) -> tuple[list[StringLiteral], list[tuple[int, int]]]:
    found = parsed.captures(_LEXICAL)
    literals = [_literal(parsed, node, base) for node in found.get("literal", [])]
    masked = [_shift(parsed.span(node), base) for node in found.get("masked", [])]
    broken = _first_unterminated(parsed, literals, masked, base)
    if broken is None:
        return literals, masked
    literals = [lit for lit in literals if lit.end <= broken.start]
    masked = [span for span in masked if span[1] <= broken.start]
    literals.append(broken)
    if broken.end < base + len(parsed.text):
        rest = Parsed(parsed.text[broken.end - base :], "scala")
        more, more_masked = _lexical(rest, broken.end)
        literals += more
        masked += more_masked
    return literals, masked


def _shift(span: tuple[int, int], base: int) -> tuple[int, int]:
    return span[0] + base, span[1] + base


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


# Literals, and what blanks to code (comments, character literals).
_LEXICAL = """
[(string) (interpolated_string_expression)] @literal
[(comment) (block_comment) (character_literal)] @masked
"""


def _literal(parsed: Parsed, node: Node, base: int = 0) -> StringLiteral:
    start, end = _shift(parsed.span(node), base)
    interpolator: str | None = None
    body = node
    if node.type == "interpolated_string_expression":
        head, body = node.children[0], node.children[-1]
        interpolator = parsed.source(head)
    text = parsed.text
    content = parsed.span(body)
    triple = text.startswith('"""', content[0])
    splices = tuple(
        Splice(*_shift(parsed.span(child), base))
        for child in body.children
        if child.type == "interpolation"
    )
    terminated = not body.has_error and end - base - content[0] >= (6 if triple else 2)
    return StringLiteral(start, end, interpolator, triple, terminated, splices)


_QUOTE = re.compile(r'"')
_INTERPOLATOR = re.compile(r"[A-Za-z_]\w*$")


def _first_unterminated(
    parsed: Parsed, literals: list[StringLiteral], masked: list[tuple[int, int]], base: int
) -> StringLiteral | None:
    """The first quote outside every literal and comment: a literal to the end of its line.

    Judged on the text, not on tree-sitter's error nodes, whose extent depends
    on how the parser recovers.
    """
    text = parsed.text
    covered = sorted(
        [(lit.start - base, lit.end - base) for lit in literals]
        + [(start - base, end - base) for start, end in masked]
    )
    index = 0
    for match in _QUOTE.finditer(text):
        quote = match.start()
        while index < len(covered) and covered[index][1] <= quote:
            index += 1
        if any(start <= quote < end for start, end in covered[index : index + 8]):
            continue
        name = _INTERPOLATOR.search(text, max(0, quote - 40), quote)
        start = name.start() if name is not None else quote
        triple = text.startswith('"""', quote)
        newline = -1 if triple else text.find("\n", quote)
        end = len(text) if newline < 0 else newline
        interpolator = name.group() if name is not None else None
        return StringLiteral(start + base, end + base, interpolator, triple, False)
    return None


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
