"""What a campaign achieved, read back from GitHub (pull requests) and Godwit's store (state).

The demo's last line and the benchmark's numbers come from here, so they report
what actually happened in the sandbox rather than what the script meant to do.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, func, select

from bot.campaigns.dashboard import END, START
from bot.campaigns.pr import pr_labels
from bot.sandbox import Sandbox
from bot.sandbox.state import Issue
from bot.spec import Campaign as CampaignSpec
from bot.store.db import session_factory
from bot.store.models import Campaign, Target
from bot.store.residual import campaign_readiness


@dataclass(frozen=True)
class CampaignPull:
    repo: str
    number: int
    merged: bool
    state: str
    reviewers: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """The demo's machine-readable result; field names are the JSON line's keys."""

    repos: int
    prs_opened: int
    prs_merged: int
    guardrails: int
    campaign_state: str
    residual_references: int = 0
    """References the default branches still make to an old table, not waived."""
    safe_to_retire: bool = False

    def json_line(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def campaign_pulls(sandbox: Sandbox, spec: CampaignSpec) -> list[CampaignPull]:
    """Every pull request, open or not, that carries the campaign's label, in repository order."""
    label = pr_labels(spec)[-1]
    found = []
    with sandbox.state.lock:
        for repo in sorted(sandbox.state.repos.values(), key=lambda repo: repo.full_name):
            for issue in sorted(repo.issues.values(), key=lambda issue: issue.number):
                if issue.pull is not None and _labelled(issue, label):
                    found.append(
                        CampaignPull(
                            repo=repo.full_name,
                            number=issue.number,
                            merged=issue.pull.merged,
                            state="merged" if issue.pull.merged else issue.state,
                            reviewers=tuple(a.login for a in issue.pull.requested_reviewers),
                        )
                    )
    return found


def _labelled(issue: Issue, label: str) -> bool:
    return any(existing.name == label for existing in issue.labels)


def duplicate_pulls(pulls: list[CampaignPull]) -> int:
    """Pull requests beyond the first per repository: Godwit promises there are none."""
    per_repo = Counter(pull.repo for pull in pulls)
    return sum(count - 1 for count in per_repo.values())


def dashboard_text(sandbox: Sandbox, repo: str, number: int) -> str | None:
    """The dashboard section of the campaign issue's body, without its hidden markers."""
    body = sandbox.issue(repo, number).body or ""
    start, end = body.find(START), body.find(END)
    if start < 0 or end < start:
        return None
    return body[start + len(START) : end].strip("\n")


def read_outcome(sandbox: Sandbox, engine: Engine, spec: CampaignSpec) -> Outcome:
    """Counts from the sandbox's pull requests, state and guardrails from Godwit's store."""
    pulls = campaign_pulls(sandbox, spec)
    with session_factory(engine)() as session:
        campaign = session.scalars(
            select(Campaign).where(Campaign.campaign_id == spec.id).order_by(Campaign.id)
        ).first()
        if campaign is None:
            return Outcome(0, len(pulls), sum(p.merged for p in pulls), 0, "missing")
        repos, guardrails = session.execute(
            select(func.count(Target.id), func.coalesce(func.sum(Target.guardrails), 0)).where(
                Target.campaign_id == campaign.id
            )
        ).one()
        state = campaign.state
        verdict = campaign_readiness(session, campaign)
    return Outcome(
        repos=int(repos),
        prs_opened=len(pulls),
        prs_merged=sum(pull.merged for pull in pulls),
        guardrails=int(guardrails),
        campaign_state=state,
        residual_references=len(verdict.open),
        safe_to_retire=verdict.safe_to_retire,
    )
