"""The campaign issue's dashboard, re-rendered from the store and written at most once per burst.

Every change to a target asks for a refresh; only the first request until the
refresh runs queues a job (``Campaign.dashboard_due``), and that job waits a
moment before reading the store, so a burst of webhooks costs one edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaigns.dashboard import TargetView, render_dashboard, view_of
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.parity_totals import totals_of_stored
from bot.campaigns.residual import Readiness, ResidualKind
from bot.service.agent.usage import agent_usage_of
from bot.store.campaigns import (
    campaign_by_pk,
    clear_dashboard_due,
    facts_of,
    list_targets,
    mark_dashboard_due,
    spec_of,
)
from bot.store.models import Campaign, Target
from bot.store.residual import campaign_readiness

if TYPE_CHECKING:
    from bot.service.context import AppServices


def request_dashboard_refresh(services: AppServices, session: Session, campaign: Campaign) -> None:
    """Owe a refresh unless one is already owed; it is queued when the caller commits."""
    if mark_dashboard_due(session, campaign):
        services.jobs.refresh_dashboard(
            campaign.id, delay=services.dashboard_delay, session=session
        )


def target_views(targets: Sequence[Target], readiness: Readiness) -> list[TargetView]:
    """One row per target, with its open residual references from ``readiness`` and its parity."""
    return [
        view_of(
            facts_of(target),
            guardrails=target.guardrails,
            usage=agent_usage_of(target),
            residual=len(readiness.open_in(target.repo)),
            parity=totals_of_stored(target.parity),
            skipped=sum(r.kind is ResidualKind.SKIPPED for r in readiness.open_in(target.repo)),
        )
        for target in targets
    ]


def render_campaign_dashboard(services: AppServices, session: Session, campaign: Campaign) -> str:
    targets = list_targets(session, campaign)
    readiness = campaign_readiness(session, campaign, targets)
    return render_dashboard(
        spec_of(campaign),
        CampaignState(campaign.state),
        target_views(targets, readiness),
        now=services.now(),
        stale_days=services.stale_days,
        readiness=readiness,
        web_base=services.web_base,
        page_url=services.campaign_page(campaign.repo, campaign.issue_number),
    )


def refresh_dashboard(services: AppServices, campaign_pk: int) -> None:
    """The job: render from the store as it is now and write it into the issue body."""
    with services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        if campaign is None:
            return
        clear_dashboard_due(session, campaign)
        text = render_campaign_dashboard(services, session, campaign)
        session.commit()  # no transaction stays open while GitHub answers
        ops = services.ops(session, campaign.installation_id)
        ops.update_dashboard(campaign.repo, campaign.issue_number, text)
        session.commit()
