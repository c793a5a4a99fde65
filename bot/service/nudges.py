"""The periodic reminder on campaign PRs nobody has touched for ``stale_days`` days.

Each PR is nudged once (the ``Nudged`` fact), and a nudge is not activity, so
the dashboard keeps listing the PR as stale until a person acts on it.
"""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from bot.campaigns.events import Nudged
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.links import IssueRef
from bot.campaigns.nudges import due_for_nudge, render_nudge
from bot.jobs.errors import RepositoryBusyError
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.locking import repo_lock
from bot.store.campaigns import campaign_by_pk, facts_of, get_target, list_targets
from bot.store.campaigns import record_event as store_event
from bot.store.models import Campaign
from bot.store.tracking import campaigns_in_state

NUDGE_MARKER = "<!-- godwit:nudge -->"
# Campaigns whose PRs are still expected to move.
_ACTIVE = (CampaignState.RUNNING.value, CampaignState.PAUSED.value)
NUDGE_SCHEDULE = crontab(minute="17")  # hourly; nudges are measured in days


def register_nudges(services: AppServices) -> None:
    """Run ``nudge_stale`` periodically in the consumers that run periodic tasks."""

    def campaign_nudges() -> None:
        nudge_stale(services)

    services.huey.periodic_task(NUDGE_SCHEDULE, name="campaign_nudges")(campaign_nudges)


def nudge_stale(services: AppServices) -> int:
    """Nudge every PR due for it; how many were nudged. A busy repository waits for next time."""
    now = services.now()
    nudged = 0
    with services.sessions() as session:
        due = [
            (campaign.id, target.repo)
            for campaign in campaigns_in_state(session, _ACTIVE)
            for target in list_targets(session, campaign)
            if due_for_nudge(facts_of(target), now, services.stale_days)
        ]
    for campaign_pk, repo in due:
        try:
            with services.lock(repo_lock(repo)):
                nudged += _nudge(services, campaign_pk, repo, now)
        except RepositoryBusyError:
            continue
    return nudged


def _nudge(services: AppServices, campaign_pk: int, repo: str, now: datetime) -> int:
    with services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        target = None if campaign is None else get_target(session, campaign, repo)
        if campaign is None or target is None:
            return 0
        facts = facts_of(target)  # read again under the lock: a person may just have acted
        if facts.pr_number is None or not due_for_nudge(facts, now, services.stale_days):
            return 0
        text = render_nudge(
            facts, now=now, reviewers=facts.reviewers, issue_url=_issue_url(services, campaign)
        )
        ops = services.ops(session, target.installation_id or campaign.installation_id)
        ops.upsert_comment(repo, facts.pr_number, NUDGE_MARKER, text)
        store_event(target, Nudged(now, facts.pr_number))
        target.nudged_at = now
        request_dashboard_refresh(services, session, campaign)
        session.commit()
        return 1


def _issue_url(services: AppServices, campaign: Campaign) -> str:
    return IssueRef(campaign.repo, campaign.issue_number).url(services.web_base)
