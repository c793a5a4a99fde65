"""The ``/migrate explain`` answer: every change of a PR with the mapping row behind it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial

from bot.campaigns.links import MAX_BODY, blob_url, fence
from bot.campaigns.mapping import (
    Hunk,
    MappingRow,
    changed_rows,
    hunks,
    rows_for_guardrail,
    rows_for_hunk,
)
from bot.campaigns.pr import branch_name
from bot.engine.plan import FilePlan, RepoPlan
from bot.rendering import render
from bot.spec import Campaign


@dataclass(frozen=True)
class ExplainedChange:
    hunk: Hunk
    diff: str
    fence: str
    rows: tuple[MappingRow, ...]
    guardrail: bool  # the change only inserts guardrail comments


@dataclass(frozen=True)
class ExplainedGuardrail:
    line: int
    statement_line: int
    reason: str
    url: str
    rows: tuple[MappingRow, ...]


@dataclass(frozen=True)
class ExplainedFile:
    path: str
    url: str
    tables: tuple[tuple[str, str], ...]
    changes: tuple[ExplainedChange, ...]
    guardrails: tuple[ExplainedGuardrail, ...]

    @property
    def guardrail_only(self) -> bool:
        """Every change is a guardrail comment: no table moved, the file still reads it."""
        return bool(self.changes) and all(change.guardrail for change in self.changes)


def _diff(hunk: Hunk) -> str:
    return "\n".join([*(f"-{line}" for line in hunk.removed), *(f"+{line}" for line in hunk.added)])


def explain_file(campaign: Campaign, file: FilePlan, *, repo: str, web_base: str) -> ExplainedFile:
    branch = branch_name(campaign)
    comments = {g.comment.strip() for g in file.guardrails}
    changes = []
    for hunk in hunks(file.original, file.new_text or file.original):
        diff = _diff(hunk)
        only_comments = not hunk.removed and all(line.strip() in comments for line in hunk.added)
        rows = tuple(rows_for_hunk(campaign, file, hunk))
        changes.append(ExplainedChange(hunk, diff, fence(diff), rows, only_comments))
    referenced = {r.reference.table for r in file.references}
    return ExplainedFile(
        path=file.path,
        url=blob_url(web_base, repo, branch, file.path),
        tables=tuple((t.old, t.new) for t in campaign.tables if t.old in referenced),
        changes=tuple(changes),
        guardrails=tuple(
            ExplainedGuardrail(
                g.line,
                g.statement_line,
                g.reason,
                blob_url(web_base, repo, branch, file.path, g.line),
                tuple(rows_for_guardrail(campaign, file, g.reason)),
            )
            for g in file.guardrails
        ),
    )


def render_explain(campaign: Campaign, plan: RepoPlan, *, repo: str, web_base: str) -> str:
    """Every change with its diff; less detail when that would not fit in one comment."""
    files = [
        explain_file(campaign, f, repo=repo, web_base=web_base) for f in plan.files if f.changed
    ]
    used: Counter[MappingRow] = Counter(
        row
        for file in files
        for row in dict.fromkeys(
            [r for c in file.changes for r in c.rows] + [r for g in file.guardrails for r in g.rows]
        )
    )
    explain = partial(
        render,
        "campaign/explain.md.j2",
        campaign=campaign,
        files=files,
        row_counts=[(row, used[row]) for row in changed_rows(campaign) if used[row]],
    )
    for detail in ("diffs", "changes"):
        text = explain(detail=detail)
        if len(text) <= MAX_BODY:
            return text
    return explain(detail="summary")
