"""Campaign issues: validate the YAML on every change, store a valid campaign, plan it.

The issue is re-read from GitHub instead of trusting the webhook payload, since
``edited`` deliveries can arrive out of order: whatever the order, the stored
campaign and the validation comment end up matching the body as it is now.

Anyone who can open an issue can apply the campaign label (the issue form does
it for them), so before anything is stored, validated or planned the author's
right to run campaigns is read from GitHub (``bot.campaigns.permissions``).
Everyone else gets one comment, edited in place on later events, and nothing
else: no validation, no discovery, no plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.messages import VALIDATION_MARKER, render_validation
from bot.campaigns.permissions import render_unauthorised
from bot.rendering import render
from bot.service.github_ops import GitHubOps, split_repo
from bot.spec import Campaign as CampaignSpec
from bot.spec import CampaignError, campaign_from_markdown, spec_hash
from bot.store.campaigns import get_campaign, save_campaign
from bot.store.models import Campaign

if TYPE_CHECKING:
    from bot.service.context import AppServices

CAMPAIGN_LABEL = "godwit:campaign"
UNAUTHORISED_MARKER = "<!-- godwit:unauthorised -->"


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
    author = issue.user.login if issue.user is not None else None
    try:
        spec: CampaignSpec | CampaignError = campaign_from_markdown(body)
    except CampaignError as invalid:
        spec = invalid
    unchanged = (
        existing is not None
        and isinstance(spec, CampaignSpec)
        and existing.spec_hash == spec_hash(spec)
    )
    # An unchanged campaign (the dashboard edits the body too) starts nothing: no need to ask.
    if not unchanged:
        bot = issue.user is not None and issue.user.type == "Bot"
        if not services.authority(ops).runs_campaign(repo, author, bot=bot):
            text = render_unauthorised(author, repo, marker=UNAUTHORISED_MARKER)
            ops.upsert_comment(repo, number, UNAUTHORISED_MARKER, text)
            return None
    if isinstance(spec, CampaignError):
        known = existing.validation_comment_id if existing is not None else None
        comment_id = ops.upsert_comment(
            repo, number, VALIDATION_MARKER, render_validation(spec), known_id=known
        )
        if existing is not None:
            existing.validation_comment_id = comment_id
        return None
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
    """Say so in the validation comment, and in a refusal, if there is one, once they are past.

    A refusal is past when its author was given the right to run campaigns since.
    """
    repo, number = campaign.repo, campaign.issue_number
    known = campaign.validation_comment_id
    found = (
        ops.find_own_comments(repo, number, (VALIDATION_MARKER, UNAUTHORISED_MARKER))
        if known is None
        else {}
    )
    refusal = found.get(UNAUTHORISED_MARKER)
    if refusal is not None:
        text = render("campaign/authorised.md.j2", marker=UNAUTHORISED_MARKER)
        ops.upsert_comment(repo, number, UNAUTHORISED_MARKER, text, known_id=refusal[0])
    if known is None:
        validation = found.get(VALIDATION_MARKER)
        if validation is None:
            return
        known = validation[0]
    text = render("campaign/validated.md.j2", marker=VALIDATION_MARKER)
    campaign.validation_comment_id = ops.upsert_comment(
        repo, number, VALIDATION_MARKER, text, known_id=known
    )


def plan(services: AppServices, session: Session, campaign: Campaign) -> None:
    """(Re-)discover once the caller commits; a campaign under way keeps running meanwhile."""
    try:
        campaign.state = campaign_transition(CampaignState(campaign.state), "plan").value
    except TransitionError:
        return
    services.jobs.discover(campaign.id, session=session)
