"""Everything about a campaign's pull request that is decided before talking to GitHub."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bot.campaigns.commands import COMMANDS, Context
from bot.campaigns.links import MAX_BODY, IssueRef, blob_url, commit_url
from bot.campaigns.mapping import applied_rows, tables_changed
from bot.campaigns.meta import MarkerKeys, PrMeta, encode_meta
from bot.engine.plan import RepoPlan
from bot.engine.report import parity_out
from bot.parity.outcome import Verdict
from bot.rendering import render
from bot.spec import Campaign, spec_hash

LABEL = "godwit"
FILES_WHEN_LONG = 100


def branch_name(campaign: Campaign) -> str:
    """Deterministic, so a rerun finds and updates its own branch."""
    return f"godwit/{campaign.id}"


def pr_labels(campaign: Campaign) -> tuple[str, str]:
    return (LABEL, f"{LABEL}:{campaign.id}")


def pr_title(campaign: Campaign) -> str:
    return render("pr/title.txt.j2", campaign=campaign).strip()


def commit_message(campaign: Campaign, plan: RepoPlan, issue: IssueRef) -> str:
    return render(
        "pr/commit.txt.j2",
        campaign=campaign,
        tables=tables_changed(campaign, plan),
        files=[f for f in plan.files if f.changed],
        guardrails=sum(1 for _ in plan.guardrails),
        issue=str(issue),
    )


@dataclass(frozen=True)
class AgentMigration:
    """The agent's commit that migrated guarded files; their guardrails are done, pending review."""

    commit_sha: str
    paths: frozenset[str]


@dataclass(frozen=True)
class PullRequestTarget:
    """Where the PR goes: the repository, its base commit and the campaign issue."""

    repo: str
    base_sha: str
    issue: IssueRef
    web_base: str  # e.g. https://github.com, or a GitHub Enterprise Server host
    number: int | None = None
    """The PR's number once GitHub assigned it: the marker signs it then (``meta``)."""


def protected_files(plan: RepoPlan, web_base: str, repo: str, ref: str) -> list[dict[str, object]]:
    """Consumers in build or CI configuration, with links to each reference, for people to migrate.

    Godwit never changes them (``bot.engine.protected``), so a PR or a plan that
    left them out would claim a repository migrated when it is not.
    """
    return [
        {
            "path": f.path,
            "reason": f.protected,
            "url": blob_url(web_base, repo, ref, f.path),
            "references": [
                {
                    "line": r.line,
                    "text": r.reference.text,
                    "url": blob_url(web_base, repo, ref, f.path, r.line),
                }
                for r in f.references
            ],
        }
        for f in plan.protected
    ]


def skipped_files(plan: RepoPlan, web_base: str, repo: str, ref: str) -> list[dict[str, str]]:
    """Files Godwit could not read as text that name an old table, linked for people.

    Left out, a PR would read as the whole migration while these still read the old table.
    """
    return [
        {"path": s.path, "reason": s.describe(), "url": blob_url(web_base, repo, ref, s.path)}
        for s in plan.skipped
    ]


def pr_body(
    campaign: Campaign,
    plan: RepoPlan,
    target: PullRequestTarget,
    *,
    keys: MarkerKeys,
    agent: AgentMigration | None = None,
) -> str:
    """The PR description; ``keys`` sign its metadata marker (see ``bot.campaigns.meta``).

    ``agent`` marks the guardrails of the files the agent migrated as done, so
    the description keeps matching the branch after the agent's commit.
    """
    branch = branch_name(campaign)
    changed = [f for f in plan.files if f.changed]
    migrated = agent.paths if agent is not None else frozenset()
    guardrails = [
        {
            "path": file.path,
            "line": g.line,
            "reason": g.reason,
            "url": blob_url(target.web_base, target.repo, branch, file.path, g.line),
            "migrated": file.path in migrated,
        }
        for file, g in plan.guardrails
    ]
    issues = [
        {
            "path": file.path,
            "line": located.line,
            "message": located.issue.message,
            "url": blob_url(target.web_base, target.repo, target.base_sha, file.path, located.line),
        }
        for file in plan.files
        for located in file.verification
    ]
    protected = protected_files(plan, target.web_base, target.repo, target.base_sha)
    skipped = skipped_files(plan, target.web_base, target.repo, target.base_sha)
    parity = [
        {
            "path": file.path,
            "line": located.line,
            "url": blob_url(target.web_base, target.repo, target.base_sha, file.path, located.line),
            "result": parity_out(located),
        }
        for file, located in plan.parity
    ]
    meta = PrMeta(
        campaign=campaign.id,
        spec_hash=spec_hash(campaign),
        base_sha=target.base_sha,
        issue=str(target.issue),
        repo=target.repo,
        branch=branch,
        pr=target.number,
        parity="/".join(str(plan.parity_count(v)) for v in Verdict)
        if campaign.verify.parity
        else None,
    )
    body = partial(
        render,
        "pr/body.md.j2",
        campaign=campaign,
        tables=tables_changed(campaign, plan),
        rows=applied_rows(campaign, changed),
        files=[
            {
                "path": f.path,
                "framework": f.framework.value,
                "statements": f.statements_rewritten,
                "guardrails": len(f.guardrails),
                "url": blob_url(target.web_base, target.repo, branch, f.path),
            }
            for f in changed
        ],
        guardrails=guardrails,
        protected=protected,
        skipped=skipped,
        moved=[{"path": f.path, "note": note} for f in changed for note in f.notes],
        issues=issues,
        parity=parity,
        parity_enabled=campaign.verify.parity,
        parity_counts={v.value: plan.parity_count(v) for v in Verdict},
        statements=sum(f.statements_rewritten for f in changed),
        commands=COMMANDS[Context.PR],
        issue=str(target.issue),
        issue_url=target.issue.url(target.web_base),
        meta=encode_meta(meta, keys=keys),
        agent=agent,
        agent_url=(
            commit_url(target.web_base, target.repo, agent.commit_sha)
            if agent is not None
            else None
        ),
    )
    text = body(listed=len(changed), parity_listed=len(parity), skipped_listed=len(skipped))
    if len(text) <= MAX_BODY:
        return text
    # Too long for GitHub: list fewer files and proven statements; every guardrail stays listed.
    return body(
        listed=FILES_WHEN_LONG, parity_listed=FILES_WHEN_LONG, skipped_listed=FILES_WHEN_LONG
    )
