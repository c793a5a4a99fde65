"""Result types of planning one repository: what each file references and what changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.engine.edits import LineIndex, PlacedGuardrail
from bot.engine.model import Action, Framework, Reference, VerificationIssue


@dataclass(frozen=True)
class LocatedReference:
    reference: Reference
    line: int  # 1-based, in the original text


@dataclass(frozen=True)
class LocatedIssue:
    issue: VerificationIssue
    line: int  # 1-based, in the original text


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
    whatever its action; files ruled out unparsed are only counted.
    """

    files: tuple[FilePlan, ...]
    scanned: int  # files of a known framework
    skipped_by_prefilter: int
    counts_by_framework: dict[Framework, int] = field(default_factory=dict)

    @property
    def changes(self) -> dict[str, str]:
        return {f.path: f.new_text for f in self.files if f.new_text is not None}

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
