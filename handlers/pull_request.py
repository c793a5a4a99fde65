"""``pull_request``: Godwit's pull requests being merged, closed or pushed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PullRequestEvent

router = Router()


@router.register("pull_request")
def record_pull_request_event(event: PullRequestEvent, context: EventContext) -> None:
    add_audit_entry(
        context.session,
        action=f"pull_request.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.pull_request.html_url,
        target_number=event.pull_request.number,
    )
