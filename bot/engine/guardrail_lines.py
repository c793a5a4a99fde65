"""Plan a file as if Godwit's own guardrail lines were not there, in the file's offsets.

A guardrail is a comment line Godwit writes above a statement; planning the
file again must find the same statements and change nothing. A parser with
error recovery (tree-sitter on a file that does not parse) can read the same
code differently once a line is added, so the JVM adapters parse the text
without those lines and every offset they report is mapped back to the file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from bot.engine.edits import CommentSyntax
from bot.engine.model import FileRewrite


@dataclass(frozen=True)
class Stripped:
    """A text without its guardrail lines, and where each removed run of lines was."""

    text: str
    at: tuple[int, ...]  # offsets in ``text`` where lines were removed, ascending
    removed: tuple[int, ...]  # characters removed at or before each of ``at``, running total

    def original(self, offset: int) -> int:
        """The offset in the file of ``offset`` in ``text``: after the lines removed there."""
        index = bisect_right(self.at, offset)
        return offset + (self.removed[index - 1] if index else 0)

    def restore(self, rewrite: FileRewrite) -> FileRewrite:
        """``rewrite`` with every offset in the file's own terms."""
        if not self.at:
            return rewrite
        at = self.original
        return replace(
            rewrite,
            references=[replace(r, start=at(r.start), end=at(r.end)) for r in rewrite.references],
            edits=[replace(e, start=at(e.start), end=at(e.end)) for e in rewrite.edits],
            guardrails=[replace(g, offset=at(g.offset)) for g in rewrite.guardrails],
            verification=[replace(v, offset=at(v.offset)) for v in rewrite.verification],
            parity=[replace(p, offset=at(p.offset)) for p in rewrite.parity],
        )


def without_guardrails(text: str, syntax: CommentSyntax) -> Stripped:
    """``text`` with every whole line that is a Godwit guardrail comment taken out."""
    kept: list[str] = []
    at: list[int] = []
    removed: list[int] = []
    length = total = 0
    for line in text.splitlines(keepends=True):
        if syntax.is_guardrail(line) and line.endswith("\n"):
            total += len(line)
            if at and at[-1] == length:
                removed[-1] = total
            else:
                at.append(length)
                removed.append(total)
            continue
        kept.append(line)
        length += len(line)
    if not at:
        return Stripped(text, (), ())
    return Stripped("".join(kept), tuple(at), tuple(removed))
