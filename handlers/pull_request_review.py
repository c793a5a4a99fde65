"""``pull_request_review``: reviews on Godwit's pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.agent_tasks import on_review_event
from bot.service.tracking import track
from bot.store.audit import add_audit_entry
from bot.store.campaigns import target_by_pr
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PullRequestReviewEvent

router = Router()


@router.register("pull_request_review")
def on_review(event: PullRequestReviewEvent, context: EventContext) -> None:
    """Record the review; every reviewer's latest verdict is then re-read from GitHub."""
    add_audit_entry(
        context.session,
        action=f"pull_request_review.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.review.html_url,
        target_number=event.pull_request.number,
    )
    if context.services is None:
        return
    target = target_by_pr(context.session, event.repository.full_name, event.pull_request.number)
    if target is not None:
        track(context.services, context.session, target)
    on_review_event(context.services, context.session, event)
