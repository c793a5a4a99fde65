"""Value types shared by every part of the engine.

Adapters (SQL, dbt, Scala) report what they found as offsets into the text they
were given; ``bot.engine.edits`` turns those into the new file text. Keeping the
adapters' output this small is what lets every framework share one splice step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.parity.outcome import Outcome


class Framework(StrEnum):
    BIGQUERY_SQL = "bigquery-sql"
    DBT_MODEL = "dbt-model"
    DBT_SOURCES = "dbt-sources"
    SCIO = "scio"
    BEAM_JAVA = "beam-java"


class Action(StrEnum):
    REWRITE = "rewrite"
    GUARDRAIL = "guardrail"
    UNTOUCHED = "untouched"
    PROTECTED = "protected"  # build or CI configuration: reported, never written


class ReferenceKind(StrEnum):
    TABLE = "table"  # a SQL table reference to an old table
    SOURCE = "source"  # a dbt source() resolving to an old table
    SOURCE_ENTRY = "source-entry"  # an old table's entry in a dbt sources YAML
    TABLE_SPEC = "table-spec"  # a Scala string literal that is exactly a table spec
    TYPED = "typed"  # @BigQueryType.fromTable / fromQuery over an old table
    BARE = "bare"  # one-part name (default dataset): needs a human
    WILDCARD = "wildcard"  # plays_v* : needs a human
    DECORATOR = "decorator"  # plays_v1$20240101 : needs a human


HUMAN_KINDS = frozenset({ReferenceKind.BARE, ReferenceKind.WILDCARD, ReferenceKind.DECORATOR})


@dataclass(frozen=True, order=True)
class TextEdit:
    """Replace ``text[start:end]`` by ``replacement`` (0-based, end exclusive)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Reference:
    """One place where code refers to an old table."""

    table: str  # the old table, as written in the campaign
    kind: ReferenceKind
    start: int  # offset in the file
    end: int
    text: str  # as written in the file

    @property
    def needs_human(self) -> bool:
        return self.kind in HUMAN_KINDS


@dataclass(frozen=True)
class GuardrailSite:
    """A statement left untouched: the comment goes on the line above ``offset``."""

    offset: int  # offset in the file of the guarded statement's first character
    reason: str  # one line, no "godwit:" prefix and no guide URL


@dataclass(frozen=True)
class VerificationIssue:
    """A failed check from contract section 6; any issue blocks the rewrite it concerns."""

    offset: int
    message: str


@dataclass(frozen=True)
class StatementParity:
    """What running a rewritten statement, old against new, showed (``bot.parity``)."""

    offset: int  # offset in the file of the statement's first character
    outcome: Outcome


@dataclass
class FileRewrite:
    """What an adapter found and proposes for one file, in offsets of that file."""

    references: list[Reference] = field(default_factory=list)
    edits: list[TextEdit] = field(default_factory=list)
    guardrails: list[GuardrailSite] = field(default_factory=list)
    verification: list[VerificationIssue] = field(default_factory=list)
    statements_rewritten: int = 0
    notes: list[str] = field(default_factory=list)  # what moved, one line each, for people
    parity: list[StatementParity] = field(default_factory=list)
