"""Comments Godwit posts on the campaign issue: validation errors, the plan, the summary.

Each starts with a hidden marker so the I/O layer finds its own comment and
edits it instead of posting another one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.campaigns.dashboard import RESIDUAL_SHOWN, TargetView
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.links import blob_url
from bot.campaigns.pr import protected_files, skipped_files
from bot.campaigns.residual import Readiness
from bot.campaigns.states import RepoState
from bot.engine.edits import PlacedGuardrail
from bot.engine.model import Framework
from bot.engine.plan import FilePlan, RepoPlan
from bot.engine.report import parity_totals
from bot.rendering import render
from bot.spec import Campaign, CampaignError

VALIDATION_MARKER = "<!-- godwit:validation -->"
PLAN_MARKER = "<!-- godwit:plan -->"
SUMMARY_MARKER = "<!-- godwit:summary -->"


def render_validation(error: CampaignError) -> str:
    return render("campaign/validation.md.j2", marker=VALIDATION_MARKER, errors=error.errors)


@dataclass(frozen=True)
class PlannedRepo:
    repo: str
    plan: RepoPlan
    ref: str  # the commit that was planned, so links show the lines the plan speaks of


@dataclass(frozen=True)
class UnreadableRepo:
    repo: str
    reason: str


@dataclass(frozen=True)
class FrameworkCount:
    framework: str
    files: int
    references: int


def _per_framework(plan: RepoPlan) -> list[FrameworkCount]:
    files: Counter[Framework] = Counter()
    references: Counter[Framework] = Counter()
    for file in plan.files:
        if file.references and file.protected is None:  # protected ones are listed apart
            files[file.framework] += 1
            references[file.framework] += len(file.references)
    return [FrameworkCount(f.value, files[f], references[f]) for f in Framework if files[f]]


VISIBLE_LISTED = 20
"""Repositories the App can see, listed in a plan that has none in scope; the rest are counted."""


def render_plan(
    campaign: Campaign,
    planned: Sequence[PlannedRepo],
    unreadable: Sequence[UnreadableRepo],
    *,
    web_base: str,
    visible: Sequence[str] = (),
) -> str:
    """The plan comment: what ``/migrate start`` would do, repository by repository.

    ``visible`` are the repositories the App can see; they are listed (the first
    ``VISIBLE_LISTED``) only when none is in scope, since an empty plan most
    often means a glob that matches nothing or an App installed on too few.
    """
    ordered = sorted(planned, key=lambda p: p.repo.lower())
    with_changes = [p for p in ordered if p.plan.changes]
    repos = [
        {
            "name": p.repo,
            "frameworks": _per_framework(p.plan),
            "files": [
                {
                    "path": f.path,
                    "framework": f.framework.value,
                    "references": len(f.references),
                    "url": blob_url(web_base, p.repo, p.ref, f.path),
                }
                for f in p.plan.files
                if f.changed
            ],
            "guardrails": [
                {
                    "path": f.path,
                    "line": g.statement_line,
                    "reason": g.reason,
                    "url": blob_url(web_base, p.repo, p.ref, f.path, _original_line(f, g)),
                }
                for f, g in p.plan.guardrails
            ],
        }
        for p in with_changes
    ]
    totals: Counter[str] = Counter()
    total_refs: Counter[str] = Counter()
    for p in with_changes:
        for count in _per_framework(p.plan):
            totals[count.framework] += count.files
            total_refs[count.framework] += count.references
    return render(
        "campaign/plan.md.j2",
        marker=PLAN_MARKER,
        campaign=campaign,
        in_scope=len(planned) + len(unreadable),
        repos=repos,
        totals=[FrameworkCount(f, totals[f], total_refs[f]) for f in totals],
        guardrails=sum(len(r["guardrails"]) for r in repos),
        protected=[
            {"name": p.repo, "files": protected_files(p.plan, web_base, p.repo, p.ref)}
            for p in ordered
            if p.plan.protected
        ],
        skipped=[
            {"name": p.repo, "files": skipped_files(p.plan, web_base, p.repo, p.ref)}
            for p in ordered
            if p.plan.skipped
        ],
        nothing=[
            p.repo
            for p in ordered
            if not p.plan.changes and not p.plan.protected and not p.plan.skipped
        ],
        unreadable=sorted(unreadable, key=lambda u: u.repo.lower()),
        parity=parity_totals(campaign.verify.parity, [p.plan for p in planned]),
        visible=sorted(visible, key=str.lower)[:VISIBLE_LISTED],
        visible_total=len(visible),
    )


def _original_line(file: FilePlan, guardrail: PlacedGuardrail) -> int | None:
    """The guarded statement's line at the planned commit, or none for text the PR adds.

    A guardrail on a new dbt sources entry guards lines that only exist on the
    PR's branch; a link to the planned commit then names the file, not a line.
    """
    lines = file.original.count("\n") + (not file.original.endswith("\n"))
    return guardrail.statement_line if guardrail.statement_line <= lines else None


def render_summary(
    campaign: Campaign,
    state: CampaignState,
    views: Sequence[TargetView],
    readiness: Readiness,
    *,
    web_base: str = "",
    page_url: str | None = None,
) -> str:
    """The closing comment once the campaign is completed or cancelled.

    It says plainly whether the old tables are safe to retire: that, not the
    PR states, is what the people who own the old tables act on.
    """
    ordered = sorted(views, key=lambda v: v.repo.lower())
    by_state = {s: [v for v in ordered if v.state is s] for s in RepoState}
    return render(
        "campaign/summary.md.j2",
        marker=SUMMARY_MARKER,
        campaign=campaign,
        state=state.value,
        total=len(views),
        by_state={s.value: rows for s, rows in by_state.items() if rows},
        readiness=readiness,
        web_base=web_base,
        residual_shown=RESIDUAL_SHOWN,
        page_url=page_url,
    )
