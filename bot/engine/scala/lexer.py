"""Find the comments and literals of a Scala file, and nothing else.

The adapter only needs to know which characters are inside a string literal
(and what kind of literal), which are inside a comment, and which are code. A
full Scala parser would be far more than that job needs and would still have to
keep offsets; this scanner keeps exactly the distinctions that decide where a
table name may be rewritten: line and nested block comments, character literals
(so ``'"'`` does not open a string), plain strings with escapes, triple-quoted
strings, and interpolated strings whose ``${ ... }`` splices hold code (with
their own strings and braces) again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

_CHAR_LITERAL = re.compile(r"'(?:[^'\\\r\n]|\\(?:u+[0-9A-Fa-f]{4}|[0-7]{1,3}|.))'")
_SPLICE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRIP_MARGIN = re.compile(r"\s*\.\s*stripMargin\b")
_MARGIN_ARGUMENT = re.compile(r"\s*\(\s*'([^'\\\r\n])'\s*\)")
_OPEN_PAREN = re.compile(r"\s*\(")
# Runs the scanner steps over one character at a time, matched whole instead. ``\w`` is
# exactly ``str.isalnum()`` or ``_``, the test the character-wise loops applied.
_PLAIN_CODE = re.compile(r"[^/\"'`{}\w$]+")
_NAME_REST = re.compile(r"[\w$]*")
_NUMBER_REST = re.compile(r"\w*")
_PLAIN_STRING = re.compile(r"[^\"\\\r\n$]+")
_NOT_NEWLINE = re.compile(r"[^\n]")

# Keywords that can precede an expression never act as interpolators: ``else"x"`` is
# ``else`` then a string, not an interpolated string.
_KEYWORDS = frozenset(
    {"case", "do", "else", "for", "if", "match", "return", "then", "throw", "while", "yield"}
)

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


@dataclass
class _Scanner:
    """One pass over the text; a splice's code is scanned by recursing into ``code``."""

    text: str
    pos: int = 0
    literals: list[StringLiteral] = field(default_factory=list)
    masked: list[tuple[int, int]] = field(default_factory=list)

    def code(self, *, in_splice: bool) -> None:
        """Scan code; inside a splice, stop at the ``}`` that closes it."""
        text, depth = self.text, 0
        while self.pos < len(text):
            self.pos = _skip(_PLAIN_CODE, text, self.pos)
            if self.pos == len(text):
                return
            ch = text[self.pos]
            start = self.pos
            if text.startswith("//", start):
                end = text.find("\n", start)
                self.pos = len(text) if end < 0 else end
                self._mask(start, in_splice=in_splice)
            elif text.startswith("/*", start):
                self._block_comment()
                self._mask(start, in_splice=in_splice)
            elif ch == '"':
                self._string(start, None, in_splice=in_splice)
            elif ch == "'":
                match = _CHAR_LITERAL.match(text, start)
                self.pos = match.end() if match else start + 1
                if match:
                    self._mask(start, in_splice=in_splice)
            elif ch == "`":
                end = text.find("`", start + 1)
                self.pos = len(text) if end < 0 else end + 1
            elif ch.isalpha() or ch in "_$":
                self._identifier_or_interpolation(start, in_splice=in_splice)
            elif ch.isdigit():
                self.pos = _skip(_NUMBER_REST, text, self.pos + 1)
            elif ch == "{":
                depth += 1
                self.pos += 1
            elif ch == "}":
                if in_splice and depth == 0:
                    return
                depth -= 1
                self.pos += 1
            else:
                self.pos += 1

    def _mask(self, start: int, *, in_splice: bool) -> None:
        if not in_splice:
            self.masked.append((start, self.pos))

    def _identifier_or_interpolation(self, start: int, *, in_splice: bool) -> None:
        text = self.text
        self.pos = _skip(_NAME_REST, text, self.pos + 1)
        name = text[start : self.pos]
        if self.pos < len(text) and text[self.pos] == '"' and name not in _KEYWORDS:
            self._string(start, name, in_splice=in_splice)

    def _block_comment(self) -> None:
        """Block comments nest in Scala: ``/* a /* b */ still comment */``."""
        text, depth = self.text, 0
        while self.pos < len(text):
            if text.startswith("/*", self.pos):
                depth += 1
                self.pos += 2
            elif text.startswith("*/", self.pos):
                depth -= 1
                self.pos += 2
                if depth == 0:
                    return
            else:
                self.pos += 1

    def _string(self, start: int, interpolator: str | None, *, in_splice: bool) -> None:
        text = self.text
        triple = text.startswith('"""', self.pos)
        self.pos += 3 if triple else 1
        splices: list[Splice] = []
        terminated = False
        while self.pos < len(text):
            self.pos = _skip(_PLAIN_STRING, text, self.pos)
            if self.pos == len(text):
                break
            ch = text[self.pos]
            if triple and text.startswith('"""', self.pos):
                # The closing quotes are the last three of a run: """a"""" holds a".
                while text.startswith('"""', self.pos + 1):
                    self.pos += 1
                self.pos += 3
                terminated = True
                break
            if not triple and ch == '"':
                self.pos += 1
                terminated = True
                break
            if not triple and ch in "\r\n":
                break
            if ch == "\\" and not triple and text[self.pos + 1 : self.pos + 2] not in ("\r", "\n"):
                self.pos += 2
            elif ch == "$" and interpolator is not None:
                splice = self._splice()
                if splice is not None:
                    splices.append(splice)
            else:
                self.pos += 1
        self.pos = min(self.pos, len(text))
        literal = StringLiteral(start, self.pos, interpolator, triple, terminated, tuple(splices))
        self.literals.append(literal)
        self._mask(start, in_splice=in_splice)

    def _splice(self) -> Splice | None:
        """At a ``$`` of an interpolated literal: ``$$`` and ``$"`` are escapes, not splices."""
        text, start = self.text, self.pos
        following = text[start + 1 : start + 2]
        if following == "{":
            self.pos = start + 2
            self.code(in_splice=True)
            self.pos = min(self.pos + 1, len(text))
            return Splice(start, self.pos)
        match = _SPLICE_NAME.match(text, start + 1)
        if match:
            self.pos = match.end()
            return Splice(start, self.pos)
        self.pos = start + (2 if following in ("$", '"') else 1)
        return None


def _skip(run: re.Pattern[str], text: str, pos: int) -> int:
    """Where the run of ``run`` starting at ``pos`` ends (``pos`` when there is none)."""
    match = run.match(text, pos)
    return pos if match is None else match.end()


def lex(text: str) -> Lexed:
    """Scan ``text`` once; unterminated constructs run to the end of their line or file."""
    scanner = _Scanner(text)
    scanner.code(in_splice=False)
    pieces: list[str] = []
    done = 0
    for start, end in scanner.masked:  # in order, apart: comments and literals of the code
        pieces += (text[done:start], _NOT_NEWLINE.sub(" ", text[start:end]))
        done = end
    pieces.append(text[done:])
    code = "".join(pieces)
    literals: list[StringLiteral] = []
    outer_end = 0
    for literal in sorted(scanner.literals, key=lambda literal: literal.start):
        if literal.start >= outer_end:  # not inside another literal's splice
            literal = _with_margin(literal, text, code)
            outer_end = literal.end
        literals.append(literal)
    return Lexed(tuple(literals), code)


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
