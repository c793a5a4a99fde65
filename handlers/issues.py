"""``issues``: campaign issues are opened, edited and closed here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import IssuesEvent

router = Router()


@router.register("issues")
def record_issue_event(event: IssuesEvent, context: EventContext) -> None:
    add_audit_entry(
        context.session,
        action=f"issues.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.issue.html_url,
        target_number=event.issue.number,
    )
