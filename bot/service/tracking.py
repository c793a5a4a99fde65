"""Keep each campaign target's state in step with its pull request on GitHub.

Every webhook about a Godwit PR (closed, reopened, synchronize, a review, a
check suite, a push to the base branch) leads to the same thing: re-read the
PR, its reviews, its check suites and its base branch, and fold what they say
into the target's facts. Duplicate or out-of-order deliveries therefore only
re-observe the current state, which changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.campaigns.events import Event
from bot.campaigns.states import RepoState
from bot.campaigns.states import Target as TargetFacts
from bot.github.client import AnyGitHub
from bot.github.commits import branch_head
from bot.service.completion import complete_if_done
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.residual import request_rescan
from bot.service.tracking_facts import (
    base_events,
    check_events,
    head_events,
    lifecycle_events,
    review_events,
    reviewer_events,
)
from bot.store.audit import add_audit_entry
from bot.store.campaigns import campaign_by_pk, facts_of, record_events
from bot.store.models import Target


def observe_pull_request(gh: AnyGitHub, target: Target, *, observed: datetime) -> list[Event]:
    """Events for everything GitHub says now about the target's open or closed PR."""
    if target.pr_number is None:
        return []
    owner, name = target.repo.split("/", 1)
    facts = facts_of(target)
    pr = gh.rest.pulls.get(owner, name, target.pr_number).parsed_data
    events = lifecycle_events(facts, pr)
    events += head_events(facts, pr, observed=observed)
    events += reviewer_events(facts, pr, observed=observed)
    reviews = gh.rest.pulls.list_reviews(owner, name, pr.number, per_page=100).parsed_data
    events += review_events(pr.number, reviews)
    suites = gh.rest.checks.list_suites_for_ref(owner, name, pr.head.sha).parsed_data
    events += check_events(suites.check_suites)
    if pr.state == "open":
        events += base_events(
            facts,
            built_on=target.base_sha,
            default_head=branch_head(gh, owner, name, pr.base.ref),
            observed=observed,
        )
    return events


def refresh_target(
    gh: AnyGitHub, target: Target, *, observed: datetime
) -> tuple[TargetFacts, TargetFacts]:
    """Fold the PR's current state into the target; the facts before and after."""
    before = facts_of(target)
    after = record_events(target, observe_pull_request(gh, target, observed=observed))
    return before, after


def track(services: AppServices, session: Session, target: Target) -> TargetFacts:
    """Re-read the target's PR and, when its state changed, refresh the dashboard."""
    installation = target.installation_id or _installation_of(session, target)
    gh = services.github.installation_client(installation)
    before, after = refresh_target(gh, target, observed=services.now())
    if after == before:
        return after
    campaign = campaign_by_pk(session, target.campaign_id)
    if campaign is None:
        return after
    if after.state is RepoState.MERGED and before.state is not RepoState.MERGED:
        request_rescan(services, session, target)  # what the default branch reads now
    if after.state != before.state:
        add_audit_entry(
            session,
            action="target.state",
            installation_id=installation,
            repo=target.repo,
            target_number=target.pr_number,
            target_url=target.pr_url,
            detail=f"{before.state.value} -> {after.state.value}",
        )
    request_dashboard_refresh(services, session, campaign)
    complete_if_done(services, session, campaign)
    return after


def _installation_of(session: Session, target: Target) -> int:
    campaign = campaign_by_pk(session, target.campaign_id)
    if campaign is None:
        raise LookupError(f"target {target.repo} has no campaign")
    return campaign.installation_id
