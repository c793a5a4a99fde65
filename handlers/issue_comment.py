"""``issue_comment``: commands and answers posted on campaign issues and pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.campaigns.command_registry import Context
from bot.service.command_pipeline import on_command_comment
from bot.service.command_run import CommandComment
from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import IssueCommentEvent
    from sqlalchemy.orm import Session

    from bot.service.context import AppServices

router = Router()


@router.register("issue_comment")
def on_issue_comment_event(event: IssueCommentEvent, context: EventContext) -> None:
    """Record every comment event; a new comment may be a command for Godwit."""
    add_audit_entry(
        context.session,
        action=f"issue_comment.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.comment.html_url,
        target_number=event.issue.number,
    )
    installation = installation_id(event.installation)
    if event.action != "created" or context.services is None or installation is None:
        return
    run_command(event, context.services, context.session, installation)


def run_command(
    event: IssueCommentEvent, services: AppServices, session: Session, installation: int
) -> None:
    """Comments on a PR and on an issue go through the same command pipeline."""
    user = event.comment.user
    comment = CommandComment(
        context=Context.PR if event.issue.pull_request else Context.ISSUE,
        repo=event.repository.full_name,
        number=event.issue.number,
        comment_id=event.comment.id,
        author=user.login if user is not None else "",
        author_is_bot=user is None or user.type == "Bot",
        body=event.comment.body,
        installation_id=installation,
    )
    on_command_comment(services, session, comment)
