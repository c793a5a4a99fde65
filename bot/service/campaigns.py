"""Campaign issues: validate the YAML on every change, store a valid campaign, plan it.

The issue is re-read from GitHub instead of trusting the webhook payload, since
``edited`` deliveries can arrive out of order: whatever the order, the stored
campaign and the validation comment end up matching the body as it is now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaign import CampaignError, campaign_from_markdown, spec_hash
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.messages import VALIDATION_MARKER, render_validation
from bot.rendering import render
from bot.service.github_ops import GitHubOps, split_repo
from bot.store.campaigns import get_campaign, save_campaign
from bot.store.models import Campaign

if TYPE_CHECKING:
    from bot.service.context import AppServices

CAMPAIGN_LABEL = "godwit:campaign"


def on_campaign_issue(
    services: AppServices, session: Session, *, installation_id: int, repo: str, number: int
) -> Campaign | None:
    """Validate the issue as it is now; a valid, changed spec is stored and discovered."""
    ops = services.ops(session, installation_id)
    owner, name = split_repo(repo)
    issue = ops.gh.rest.issues.get(owner, name, number).parsed_data
    labels = {label if isinstance(label, str) else label.name for label in issue.labels}
    if CAMPAIGN_LABEL not in labels or issue.state != "open" or issue.pull_request:
        return None
    body = issue.body if isinstance(issue.body, str) else ""
    existing = get_campaign(session, repo, number)
    try:
        spec = campaign_from_markdown(body)
    except CampaignError as error:
        known = existing.validation_comment_id if existing is not None else None
        comment_id = ops.upsert_comment(
            repo, number, VALIDATION_MARKER, render_validation(error), known_id=known
        )
        if existing is not None:
            existing.validation_comment_id = comment_id
        return None
    author = issue.user.login if issue.user is not None else None
    campaign, changed = save_campaign(
        session,
        installation_id=installation_id,
        repo=repo,
        issue_number=number,
        spec=spec,
        spec_hash=spec_hash(spec),
        body=body,
        author=author,
        state=CampaignState.DISCOVERING.value,
    )
    if changed or campaign.validation_comment_id is not None:
        _clear_validation(ops, campaign)
    if changed:
        plan(services, session, campaign)
    return campaign


def _clear_validation(ops: GitHubOps, campaign: Campaign) -> None:
    """Say so in the validation comment, if there is one, once the YAML is fixed."""
    known = campaign.validation_comment_id
    if known is None:
        found = ops.find_own_comment(campaign.repo, campaign.issue_number, VALIDATION_MARKER)
        if found is None:
            return
        known = found[0]
    text = render("campaign/validated.md.j2", marker=VALIDATION_MARKER)
    campaign.validation_comment_id = ops.upsert_comment(
        campaign.repo, campaign.issue_number, VALIDATION_MARKER, text, known_id=known
    )


def plan(services: AppServices, session: Session, campaign: Campaign) -> None:
    """(Re-)discover once the caller commits; a campaign under way keeps running meanwhile."""
    try:
        campaign.state = campaign_transition(CampaignState(campaign.state), "plan").value
    except TransitionError:
        return
    services.jobs.discover(campaign.id, session=session)
