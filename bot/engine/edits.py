"""Splice edits and guardrail comments into a file's original text.

Every framework adapter reports offsets; this is the only place that builds new
file text, so the byte-for-byte guarantee (contract section 3.6) lives in one
spot: text outside the edited spans and inserted comment lines is copied as is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from bot.engine.model import GuardrailSite, TextEdit


@dataclass(frozen=True)
class CommentSyntax:
    """How a file writes a one-line comment."""

    prefix: str
    suffix: str = ""

    def render(self, body: str) -> str:
        return f"{self.prefix} {body}{self.suffix}"

    def is_guardrail(self, line: str) -> bool:
        return line.strip().startswith(f"{self.prefix} godwit:")


SQL_COMMENT = CommentSyntax("--")
SCALA_COMMENT = CommentSyntax("//")
JINJA_COMMENT = CommentSyntax("{#", " #}")
YAML_COMMENT = CommentSyntax("#")


@dataclass(frozen=True)
class PlacedGuardrail:
    """A guardrail comment as it stands in the new text."""

    line: int  # 1-based line of the comment in the new text
    statement_line: int  # 1-based line of the guarded statement in the original text
    reason: str
    comment: str


@dataclass(frozen=True)
class Rendered:
    text: str
    guardrails: tuple[PlacedGuardrail, ...]


class OverlappingEditsError(ValueError):
    """Two edits claim the same span: an adapter bug, never silently resolved."""


class LineIndex:
    """Offset ↔ line lookups for one text (1-based lines)."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]

    def line_of(self, offset: int) -> int:
        return bisect_right(self._starts, offset)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]


def guardrail_comment(reason: str, guide: str, syntax: CommentSyntax) -> str:
    """The one-line comment text of contract section 4."""
    one_line = " ".join(reason.split())
    return syntax.render(f"godwit: {one_line}; see {guide}")


def apply_edits(text: str, edits: Iterable[TextEdit], offset: int = 0) -> str:
    """Apply non-overlapping edits right to left so earlier offsets stay valid.

    ``offset`` is where ``text`` starts in the text the edits' offsets refer to
    (a statement cut out of its script).
    """
    ordered = sorted(set(edits), key=_order)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise OverlappingEditsError(f"edits overlap: {before} and {after}")
    out = text
    for edit in reversed(ordered):
        out = out[: edit.start - offset] + edit.replacement + out[edit.end - offset :]
    return out


def _order(edit: TextEdit) -> tuple[int, int, str]:
    """``TextEdit``'s own order, as one key per edit rather than a comparison per pair."""
    return edit.start, edit.end, edit.replacement


def render(
    text: str,
    edits: Sequence[TextEdit],
    guardrails: Sequence[GuardrailSite],
    *,
    syntax: CommentSyntax,
    guide: str,
) -> Rendered:
    """Apply ``edits`` and put one guardrail comment above each guarded line.

    A godwit comment of this campaign (it links the campaign's ``guide``) already in
    the run of godwit comments directly above a guarded line is kept as it is, in
    whatever wording the version that wrote it used: applying a campaign to guarded
    code changes nothing, and applying it twice equals applying it once. A new
    comment ends its line the way the file does (CRLF stays CRLF) and goes after a
    byte order mark, never before it.
    """
    if not guardrails:
        new_text = apply_edits(text, edits)
        return Rendered(new_text, tuple(_written(text, new_text, edits, edits, guide, syntax)))
    index = LineIndex(text)
    reasons_by_line: dict[int, list[str]] = {}
    for site in guardrails:
        reasons = reasons_by_line.setdefault(index.line_of(site.offset), [])
        if site.reason not in reasons:
            reasons.append(site.reason)

    all_edits = list(edits)
    lines = text.splitlines(keepends=True)
    default_newline = newline_of(text)
    kept: dict[int, str] = {}  # statement line -> the existing comment, stripped
    for line_no, reasons in reasons_by_line.items():
        existing = _existing_guardrail(lines, line_no, syntax, guide)
        if existing is not None:
            kept[line_no] = existing
            continue
        line_text = lines[line_no - 1] if line_no - 1 < len(lines) else ""
        start = index.line_start(line_no)
        if start == 0 and line_text.startswith(BOM):
            line_text, start = line_text[1:], 1
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        newline = line_text[len(line_text.rstrip("\r\n")) :] or default_newline
        comment = guardrail_comment("; ".join(reasons), guide, syntax)
        all_edits.append(TextEdit(start, start, f"{indent}{comment}{newline}"))

    new_text = apply_edits(text, all_edits)
    placed = [
        *_place(new_text, reasons_by_line, kept, guide, syntax),
        *_written(text, new_text, all_edits, edits, guide, syntax),
    ]
    return Rendered(new_text, tuple(sorted(placed, key=lambda g: g.line)))


def _written(
    text: str,
    new_text: str,
    applied: Iterable[TextEdit],
    own: Iterable[TextEdit],
    guide: str,
    syntax: CommentSyntax,
) -> Iterable[PlacedGuardrail]:
    """Guardrail comments an adapter wrote into its own edits (a new entry of a sources YAML).

    ``applied`` are all the edits that made ``new_text``, ``own`` the adapter's; a
    line of an adapter's edit that is this campaign's godwit comment is listed like
    the comments ``render`` places itself.
    """
    mine = {edit for edit in own if "godwit:" in edit.replacement}
    if not mine:
        return
    suffix = f"; see {guide}{syntax.suffix}"
    old_index: LineIndex | None = None
    new_index: LineIndex | None = None
    shift = 0
    for edit in sorted(set(applied), key=_order):
        at = edit.start + shift
        shift += len(edit.replacement) - (edit.end - edit.start)
        if edit not in mine:
            continue
        old_index = old_index or LineIndex(text)
        new_index = new_index or LineIndex(new_text)
        first = new_index.line_of(at)
        for number, line in enumerate(edit.replacement.split("\n")):
            comment = line.strip()
            if syntax.is_guardrail(line) and comment.endswith(suffix):
                reason = comment[len(f"{syntax.prefix} godwit: ") : -len(suffix)]
                yield PlacedGuardrail(
                    first + number, old_index.line_of(edit.start), reason, comment
                )


BOM = "\ufeff"


def newline_of(text: str) -> str:
    """The file's line ending, read from its first line ("\n" for a one-line file)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _existing_guardrail(
    lines: Sequence[str], line_no: int, syntax: CommentSyntax, guide: str
) -> str | None:
    """This campaign's godwit comment in the run of godwit comments above ``line_no``."""
    above = line_no - 2
    while above >= 0 and syntax.is_guardrail(lines[above].lstrip(BOM)):
        line = lines[above].lstrip(BOM).strip()
        if guide in line:
            return line
        above -= 1
    return None


def _place(
    new_text: str,
    reasons_by_line: dict[int, list[str]],
    kept: dict[int, str],
    guide: str,
    syntax: CommentSyntax,
) -> Iterable[PlacedGuardrail]:
    """Find each guardrail comment's line in the new text, in statement order."""
    new_lines = [line.lstrip(BOM).strip() for line in new_text.splitlines()]
    cursor = 0
    for statement_line in sorted(reasons_by_line):
        reason = "; ".join(reasons_by_line[statement_line])
        comment = kept.get(statement_line) or guardrail_comment(reason, guide, syntax)
        while cursor < len(new_lines) and new_lines[cursor] != comment:
            cursor += 1
        yield PlacedGuardrail(cursor + 1, statement_line, reason, comment)
        cursor += 1
