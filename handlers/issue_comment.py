"""``issue_comment``: commands and answers posted on campaign issues and pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import IssueCommentEvent

router = Router()


@router.register("issue_comment")
def record_issue_comment(event: IssueCommentEvent, context: EventContext) -> None:
    add_audit_entry(
        context.session,
        action=f"issue_comment.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.comment.html_url,
        target_number=event.issue.number,
    )
