"""``issue_comment``: commands and answers posted on campaign issues and pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.commands import IssueComment, on_issue_comment
from bot.service.pr_commands import PrComment, on_pr_comment
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
    """Comments on a PR go to the PR commands, comments on an issue to the campaign's."""
    user = event.comment.user
    author = user.login if user is not None else ""
    is_bot = user is None or user.type == "Bot"
    if event.issue.pull_request:
        pr_comment = PrComment(
            repo=event.repository.full_name,
            pr_number=event.issue.number,
            comment_id=event.comment.id,
            author=author,
            author_is_bot=is_bot,
            body=event.comment.body,
            installation_id=installation,
        )
        on_pr_comment(services, session, pr_comment)
        return
    comment = IssueComment(
        repo=event.repository.full_name,
        issue_number=event.issue.number,
        comment_id=event.comment.id,
        author=author,
        author_is_bot=is_bot,
        body=event.comment.body,
        installation_id=installation,
    )
    on_issue_comment(services, session, comment)
