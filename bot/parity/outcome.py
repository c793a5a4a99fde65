"""What parity concluded about one rewritten statement, as plain data for plans and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    PROVEN = "proven"  # identical outputs on every synthetic dataset
    DIFFERS = "differs"  # a dataset where the outputs differ: the rewrite is not kept
    NOT_CHECKABLE = "not checkable"  # could not be run: ``reason`` says why


@dataclass(frozen=True)
class Table:
    """Rows as text, the way a person reads them in a plan or a PR (``NULL`` for null)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Counterexample:
    """The smallest input found on which the original and the rewrite disagree."""

    old_table: str  # the campaign's old table
    new_table: str
    new_rows: Table  # rows of the new table...
    old_rows: Table  # ...and the same facts as rows of the old table, by the mapping
    old_output: Table  # what the original statement returns over old_rows
    new_output: Table  # what the rewrite returns over new_rows
    other_tables: dict[str, Table] = field(default_factory=dict)  # joined tables, as generated


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str | None = None  # why not checkable, or what differs (one line)
    rows: int = 0  # rows of each synthetic old table
    datasets: int = 0  # synthetic datasets compared
    counterexample: Counterexample | None = None

    @property
    def summary(self) -> str:
        """One line for a CLI or a PR table."""
        if self.verdict is Verdict.PROVEN:
            how = f" ({self.reason})" if self.reason else ""
            return f"proven on {self.datasets} datasets of {self.rows} rows{how}"
        return f"{self.verdict.value}: {self.reason}"
