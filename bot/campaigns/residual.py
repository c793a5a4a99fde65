"""Residual references: what still reads a campaign's old tables, and whether they can go.

A campaign exists to retire a dataset; merged pull requests are only the means.
So the question "is it done?" is answered from what the default branches read
*now* (a fresh plan of each one), never from PR states: a guardrail merged
unresolved, code added after the merge, a repository excluded or one Godwit
could not read all keep the old table alive. Each such place is a
``ResidualReference``; the old tables are safe to retire only when every one of
them is gone or waived by a person with a reason.

Pure: plans and waivers in, residual references and a verdict out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.engine.model import Action
from bot.engine.plan import RepoPlan

MAX_WAIVER_REASON = 500
"""A waiver's reason is shown on the dashboard and in the summary: keep it a sentence or two."""
MAX_WAIVERS = 1000
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_PATH = re.compile(r"[^\s:`<>\"'\\][^\s`<>\"'\\]{0,499}")


class ResidualKind(StrEnum):
    """Why a place still counts as reading an old table."""

    READS = "reads"  # a statement reads an old table; a rewrite would move it
    NEEDS_PERSON = "needs_person"  # a statement reads it behind a guardrail: judgment needed
    UNREAD = "unread"  # the repository (or a file) could not be read, so nothing is known
    SKIPPED = "skipped"  # a file not read as text (too large, binary, symlink) names an old table
    NOT_SCANNED = "not_scanned"  # the default branch moved and has not been read again yet
    WAREHOUSE = "warehouse"  # the warehouse's job history shows a reader found in no repository


WAREHOUSE = "warehouse"
"""The ``repo`` of residual references that come from the job history, not from code.

It cannot be a repository's name (those hold a ``/``), so a waiver of it is never
mistaken for one; ``/migrate waive warehouse:ID`` names it as people type it.
"""
JOB_LABEL = re.compile(r"[a-z][a-z0-9_-]{0,62}=[a-z0-9_-]{0,63}")
"""A job label as ``key=value``, in the characters BigQuery allows in labels."""
QUERY_ID = re.compile(r"q[0-9a-f]{12}")
"""A normalised query's name (``bot.campaigns.usage.query_id``)."""
JOB_KEY = re.compile(r"job:[A-Za-z0-9_.:-]{1,1024}")
"""A job without query text, which has no query id, by its job id."""


@dataclass(frozen=True)
class ResidualReference:
    """One place that still reads an old table (``path`` is None for a whole repository)."""

    repo: str
    kind: ResidualKind
    path: str | None = None
    line: int | None = None
    table: str | None = None
    detail: str | None = None
    ref: str | None = None  # the commit it was read at, for links that do not move
    aliases: tuple[str, ...] = ()
    """Other names a waiver may give it: the job labels every job of a warehouse reader has."""

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "repo": self.repo,
            "kind": self.kind.value,
            "path": self.path,
            "line": self.line,
            "table": self.table,
            "detail": self.detail,
            "ref": self.ref,
        }
        if self.aliases:
            found["aliases"] = list(self.aliases)
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResidualReference:
        return cls(
            repo=str(data["repo"]),
            kind=ResidualKind(data["kind"]),
            path=data.get("path"),
            line=data.get("line"),
            table=data.get("table"),
            detail=data.get("detail"),
            ref=data.get("ref"),
            aliases=tuple(str(alias) for alias in data.get("aliases") or ()),
        )

    @property
    def where(self) -> str:
        """``owner/repo:path:line`` as people write it."""
        if self.path is None:
            return self.repo
        return f"{self.repo}:{self.path}" + (f":{self.line}" if self.line else "")


@dataclass(frozen=True)
class Waiver:
    """A person's decision that a residual reference may stay: ``path`` None covers the repo."""

    repo: str
    path: str | None
    reason: str
    by: str
    at: datetime

    def covers(self, residual: ResidualReference) -> bool:
        if residual.repo.lower() != self.repo.lower():
            return False
        return self.path is None or self.path in (residual.path, *residual.aliases)

    @property
    def scope(self) -> str:
        return self.repo if self.path is None else f"{self.repo}:{self.path}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "repo": self.repo,
            "path": self.path,
            "reason": self.reason,
            "by": self.by,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Waiver:
        return cls(
            repo=str(data["repo"]),
            path=data.get("path"),
            reason=str(data["reason"]),
            by=str(data["by"]),
            at=datetime.fromisoformat(str(data["at"])),
        )


class WaiverError(ValueError):
    """``/migrate waive`` arguments that do not name a place and a reason."""


def parse_waiver_target(text: str) -> tuple[str, str | None]:
    """``OWNER/REPO`` or ``OWNER/REPO:PATH`` → (repo, path); raise ``WaiverError`` otherwise.

    ``warehouse[:ID]`` names readers the job history found in no repository
    (``parse_warehouse_target``).
    """
    repo, sep, path = text.partition(":")
    if repo.lower() == WAREHOUSE:
        return parse_warehouse_target(path if sep else None)
    if not _REPO.fullmatch(repo):
        raise WaiverError(f"`{text.replace('`', chr(39))}` is not OWNER/REPO or OWNER/REPO:PATH")
    if not sep:
        return repo, None
    path = path.strip("/")
    if not path or not _PATH.fullmatch(path) or ".." in path.split("/"):
        raise WaiverError(f"`{path.replace('`', chr(39))}` is not a file path in the repository")
    return repo, path


