"""Parity counts per repository and for a whole campaign, for the dashboards.

A repository's counts are those of its last plan (the PR job's, or discovery's):
how many rewritten statements parity proved, found to differ (left unchanged with
a guardrail) and could not check. ``None`` means the counts were never recorded
(planned before they were, or parity is off for the campaign): the dashboards say
"not checked" rather than show a zero that would read as nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.parity.outcome import Verdict

MAX_COUNT = 1_000_000  # a stored count beyond this is not a plan's: it is not believed


@dataclass(frozen=True)
class ParityTotals:
    proven: int = 0
    differs: int = 0
    not_checkable: int = 0

    def __add__(self, other: ParityTotals) -> ParityTotals:
        return ParityTotals(
            self.proven + other.proven,
            self.differs + other.differs,
            self.not_checkable + other.not_checkable,
        )

    @property
    def statements(self) -> int:
        return self.proven + self.differs + self.not_checkable

    def stored(self) -> dict[str, int]:
        """The JSON kept on the target, keyed by the verdicts' own names."""
        return {
            Verdict.PROVEN.value: self.proven,
            Verdict.DIFFERS.value: self.differs,
            Verdict.NOT_CHECKABLE.value: self.not_checkable,
        }


def totals_of_verdicts(verdicts: Iterable[Verdict]) -> ParityTotals:
    found = list(verdicts)
    return ParityTotals(
        sum(1 for v in found if v is Verdict.PROVEN),
        sum(1 for v in found if v is Verdict.DIFFERS),
        sum(1 for v in found if v is Verdict.NOT_CHECKABLE),
    )


def totals_of_stored(stored: object) -> ParityTotals | None:
    """What ``ParityTotals.stored`` kept; None when nothing (or nothing readable) was kept."""
    if not isinstance(stored, Mapping):
        return None
    counts: list[int] = []
    for verdict in Verdict:
        value = stored.get(verdict.value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            return None
        counts.append(value)
    return ParityTotals(*counts)


def campaign_totals(per_repo: Iterable[ParityTotals | None]) -> tuple[ParityTotals, int] | None:
    """The sum over the repositories that have counts, and how many those are (None: none)."""
    known = [t for t in per_repo if t is not None]
    if not known:
        return None
    return sum(known, ParityTotals()), len(known)


def totals_of_marker(text: str | None) -> ParityTotals | None:
    """``proven/differs/not checkable`` as a PR's signed marker keeps it; None when absent."""
    if text is None:
        return None
    counts = [int(part) for part in text.split("/")]
    if len(counts) != len(Verdict) or not all(0 <= c <= MAX_COUNT for c in counts):
        return None
    return ParityTotals(*counts)
