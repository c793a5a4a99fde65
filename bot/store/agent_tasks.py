"""The coding agent's runs in the store: de-duplication, limits and what they spent.

Spending is kept three ways that always agree: per task (``AgentTask.usage``),
summed per target and summed per campaign (their ``usage`` columns), each as
``bot.agent.CampaignUsage.to_dict()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.agent import AgentOutcome, CampaignUsage
from bot.store.models import AgentTask, Campaign, Target

NOT_RUN = frozenset({"disabled", "rate_limited", "human_commits", "attempts_used"})
"""Stop reasons of tasks the agent never ran; they count for no limit."""


def task_exists(session: Session, repo: str, trigger: str) -> bool:
    query = select(AgentTask.id).where(AgentTask.repo == repo.lower(), AgentTask.trigger == trigger)
    return session.scalars(query).first() is not None


def task_starts(session: Session, target: Target, since: datetime) -> Sequence[datetime]:
    """When the agent ran on the target's current PR since ``since`` (the hourly limit)."""
    query = select(AgentTask.started_at).where(
        AgentTask.target_id == target.id,
        AgentTask.pr_number == target.pr_number,
        AgentTask.started_at > since,
        AgentTask.stop_reason.not_in(NOT_RUN),
    )
    return session.scalars(query).all()


def attempts_on(session: Session, target: Target, kind: str, head_sha: str) -> int:
    """How often the agent already ran ``kind`` on the PR's head commit ``head_sha``."""
    query = select(func.count(AgentTask.id)).where(
        AgentTask.target_id == target.id,
        AgentTask.kind == kind,
        AgentTask.head_sha == head_sha,
        AgentTask.stop_reason.not_in(NOT_RUN),
    )
    return session.scalar(query) or 0


def usage_of(campaign_id: str, stored: dict[str, object] | None) -> CampaignUsage:
    return CampaignUsage.from_dict(dict(stored)) if stored else CampaignUsage(campaign_id)


def record_task(
    session: Session,
    *,
    campaign: Campaign,
    target: Target,
    kind: str,
    trigger: str,
    head_sha: str | None,
    started_at: datetime,
    outcome: AgentOutcome,
    commit_sha: str | None = None,
) -> AgentTask:
    """Store one task and add what it spent to its target's and its campaign's totals."""
    task = AgentTask(
        campaign_id=campaign.id,
        target_id=target.id,
        repo=target.repo.lower(),
        pr_number=target.pr_number,
        kind=kind,
        trigger=trigger,
        head_sha=head_sha,
        started_at=started_at,
        stop_reason=outcome.stop_reason,
        commit_sha=commit_sha,
        usage={},
    )
    if outcome.stop_reason not in NOT_RUN:
        spent = CampaignUsage(campaign.campaign_id).record(outcome.usage, outcome.cost_usd)
        task.usage = spent.to_dict()
        for row in (target, campaign):
            total = usage_of(campaign.campaign_id, row.usage)
            row.usage = total.record(outcome.usage, outcome.cost_usd).to_dict()
    session.add(task)
    session.flush()
    return task
