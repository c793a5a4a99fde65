"""The machine-readable plan (``godwit plan --json``).

The schema is a set of pydantic models so that it is documented by construction:
``docs/plan.schema.json`` is generated from them and a test keeps it current.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from bot.engine.model import Action, Framework, ReferenceKind
from bot.engine.plan import FilePlan, LocatedParity, RepoPlan
from bot.parity.outcome import Table, Verdict
from bot.spec import Campaign

if TYPE_CHECKING:
    from bot.agent import AgentSettings, UsageEstimate
    from bot.agent.estimate import TokenCounter

SCHEMA_VERSION = 1


class ReferenceOut(BaseModel):
    table: str = Field(description="The old table, as named in the campaign.")
    kind: ReferenceKind
    line: int = Field(description="1-based line in the original file.")
    text: str = Field(description="The reference as written in the file.")
    needs_human: bool


class GuardrailOut(BaseModel):
    line: int = Field(description="1-based line of the guardrail comment in the rewritten file.")
    statement_line: int = Field(description="1-based line of the guarded statement, original file.")
    reason: str
    comment: str


class IssueOut(BaseModel):
    line: int
    message: str


class TableRowsOut(BaseModel):
    columns: list[str]
    rows: list[list[str]] = Field(description="Values as text; NULL for null, strings quoted.")


class CounterexampleOut(BaseModel):
    """The smallest synthetic input found on which the original and the rewrite disagree."""

    old_table: str
    new_table: str
    new_rows: TableRowsOut = Field(description="Rows of the new table...")
    old_rows: TableRowsOut = Field(description="...and the same facts as old rows, by the mapping.")
    old_output: TableRowsOut = Field(description="What the original statement returns.")
    new_output: TableRowsOut = Field(description="What the rewritten statement returns.")
    other_tables: dict[str, TableRowsOut] = Field(
        description="Other tables the statement reads, as generated."
    )


class ParityOut(BaseModel):
    """Parity of one rewritten statement: run old against new on synthetic data."""

    line: int = Field(description="1-based first line of the statement in the original file.")
    verdict: Verdict
    reason: str | None = Field(
        description="Why not checkable, what differs, or how it was proven; else null."
    )
    rows: int = Field(description="Rows of each synthetic old table.")
    datasets: int = Field(description="Synthetic datasets compared.")
    counterexample: CounterexampleOut | None = Field(
        default=None, description="Only for verdict differs (null when the rewrite failed to run)."
    )


class FileOut(BaseModel):
    path: str
    framework: Framework
    action: Action
    changed: bool
    statements_rewritten: int
    references: list[ReferenceOut]
    guardrails: list[GuardrailOut]
    verification: list[IssueOut] = Field(description="Failed checks; each blocked a rewrite.")
    protected: str | None = Field(
        default=None,
        description="Why the file is build or CI configuration, which Godwit never changes "
        "(action protected): migrate its references by hand.",
    )
    parity: list[ParityOut] = Field(
        default_factory=list,
        description="One entry per verified rewritten statement (empty when parity is off).",
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What moved (a sources entry's description and tests) or why a reference "
        "stays as it is, one sentence each.",
    )


class SkippedOut(BaseModel):
    """A file Godwit could not plan that names an old table (or could not be scanned whole)."""

    path: str
    reason: str = Field(description='Why it was not planned, e.g. "contains NUL bytes".')


class Summary(BaseModel):
    files_scanned: int = Field(description="Files of a known framework.")
    skipped_by_prefilter: int = Field(description="Ruled out by the textual prefilter, unparsed.")
    skipped: int = Field(
        default=0, description="Files not planned (too large, binary, symlink) naming an old table."
    )
    rewrite: int
    guardrail: int
    untouched: int
    protected: int = Field(description="Consumers in build or CI configuration, left to people.")
    files_changed: int
    guardrails: int
    needs_human: int = Field(description="Bare, wildcard or decorated references of an old table.")
    parity_proven: int = Field(default=0, description="Rewritten statements parity proved.")
    parity_differs: int = Field(
        default=0, description="Statements whose rewrite differed: guardrailed, not rewritten."
    )
    parity_not_checkable: int = Field(
        default=0, description="Rewritten statements parity could not run (see the reasons)."
    )


class AgentEstimateOut(BaseModel):
    """What the coding agent would spend on the files it takes over (an estimate from sizes)."""

    model: str
    files: int = Field(description="Files with judgment guardrails the agent would take on.")
    input_tokens: int = Field(description="Uncached input tokens.")
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    requests: int
    cost_usd: float | None = Field(description="US dollars; null for a model without a price.")
    counted_by: Literal["count_tokens", "estimated"] = Field(
        default="estimated",
        description="How first requests were counted: the API's count_tokens, or 4 chars a token.",
    )
    prefix_tokens: int = Field(default=0, description="The largest stable prompt prefix.")
    min_cacheable_tokens: int = Field(
        default=0, description="The model's minimum cacheable prefix (bot.agent.caching)."
    )
    prefix_cached: bool = Field(
        default=False, description="False: the prefix is too short to be shared between files."
    )
    minimum_known: bool = Field(
        default=True, description="False: the model is not in the table; its largest is assumed."
    )


class RepoOut(BaseModel):
    repo: str
    summary: Summary
    files: list[FileOut] = Field(description="Every file that passed the prefilter.")
    skipped: list[SkippedOut] = Field(
        default_factory=list,
        description="Files that could not be planned and name an old table: migrate by hand.",
    )
    agent: AgentEstimateOut | None = Field(
        default=None, description="Only when the campaign sets agent.migrate_guardrails."
    )


class TableOut(BaseModel):
    old: str
    new: str


class CampaignOut(BaseModel):
    id: str
    title: str
    guide: str
    tables: list[TableOut]


class ParityTotalsOut(BaseModel):
    enabled: bool = Field(description="False when the campaign or --no-parity turned parity off.")
    proven: int
    differs: int
    not_checkable: int
    not_checkable_reasons: dict[str, int] = Field(
        description="Not-checkable statements by reason (counterexample-free reason text)."
    )


class PlanReport(BaseModel):
    schema_version: int = SCHEMA_VERSION
    campaign: CampaignOut
    repos: list[RepoOut]
    totals: Summary
    parity: ParityTotalsOut | None = Field(default=None, description="Parity over every repo.")
    agent: AgentEstimateOut | None = Field(
        default=None, description="The repositories' agent estimates, summed."
    )


def summarise(plan: RepoPlan) -> Summary:
    actions = [f.action for f in plan.files]
    return Summary(
        files_scanned=plan.scanned,
        skipped_by_prefilter=plan.skipped_by_prefilter,
        skipped=len(plan.skipped),
        rewrite=actions.count(Action.REWRITE),
        guardrail=actions.count(Action.GUARDRAIL),
        untouched=actions.count(Action.UNTOUCHED),
        protected=actions.count(Action.PROTECTED),
        files_changed=len(plan.changes),
        guardrails=sum(len(f.guardrails) for f in plan.files),
        needs_human=sum(len(f.needs_human) for f in plan.files),
        parity_proven=plan.parity_count(Verdict.PROVEN),
        parity_differs=plan.parity_count(Verdict.DIFFERS),
        parity_not_checkable=plan.parity_count(Verdict.NOT_CHECKABLE),
    )


def _rows_out(table: Table) -> TableRowsOut:
    return TableRowsOut(columns=list(table.columns), rows=[list(row) for row in table.rows])


def parity_out(located: LocatedParity) -> ParityOut:
    outcome = located.outcome
    example = outcome.counterexample
    return ParityOut(
        line=located.line,
        verdict=outcome.verdict,
        reason=outcome.reason,
        rows=outcome.rows,
        datasets=outcome.datasets,
        counterexample=None
        if example is None
        else CounterexampleOut(
            old_table=example.old_table,
            new_table=example.new_table,
            new_rows=_rows_out(example.new_rows),
            old_rows=_rows_out(example.old_rows),
            old_output=_rows_out(example.old_output),
            new_output=_rows_out(example.new_output),
            other_tables={name: _rows_out(t) for name, t in example.other_tables.items()},
        ),
    )


def parity_totals(enabled: bool, plans: Sequence[RepoPlan]) -> ParityTotalsOut:
    outcomes = [p.outcome for plan in plans for _, p in plan.parity]
    reasons: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.verdict is Verdict.NOT_CHECKABLE and outcome.reason:
            reasons[outcome.reason] = reasons.get(outcome.reason, 0) + 1
    return ParityTotalsOut(
        enabled=enabled,
        proven=sum(o.verdict is Verdict.PROVEN for o in outcomes),
        differs=sum(o.verdict is Verdict.DIFFERS for o in outcomes),
        not_checkable=sum(o.verdict is Verdict.NOT_CHECKABLE for o in outcomes),
        not_checkable_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _file_out(plan: FilePlan) -> FileOut:
    return FileOut(
        path=plan.path,
        framework=plan.framework,
        action=plan.action,
        changed=plan.changed,
        statements_rewritten=plan.statements_rewritten,
        references=[
            ReferenceOut(
                table=r.reference.table,
                kind=r.reference.kind,
                line=r.line,
                text=r.reference.text,
                needs_human=r.reference.needs_human,
            )
            for r in plan.references
        ],
        guardrails=[
            GuardrailOut(
                line=g.line, statement_line=g.statement_line, reason=g.reason, comment=g.comment
            )
            for g in plan.guardrails
        ],
        verification=[IssueOut(line=i.line, message=i.issue.message) for i in plan.verification],
        protected=plan.protected,
        parity=[parity_out(p) for p in plan.parity],
        notes=list(plan.notes),
    )


def _agent_out(model: str, estimate: UsageEstimate) -> AgentEstimateOut:
    usage = estimate.usage
    return AgentEstimateOut(
        model=model,
        files=estimate.files,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        requests=usage.requests,
        cost_usd=None if estimate.cost_usd is None else float(estimate.cost_usd),
        counted_by=estimate.counted_by,
        prefix_tokens=estimate.prefix_tokens,
        min_cacheable_tokens=estimate.min_cacheable_tokens,
        prefix_cached=estimate.prefix_cached,
        minimum_known=estimate.minimum_known,
    )


def agent_estimates(
    campaign: Campaign,
    plans: Sequence[tuple[str, RepoPlan]],
    settings: AgentSettings | None,
    counter: TokenCounter | None = None,
) -> tuple[dict[str, AgentEstimateOut], AgentEstimateOut]:
    """Per repository and in total; the agent's stack loads only for campaigns that use it.

    Without ``counter`` tokens are estimated from sizes: ``godwit plan`` holds no
    API key, so it never calls the API.
    """
    from bot.agent import AgentSettings, TokenUsage, UsageEstimate, cost, estimate_plan
    from bot.agent.caching import known_minimum, min_cacheable_tokens

    chosen = settings or AgentSettings()
    estimates = {
        name: estimate_plan(campaign, plan, chosen, counter=counter) for name, plan in plans
    }
    usage = sum((e.usage for e in estimates.values()), TokenUsage())
    files = sum(e.files for e in estimates.values())
    parts = list(estimates.values())
    total = UsageEstimate(
        files,
        usage,
        cost(usage, chosen.price(), chosen.cache_ttl),
        "estimated" if any(e.counted_by == "estimated" for e in parts) else "count_tokens",
        max((e.prefix_tokens for e in parts), default=0),
        min_cacheable_tokens(chosen.model),
        files > 0 and all(e.prefix_cached for e in parts if e.files),
        known_minimum(chosen.model),
    )
    by_repo = {name: _agent_out(chosen.model, e) for name, e in estimates.items()}
    return by_repo, _agent_out(chosen.model, total)


def build_report(
    campaign: Campaign,
    plans: Sequence[tuple[str, RepoPlan]],
    agent: AgentSettings | None = None,
) -> PlanReport:
    """The report; with agent estimates when the campaign hands guarded code to the agent."""
    by_repo, total = (
        agent_estimates(campaign, plans, agent) if campaign.agent.migrate_guardrails else ({}, None)
    )
    repos = [
        RepoOut(
            repo=name,
            summary=summarise(plan),
            files=[_file_out(f) for f in plan.files],
            skipped=[SkippedOut(path=s.path, reason=s.describe()) for s in plan.skipped],
            agent=by_repo.get(name),
        )
        for name, plan in plans
    ]
    totals = Summary(
        **{key: sum(getattr(r.summary, key) for r in repos) for key in Summary.model_fields}
    )
    return PlanReport(
        campaign=CampaignOut(
            id=campaign.id,
            title=campaign.title,
            guide=campaign.guide,
            tables=[TableOut(old=t.old, new=t.new) for t in campaign.tables],
        ),
        repos=repos,
        totals=totals,
        agent=total,
        parity=parity_totals(campaign.verify.parity, [plan for _, plan in plans]),
    )
