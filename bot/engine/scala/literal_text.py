"""What a string literal says at run time, with every character traced back to the file.

SQL and table specs are judged on the runtime text (escapes decoded,
``.stripMargin`` margins blanked, splices replaced by placeholders), while edits
must land in the file. Keeping the source span of every runtime character maps
any span of the runtime text back to the exact source that spells it, whatever
escapes lie inside. Literals joined by ``+`` read as one text; spans that would
cut into a splice or across a ``+`` are refused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.engine.model import Reference, ReferenceKind
from bot.engine.scala.lexer import UNKNOWN_MARGIN, StringLiteral

# Interpolators whose runtime text is known: s and f decode escapes, raw does not.
_KNOWN_INTERPOLATORS = frozenset({"s", "f", "raw"})
PLACEHOLDER_PATTERN = r"godwit_splice_\d+"

_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'"}
_SIMPLE_ESCAPES["\\"] = "\\"
_UNICODE_ESCAPE = re.compile(r"\\u+([0-9A-Fa-f]{4})")
_FORMAT_SPEC = re.compile(r"%[-#+ 0,(<]*\d*(?:\.\d+)?[a-zA-Z%]")
_MARGIN_PREFIX = re.compile(r"[\x00-\x09\x0b- ]*")  # blanks within one line


class LiteralError(ValueError):
    """A literal whose runtime text cannot be known exactly."""


@dataclass(frozen=True)
class LiteralText:
    """The runtime text of one literal, or of literals joined by ``+``.

    ``starts[i]:ends[i]`` is the file span spelling runtime character ``i`` (two
    characters for an escape, the whole splice for a placeholder); ``end`` is
    the end of the last literal's content. ``opaque`` are the runtime spans
    that stand for splices, and empty spans where two literals meet.

    The spans are kept as two sequences of offsets rather than a pair per
    character: a query is hundreds of characters, and as many small tuples are
    work for the garbage collector.
    """

    literals: tuple[StringLiteral, ...]
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    end: int
    opaque: tuple[tuple[int, int], ...]
    placeholders: frozenset[str]

    @property
    def start(self) -> int:
        """Where the (first) literal starts in the file."""
        return self.literals[0].start

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """The file span spelling runtime ``text[start:end]``."""
        if start < end:
            return self.starts[start], self.ends[end - 1]
        at = self.starts[start] if start < len(self.starts) else self.end
        return at, at

    def reference(
        self, source: str, table: str, kind: ReferenceKind, start: int, end: int
    ) -> Reference:
        """A reference at runtime ``text[start:end]``, reported where ``source`` spells it."""
        file_start, file_end = self.file_span(start, end)
        return Reference(table, kind, file_start, file_end, source[file_start:file_end])

    def literal_holding(self, start: int, end: int) -> StringLiteral | None:
        """The literal whose content holds the file span ``start:end``, if one does.

        A span next to a name spliced between literals (``+ day +``) can fall
        in the code around it; no edit may land there.
        """
        for literal in self.literals:
            if literal.content_start <= start <= end <= literal.content_end:
                return literal
        return None

    def touches_splice(self, start: int, end: int) -> bool:
        """Whether replacing ``text[start:end]`` would change a splice or cross a ``+``."""
        for low, high in self.opaque:
            if start < high and low < end:  # also an edit across an empty ``+`` joint
                return True
            if start == end and low < start < high:
                return True
        return False

    def with_parameters(self, names: Collection[str]) -> LiteralText:
        """The same text with the named placeholders written as query parameters (``@name``)."""
        if not names:
            return self  # nothing to rename: the text and its spans stay as they are
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        opaque: list[tuple[int, int]] = []
        done = 0
        for low, high in self.opaque:
            chars += self.text[done:low]
            starts += self.starts[done:low]
            ends += self.ends[done:low]
            name = self.text[low:high]
            shown = f"@{name}" if name in names else name
            opaque.append((len(chars), len(chars) + len(shown)))
            chars += shown
            if shown:
                starts += [self.starts[low]] * len(shown)
                ends += [self.ends[low]] * len(shown)
            done = high
        chars += self.text[done:]
        starts += self.starts[done:]
        ends += self.ends[done:]
        return replace(
            self, text="".join(chars), starts=tuple(starts), ends=tuple(ends), opaque=tuple(opaque)
        )

    def is_placeholder(self, name: str) -> bool:
        """Whether an identifier of the runtime text was produced by a splice."""
        return any(placeholder in name for placeholder in self.placeholders)


def literal_text(
    source: str,
    literals: Sequence[StringLiteral],
    joints: Sequence[tuple[int, int] | None] = (),
) -> LiteralText:
    """Decode ``literals`` of ``source``, joined by ``+``; ``LiteralError`` if the text is unknown.

    ``joints[i]`` is the file span of a value spliced between literals ``i`` and
    ``i + 1`` (``"... '" + day + "'"``), or ``None`` when they are joined directly.
    """
    builder = _Builder(source)
    for index, literal in enumerate(literals):
        if index > 0:
            joint = joints[index - 1]
            if joint is None:
                builder.opaque.append((len(builder.chars), len(builder.chars)))
            else:
                builder.placeholder(*joint)
        builder.decode(literal)
    return LiteralText(
        tuple(literals),
        "".join(builder.chars),
        tuple(builder.starts),
        tuple(builder.ends),
        literals[-1].content_end,
        tuple(builder.opaque),
        frozenset(builder.placeholders),
    )


def _decodes_escapes(literal: StringLiteral) -> bool:
    """Plain ``"..."`` and the s/f interpolators process escapes; raw and ``\"\"\"`` do not.

    A literal of another language says so itself (Java decodes escapes in text blocks too).
    """
    if literal.escapes is not None:
        return literal.escapes
    if literal.interpolator is None:
        return not literal.triple
    return literal.interpolator in {"s", "f"}


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.opaque: list[tuple[int, int]] = []
        self.placeholders: set[str] = set()

    def emit(self, text: str, start: int, end: int) -> None:
        self.chars.extend(text)
        self.starts.extend([start] * len(text))
        self.ends.extend([end] * len(text))

    def emit_verbatim(self, start: int, end: int) -> None:
        """Source characters that mean themselves, each spelled by its own position."""
        self.chars.extend(self.source[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def decode(self, literal: StringLiteral) -> None:
        if literal.interpolator is not None and literal.interpolator not in _KNOWN_INTERPOLATORS:
            raise LiteralError(f'a custom {literal.interpolator}"..." interpolator')
        if literal.margin == UNKNOWN_MARGIN:
            raise LiteralError("a stripMargin character that cannot be read")
        first = len(self.chars)
        splices = {splice.start: splice.end for splice in literal.splices}
        verbatim = _verbatim_run(literal.interpolator, _decodes_escapes(literal))
        pos, end = literal.content_start, literal.content_end
        while pos < end:
            run = verbatim.match(self.source, pos, end)
            if run is not None:
                self.emit_verbatim(pos, run.end())
                pos = run.end()
            else:
                pos = self._one(literal, pos, splices)
        if literal.margin is not None:
            self._strip_margin(first, literal.margin)

    def _one(self, literal: StringLiteral, pos: int, splices: dict[int, int]) -> int:
        """Decode what starts at ``pos``; return where the next thing starts."""
        source, ch = self.source, self.source[pos]
        if pos in splices:
            end = splices[pos]
            spec = _FORMAT_SPEC.match(source, end) if literal.interpolator == "f" else None
            if spec is not None and spec.end() <= literal.content_end:
                end = spec.end()  # an f splice takes its format: $n%5d
            self.placeholder(pos, end)
            return end
        if literal.interpolator is not None and ch == "$":
            if source[pos + 1 : pos + 2] not in ("$", '"'):
                raise LiteralError("a $ that is neither a splice nor an escape")
            self.emit(source[pos + 1], pos, pos + 2)
            return pos + 2
        if literal.interpolator == "f" and ch == "%":
            if not source.startswith("%%", pos):
                raise LiteralError("a format specifier outside a splice")
            self.emit("%", pos, pos + 2)
            return pos + 2
        if ch == "\\" and _decodes_escapes(literal):
            return self._escape(pos)
        self.emit(ch, pos, pos + 1)
        return pos + 1

    def placeholder(self, start: int, end: int) -> None:
        """Stand a spliced value in by an identifier no query spells."""
        name = f"godwit_splice_{len(self.placeholders) + 1}"
        self.placeholders.add(name)
        self.opaque.append((len(self.chars), len(self.chars) + len(name)))
        self.emit(name, start, end)

    def _escape(self, pos: int) -> int:
        source = self.source
        unicode = _UNICODE_ESCAPE.match(source, pos)
        if unicode is not None:
            self.emit(chr(int(unicode.group(1), 16)), pos, unicode.end())
            return unicode.end()
        decoded = _SIMPLE_ESCAPES.get(source[pos + 1 : pos + 2])
        if decoded is None:
            raise LiteralError(f"the escape {source[pos : pos + 2]!r}")
        self.emit(decoded, pos, pos + 2)
        return pos + 2

    def _strip_margin(self, first: int, margin: str) -> None:
        """Blank what ``stripMargin`` drops: each line's leading blanks and margin character.

        Blanking instead of dropping keeps the runtime text aligned with its
        spans, and SQL does not care about the extra spaces.
        """
        text = "".join(self.chars)
        line_start = first
        while True:
            prefix = _MARGIN_PREFIX.match(text, line_start)
            assert prefix is not None  # the pattern matches the empty string
            at = prefix.end()
            if text.startswith(margin, at) and not self._in_opaque(at):
                self.chars[line_start : at + 1] = " " * (at + 1 - line_start)
            newline = text.find("\n", line_start)
            if newline < 0:
                return
            line_start = newline + 1

    def _in_opaque(self, index: int) -> bool:
        return any(low <= index < high for low, high in self.opaque)


@lru_cache(maxsize=8)
def _verbatim_run(interpolator: str | None, escapes: bool) -> re.Pattern[str]:
    """A run of characters that ``_Builder._one`` would copy one by one.

    Splices start at a ``$``; ``$`` matters in any interpolated literal, ``%`` in
    an f literal and ``\\`` where escapes are decoded. Everything else is itself.
    """
    special = ("$" if interpolator is not None else "") + ("%" if interpolator == "f" else "")
    special += "\\" if escapes else ""
    return re.compile(f"[^{re.escape(special)}]+" if special else r"[\s\S]+")


def encode(replacement: str, literal: StringLiteral) -> str | None:
    """Spell ``replacement`` inside ``literal``; ``None`` when the literal cannot hold it."""
    text = replacement
    if _decodes_escapes(literal):
        text = text.replace("\\", "\\\\").replace('"', '\\"')
        if not literal.triple:
            text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    elif '"""' in text or (not literal.triple and any(ch in text for ch in '"\r\n')):
        return None
    if literal.interpolator is not None:
        text = text.replace("$", "$$")
    if literal.interpolator == "f":
        text = text.replace("%", "%%")
    if literal.margin is not None and "\n" in text:
        return None
    return text