def parse_warehouse_target(key: str | None) -> tuple[str, str | None]:
    """``warehouse`` (every reader of the job history), ``warehouse:QUERY_ID`` or
    ``warehouse:KEY=VALUE`` (every reader whose jobs all carry that label)."""
    if key is None:
        return WAREHOUSE, None
    if not any(form.fullmatch(key) for form in (QUERY_ID, JOB_LABEL, JOB_KEY)):
        shown = key[:80].replace("`", "'")
        raise WaiverError(
            f"`{shown}` is neither a query id (q and 12 hex digits, as the dashboard shows it)"
            ", a job label KEY=VALUE nor job:JOB_ID"
        )
    return WAREHOUSE, key


def residual_of_plan(
    repo: str, plan: RepoPlan, *, ref: str | None = None
) -> tuple[ResidualReference, ...]:
    """Every reference a fresh plan of the default branch still finds, with its line.

    A file the plan would rewrite still reads the old table *today* (code added
    after the merge, or a PR not merged yet); a file with guardrails reads it
    until a person decides. Both count: the table is read either way. So does a
    file the plan skipped (too large, binary, a symlink) whose raw bytes name an
    old table: Godwit cannot plan it, so it counts until a person migrates it.
    """
    found: list[ResidualReference] = []
    for file in plan.files:
        if not file.references:
            continue
        reasons = sorted({g.reason for g in file.guardrails})
        if file.action is Action.PROTECTED:
            reasons = [f"protected path ({file.protected}): migrate by hand"]
        kind = ResidualKind.NEEDS_PERSON if reasons else ResidualKind.READS
        detail = "; ".join(reasons) if reasons else "a rewrite is planned for this file"
        for located in file.references:
            found.append(
                ResidualReference(
                    repo=repo,
                    kind=kind,
                    path=file.path,
                    line=located.line,
                    table=located.reference.table,
                    detail=detail,
                    ref=ref,
                )
            )
    for skipped in plan.skipped:
        found.append(
            ResidualReference(
                repo=repo,
                kind=ResidualKind.SKIPPED,
                path=skipped.path,
                detail=f"skipped ({skipped.describe()}) but names an old table: migrate by hand",
                ref=ref,
            )
        )
    return tuple(found)


def unread_repository(repo: str, reason: str) -> ResidualReference:
    return ResidualReference(repo, ResidualKind.UNREAD, detail=reason)


def not_scanned(repo: str, reason: str) -> ResidualReference:
    return ResidualReference(repo, ResidualKind.NOT_SCANNED, detail=reason)


@dataclass(frozen=True)
class Seen:
    """What a verdict rests on: "nothing reads the old tables" is only as wide as this.

    ``jobs_export`` is the warehouse evidence read (``usage.jobs_export``, or the
    CLI's file); ``None`` means none was, so readers outside the repositories
    (a notebook, a scheduled query, a repository Godwit is not installed on) are
    not known, and the verdict says so.
    """

    repositories: int
    jobs_export: str | None


@dataclass(frozen=True)
class Readiness:
    """Whether the old tables can be retired, and what stands in the way."""

    open: tuple[ResidualReference, ...]
    waived: tuple[tuple[ResidualReference, Waiver], ...]
    waivers: tuple[Waiver, ...]
    seen: Seen | None = None

    @property
    def safe_to_retire(self) -> bool:
        return not self.open

    @property
    def repos_reading(self) -> tuple[str, ...]:
        """Repositories with open residual references, in order of first mention."""
        return tuple(dict.fromkeys(r.repo for r in self.open))

    def open_in(self, repo: str) -> tuple[ResidualReference, ...]:
        return tuple(r for r in self.open if r.repo.lower() == repo.lower())


def readiness(
    residuals: Iterable[ResidualReference],
    waivers: Sequence[Waiver] = (),
    seen: Seen | None = None,
) -> Readiness:
    """Split residual references into open and waived (the first waiver that covers one)."""
    still: list[ResidualReference] = []
    waived: list[tuple[ResidualReference, Waiver]] = []
    for residual in residuals:
        waiver = next((w for w in waivers if w.covers(residual)), None)
        if waiver is None:
            still.append(residual)
        else:
            waived.append((residual, waiver))
    return Readiness(tuple(still), tuple(waived), tuple(waivers), seen)


def add_waiver(waivers: Sequence[Waiver], waiver: Waiver) -> tuple[Waiver, ...]:
    """The waivers with ``waiver`` replacing any earlier one of the same scope."""
    reason = " ".join(waiver.reason.split())
    if not reason:
        raise WaiverError("give a reason: `/migrate waive OWNER/REPO[:PATH] REASON`")
    if len(reason) > MAX_WAIVER_REASON:
        raise WaiverError(f"the reason is longer than {MAX_WAIVER_REASON} characters")
    kept = tuple(w for w in waivers if w.scope.lower() != waiver.scope.lower())
    if len(kept) >= MAX_WAIVERS:
        raise WaiverError(f"a campaign holds at most {MAX_WAIVERS} waivers")
    return (*kept, Waiver(waiver.repo, waiver.path, reason, waiver.by, waiver.at))
