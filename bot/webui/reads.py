"""What the dashboard pages show, read from the store in one short session per request.

Rows are built from the same ``TargetView`` and ``Progress`` as the issue's Markdown
dashboard, so the two never disagree about a repository's state or the campaign's progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.campaigns.board import BoardRow, board_row
from bot.campaigns.burndown import Day, burndown
from bot.campaigns.dashboard import AgentUsage, Progress, progress_of, view_of
from bot.campaigns.parity_totals import ParityTotals, campaign_totals
from bot.campaigns.residual import Readiness
from bot.campaigns.states import Target as TargetFacts
from bot.service.dashboard import target_views
from bot.spec import Campaign as CampaignSpec
from bot.store.audit import campaign_audit_entries
from bot.store.campaigns import facts_of, get_campaign, list_targets, spec_of
from bot.store.models import AuditEntry, Campaign, Installation
from bot.store.residual import campaign_readiness

AUDIT_SHOWN = 200
"""The newest entries shown on a campaign page; the page says when there are more."""


@dataclass(frozen=True)
class CampaignListing:
    repo: str
    issue_number: int
    installation_id: int
    account: str
    title: str
    state: str
    progress: Progress


def all_campaigns(session: Session, installation_id: int | None = None) -> list[CampaignListing]:
    """Every campaign (or one installation's), newest first; access is checked by the caller."""
    query = select(Campaign, Installation.account).join(Installation)
    if installation_id is not None:
        query = query.where(Campaign.installation_id == installation_id)
    listings = []
    for campaign, account in session.execute(query.order_by(Campaign.id.desc())).all():
        views = [
            view_of(facts_of(t), guardrails=t.guardrails) for t in list_targets(session, campaign)
        ]
        listings.append(
            CampaignListing(
                campaign.repo,
                campaign.issue_number,
                campaign.installation_id,
                account,
                _title(campaign),
                campaign.state,
                progress_of(views),
            )
        )
    return listings


def _title(campaign: Campaign) -> str:
    try:
        return spec_of(campaign).title
    except ValueError:  # stored before validation rules tightened: show the id
        return campaign.campaign_id


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    spec: CampaignSpec
    rows: tuple[BoardRow, ...]
    progress: Progress
    usage: AgentUsage | None
    usage_by_repo: tuple[tuple[str, AgentUsage], ...]
    readiness: Readiness
    """What the default branches still read of the old tables (``bot.campaigns.residual``)."""
    audit: tuple[AuditEntry, ...]
    audit_more: bool
    parity: tuple[ParityTotals, int] | None
    """Parity counts summed over the repositories that recorded them, and how many those are."""
    days: tuple[Day, ...]


def campaign_page(
    session: Session, repo: str, issue_number: int, *, now: datetime, stale_days: int
) -> CampaignPage | None:
    campaign = get_campaign(session, repo, issue_number)
    if campaign is None:
        return None
    targets = list_targets(session, campaign)
    readiness = campaign_readiness(session, campaign, targets)
    facts: list[TargetFacts] = [facts_of(t) for t in targets]
    views = target_views(targets, readiness)
    rows = tuple(
        board_row(v, f, now=now, stale_days=stale_days) for v, f in zip(views, facts, strict=True)
    )
    spent = [(v.repo, v.usage) for v in views if v.usage is not None]
    audit = campaign_audit_entries(
        session,
        installation_id=campaign.installation_id,
        host_repo=campaign.repo,
        issue_number=campaign.issue_number,
        repos=[t.repo for t in targets],
        since=campaign.created_at,
        limit=AUDIT_SHOWN + 1,
    )
    return CampaignPage(
        campaign=campaign,
        spec=spec_of(campaign),
        rows=rows,
        progress=progress_of(views),
        usage=sum((u for _, u in spent), AgentUsage()) if spent else None,
        usage_by_repo=tuple(spent),
        readiness=readiness,
        audit=tuple(audit[:AUDIT_SHOWN]),
        audit_more=len(audit) > AUDIT_SHOWN,
        parity=campaign_totals(v.parity for v in views),
        days=tuple(burndown(facts, start=campaign.created_at.date(), today=now.date())),
    )
