"""``issues``: campaign issues are opened, edited and labelled here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.campaigns import on_campaign_issue
from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import IssuesEvent

router = Router()

# Actions after which the campaign YAML or the label may have changed.
CAMPAIGN_ACTIONS = ("opened", "edited", "labeled", "reopened")


@router.register("issues")
def on_issue_event(event: IssuesEvent, context: EventContext) -> None:
    """Record every issue event; validate campaign issues after the changes that matter."""
    add_audit_entry(
        context.session,
        action=f"issues.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.issue.html_url,
        target_number=event.issue.number,
    )
    # The payload may be older than the issue: the flow re-reads it, so any order works.
    installation = installation_id(event.installation)
    if event.action not in CAMPAIGN_ACTIONS or context.services is None or installation is None:
        return
    on_campaign_issue(
        context.services,
        context.session,
        installation_id=installation,
        repo=event.repository.full_name,
        number=event.issue.number,
    )
