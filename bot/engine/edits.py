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

    A godwit comment already directly above a guarded line is replaced rather
    than repeated, which keeps applying a campaign twice equal to applying it once
    and lets an updated campaign refresh its own comments.
    """
    if not guardrails:
        return Rendered(apply_edits(text, edits), ())
    index = LineIndex(text)
    reasons_by_line: dict[int, list[str]] = {}
    for site in guardrails:
        reasons = reasons_by_line.setdefault(index.line_of(site.offset), [])
        if site.reason not in reasons:
            reasons.append(site.reason)

    all_edits = list(edits)
    lines = text.splitlines(keepends=True)
    for line_no, reasons in reasons_by_line.items():
        line_text = lines[line_no - 1] if line_no - 1 < len(lines) else ""
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        comment = guardrail_comment("; ".join(reasons), guide, syntax)
        start = index.line_start(line_no)
        previous = lines[line_no - 2] if line_no >= 2 else None
        if previous is not None and syntax.is_guardrail(previous):
            prev_start = index.line_start(line_no - 1)
            newline = previous[len(previous.rstrip("\r\n")) :]
            all_edits.append(
                TextEdit(prev_start, prev_start + len(previous), f"{indent}{comment}{newline}")
            )
        else:
            all_edits.append(TextEdit(start, start, f"{indent}{comment}\n"))

    new_text = apply_edits(text, all_edits)
    return Rendered(new_text, tuple(_place(new_text, reasons_by_line, guide, syntax)))


def _place(
    new_text: str, reasons_by_line: dict[int, list[str]], guide: str, syntax: CommentSyntax
) -> Iterable[PlacedGuardrail]:
    """Find each inserted comment's line in the new text, in statement order."""
    new_lines = new_text.splitlines()
    cursor = 0
    for statement_line in sorted(reasons_by_line):
        reason = "; ".join(reasons_by_line[statement_line])
        comment = guardrail_comment(reason, guide, syntax)
        while cursor < len(new_lines) and new_lines[cursor].strip() != comment:
            cursor += 1
        yield PlacedGuardrail(cursor + 1, statement_line, reason, comment)
        cursor += 1
