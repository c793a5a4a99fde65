"""Which campaign targets a webhook about a repository concerns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.campaigns.lifecycle import FINISHED
from bot.store.models import Campaign, Target


def targets_with_pull_requests(session: Session, repo: str) -> Sequence[Target]:
    """Every target of ``repo`` (across campaigns) that has a PR, open or not."""
    query = (
        select(Target)
        .where(Target.repo == repo.lower(), Target.pr_number.is_not(None))
        .order_by(Target.id)
    )
    return session.scalars(query).all()


def targets_in_unfinished_campaigns(session: Session, repo: str) -> Sequence[Target]:
    """Every target of ``repo`` whose campaign is neither completed nor cancelled."""
    query = (
        select(Target)
        .join(Campaign, Campaign.id == Target.campaign_id)
        .where(
            Target.repo == repo.lower(),
            Campaign.state.not_in([state.value for state in FINISHED]),
        )
        .order_by(Target.id)
    )
    return session.scalars(query).all()


def targets_at_head(session: Session, repo: str, head_sha: str) -> Sequence[Target]:
    """Targets whose PR branch is at ``head_sha``: the ones a check result is about."""
    query = (
        select(Target)
        .where(Target.repo == repo.lower(), Target.head_sha == head_sha)
        .order_by(Target.id)
    )
    return session.scalars(query).all()


def campaigns_in_state(session: Session, states: Iterable[str]) -> Sequence[Campaign]:
    query = select(Campaign).where(Campaign.state.in_(list(states))).order_by(Campaign.id)
    return session.scalars(query).all()
