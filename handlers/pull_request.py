"""``pull_request``: Godwit's pull requests being merged, closed, reopened or pushed to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.tracking import track
from bot.store.audit import add_audit_entry
from bot.store.campaigns import target_by_pr
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PullRequestEvent

router = Router()

# Other actions (labels, edits, opened and reviewers requested by Godwit itself) tell
# Godwit nothing it does not know already.
TRACKED_ACTIONS = frozenset({"closed", "reopened", "synchronize"})


@router.register("pull_request")
def on_pull_request_event(event: PullRequestEvent, context: EventContext) -> None:
    """Record the event; for a campaign PR, re-read it: payloads arrive in any order."""
    add_audit_entry(
        context.session,
        action=f"pull_request.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.pull_request.html_url,
        target_number=event.pull_request.number,
    )
    if context.services is None or event.action not in TRACKED_ACTIONS:
        return
    target = target_by_pr(context.session, event.repository.full_name, event.pull_request.number)
    if target is not None:
        track(context.services, context.session, target)
