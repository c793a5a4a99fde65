"""``pull_request_review_comment``: line comments on Godwit's pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.campaigns.command_registry import Context
from bot.service.agent_tasks import on_review_comment_event
from bot.service.command_pipeline import on_command_comment
from bot.service.command_run import CommandComment
from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import PullRequestReviewCommentEvent

router = Router()


@router.register("pull_request_review_comment")
def on_review_comment(event: PullRequestReviewCommentEvent, context: EventContext) -> None:
    """Record every line comment; a new one may be a ``/migrate`` command.

    Other line comments are only recorded here.
    """
    add_audit_entry(
        context.session,
        action=f"pull_request_review_comment.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=event.comment.html_url,
        target_number=event.pull_request.number,
    )
    if event.action == "created":
        run_command(event, context)
    on_review_comment_event(context.services, context.session, event)


def run_command(event: PullRequestReviewCommentEvent, context: EventContext) -> None:
    """A ``/migrate`` command written as a line comment counts like one in the conversation."""
    installation = installation_id(event.installation)
    if context.services is None or installation is None:
        return
    user = event.comment.user
    comment = CommandComment(
        context=Context.PR,
        repo=event.repository.full_name,
        number=event.pull_request.number,
        comment_id=event.comment.id,
        author=user.login if user is not None else "",
        author_is_bot=user is None or user.type == "Bot",
        body=event.comment.body,
        installation_id=installation,
        on_review=True,
    )
    on_command_comment(context.services, context.session, comment)
