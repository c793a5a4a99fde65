"""Finish a campaign once every repository is settled: a summary, then the issue is closed.

Checked after every change of a target; the campaign's own state makes it
happen once, and the summary comment carries a marker, so a repeated check
edits the same comment instead of posting another.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.campaigns.dashboard import view_of
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.messages import SUMMARY_MARKER, render_summary
from bot.campaigns.states import campaign_done
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.github_ops import split_repo
from bot.store.audit import add_audit_entry
from bot.store.campaigns import facts_of, list_targets, spec_of
from bot.store.models import Campaign


def complete_if_done(services: AppServices, session: Session, campaign: Campaign) -> bool:
    """Post the summary and close the issue when the campaign just completed."""
    targets = list_targets(session, campaign)
    facts = [facts_of(target) for target in targets]
    if not facts or not campaign_done(facts):
        return False
    try:
        state = campaign_transition(CampaignState(campaign.state), "done")
    except TransitionError:
        return False  # not started, or already finished
    campaign.state = state.value
    views = [view_of(f, guardrails=t.guardrails) for f, t in zip(facts, targets, strict=True)]
    summary = render_summary(
        spec_of(campaign),
        state,
        views,
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
