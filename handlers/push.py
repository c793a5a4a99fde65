"""``push``: new commits on a repository's branches (a target's base may have moved)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.campaigns.states import OPEN, RepoState
from bot.service.residual import request_rescan
from bot.service.tracking import track
from bot.store.audit import add_audit_entry
from bot.store.tracking import targets_in_unfinished_campaigns, targets_with_pull_requests
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PushEvent

router = Router()


@router.register("push")
def on_push(event: PushEvent, context: EventContext) -> None:
    """Record the push; one to the default branch leaves open campaign PRs there out of date,
    and may add or remove readers of an old table, so each target there is scanned again."""
    add_audit_entry(
        context.session,
        action="push",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.compare,
        detail=f"{event.ref} {event.before} -> {event.after}",
    )
    if context.services is None or event.ref != f"refs/heads/{event.repository.default_branch}":
        return
    for target in targets_with_pull_requests(context.session, event.repository.full_name):
        if RepoState(target.state) in OPEN:
            track(context.services, context.session, target)
    for target in targets_in_unfinished_campaigns(context.session, event.repository.full_name):
        request_rescan(context.services, context.session, target)
