"""Result types of planning one repository: what each file references and what changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from bot.engine.edits import LineIndex, PlacedGuardrail
from bot.engine.model import Action, Framework, Reference, StatementParity, VerificationIssue
from bot.engine.snapshot import SkippedFile, encode_changes
from bot.parity.outcome import Outcome, Verdict


@dataclass(frozen=True)
class LocatedReference:
    reference: Reference
    line: int  # 1-based, in the original text


@dataclass(frozen=True)
class LocatedIssue:
    issue: VerificationIssue
    line: int  # 1-based, in the original text


@dataclass(frozen=True)
class LocatedParity:
    """Parity of one rewritten statement; ``line`` is its first line in the original file."""

    line: int
    outcome: Outcome


@dataclass(frozen=True)
class FilePlan:
    """Everything Godwit decided about one file."""

    path: str
    framework: Framework
    action: Action
    references: tuple[LocatedReference, ...]
    guardrails: tuple[PlacedGuardrail, ...]
    verification: tuple[LocatedIssue, ...]
    statements_rewritten: int
    original: str
    new_text: str | None  # None when the file stays as it is
    protected: str | None = None  # why no writer may change it (``bot.engine.protected``)
    notes: tuple[str, ...] = ()  # what moved (a sources YAML's new entries), for the PR body

    @property
    def guardrail_only(self) -> bool:
        """The file changes only by gaining guardrail comments: it still reads the old table."""
        if self.new_text is None or not self.guardrails:
            return False
        lines = self.new_text.splitlines(keepends=True)
        added = {g.line - 1 for g in self.guardrails}
        return "".join(line for i, line in enumerate(lines) if i not in added) == self.original

    parity: tuple[LocatedParity, ...] = ()

    @property
    def changed(self) -> bool:
        return self.new_text is not None

    @property
    def needs_human(self) -> tuple[LocatedReference, ...]:
        return tuple(r for r in self.references if r.reference.needs_human)


@dataclass(frozen=True)
class RepoPlan:
    """The plan for one repository snapshot.

    ``files`` holds every file that passed the prefilter (a possible consumer),
    whatever its action; files ruled out unparsed are only counted. ``skipped``
    holds the files that could not be planned (too large, binary, a symlink, an
    edit the file's encoding cannot hold) and that name an old table, or could
    not be scanned whole: each still reads the old table as far as anyone knows.
    """

    files: tuple[FilePlan, ...]
    scanned: int  # files of a known framework
    skipped_by_prefilter: int
    counts_by_framework: dict[Framework, int] = field(default_factory=dict)
    skipped: tuple[SkippedFile, ...] = ()
    encodings: Mapping[str, str] = field(default_factory=dict)  # files not in UTF-8

    @property
    def changes(self) -> dict[str, str]:
        return {f.path: f.new_text for f in self.files if f.new_text is not None}

    @property
    def written_changes(self) -> dict[str, str | bytes]:
        """The changes as writers write them: UTF-8 files as text, others as their bytes.

        A file read as cp1252 or Latin-1 goes back in that encoding (the planner
        checked that its new text encodes), never re-encoded as UTF-8.
        """
        return encode_changes(self.changes, self.encodings)

    @property
    def candidates(self) -> int:
        return self.scanned - self.skipped_by_prefilter

    @property
    def protected(self) -> tuple[FilePlan, ...]:
        """Consumers in build or CI configuration, which a person migrates by hand."""
        return tuple(f for f in self.files if f.action is Action.PROTECTED)

    def with_action(self, action: Action) -> Iterator[FilePlan]:
        return (f for f in self.files if f.action is action)

    @property
    def guardrails(self) -> Iterator[tuple[FilePlan, PlacedGuardrail]]:
        return ((f, g) for f in self.files for g in f.guardrails)

    @property
    def parity(self) -> Iterator[tuple[FilePlan, LocatedParity]]:
        return ((f, p) for f in self.files for p in f.parity)

    def parity_count(self, verdict: Verdict) -> int:
        return sum(1 for _, p in self.parity if p.outcome.verdict is verdict)


def locate_parity(text: str, parity: list[StatementParity]) -> tuple[LocatedParity, ...]:
    index = LineIndex(text)
    return tuple(
        LocatedParity(index.line_of(p.offset), p.outcome)
        for p in sorted(parity, key=lambda p: p.offset)
    )


def locate(
    text: str, references: list[Reference], issues: list[VerificationIssue]
) -> tuple[tuple[LocatedReference, ...], tuple[LocatedIssue, ...]]:
    """Attach original line numbers, which is what people and PR links need."""
    index = LineIndex(text)
    refs = tuple(
        LocatedReference(r, index.line_of(r.start))
        for r in sorted(references, key=lambda r: (r.start, r.end))
    )
    located = tuple(LocatedIssue(i, index.line_of(i.offset)) for i in issues)
    return refs, located
