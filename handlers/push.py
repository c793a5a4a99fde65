"""``push``: new commits on a repository's branches (a target's base may have moved)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PushEvent

router = Router()


@router.register("push")
def record_push(event: PushEvent, context: EventContext) -> None:
    add_audit_entry(
        context.session,
        action="push",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.compare,
        detail=f"{event.ref} {event.before} -> {event.after}",
    )
