"""Finish a campaign once nothing reads its old tables: a summary, then the issue is closed.

Every repository settled is not enough: the campaign completes only when the
residual references of every target are zero or waived (``bot.campaigns.residual``),
because "completed" is read as "safe to drop the table". Checked after every
change of a target, every rescan and every waiver; the campaign's own state
makes it happen once, and the summary comment carries a marker, so a repeated
check edits the same comment instead of posting another.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.messages import SUMMARY_MARKER, render_summary
from bot.campaigns.states import campaign_done
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh, target_views
from bot.service.github_ops import split_repo
from bot.store.audit import add_audit_entry
from bot.store.campaigns import facts_of, list_targets, spec_of
from bot.store.models import Campaign
from bot.store.residual import campaign_readiness


def complete_if_done(services: AppServices, session: Session, campaign: Campaign) -> bool:
    """Post the summary and close the issue when the campaign just completed."""
    targets = list_targets(session, campaign)
    facts = [facts_of(target) for target in targets]
    if not facts or not campaign_done(facts):
        return False
    readiness = campaign_readiness(session, campaign, targets)
    if not readiness.safe_to_retire:
        return False
    try:
        state = campaign_transition(CampaignState(campaign.state), "done")
    except TransitionError:
        return False  # not started, or already finished
    campaign.state = state.value
    views = target_views(targets, readiness)
    summary = render_summary(
        spec_of(campaign),
        state,
        views,
        readiness,
        web_base=services.web_base,
        page_url=services.campaign_page(campaign.repo, campaign.issue_number),
    )
    ops = services.ops(session, campaign.installation_id)
    campaign.summary_comment_id = ops.upsert_comment(
        campaign.repo,
        campaign.issue_number,
        SUMMARY_MARKER,
        summary,
        known_id=campaign.summary_comment_id,
    )
    owner, name = split_repo(campaign.repo)
    ops.gh.rest.issues.update(
        owner, name, campaign.issue_number, state="closed", state_reason="completed"
    )
    add_audit_entry(
        session,
        action="campaign.completed",
        installation_id=campaign.installation_id,
        repo=campaign.repo,
        target_number=campaign.issue_number,
    )
    request_dashboard_refresh(services, session, campaign)
    return True
