"""One accepted ``/migrate`` command, as the handlers of ``bot.service.command_handlers`` see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaigns.command_registry import Context
from bot.campaigns.lifecycle import CampaignState
from bot.rendering import render
from bot.service.github_ops import GitHubOps
from bot.store.models import Campaign, Target

if TYPE_CHECKING:
    from bot.service.context import AppServices


@dataclass(frozen=True)
class CommandComment:
    """A comment on a campaign issue or PR, as the comment and review-comment handlers saw it.

    ``number`` is the issue's or the PR's; ``on_review`` marks a PR line comment,
    whose reactions go to another endpoint.
    """

    context: Context
    repo: str
    number: int
    comment_id: int
    author: str
    author_is_bot: bool
    body: str
    installation_id: int
    on_review: bool = False


@dataclass(frozen=True)
class CommandRun:
    """Everything a handler needs; the command's changes are committed with the comment's event.

    ``target`` is the PR's repository for a command on a campaign PR, None on
    the campaign issue; ``following`` is the campaign state the command leads to.
    """

    services: AppServices
    session: Session
    ops: GitHubOps
    campaign: Campaign
    comment: CommandComment
    target: Target | None
    following: CampaignState

    def reply(self, text: str) -> None:
        """A new comment where the command was written."""
        self.ops.comment(self.comment.repo, self.comment.number, text)

    def upsert(self, marker: str, text: str) -> None:
        """The one comment with ``marker`` where the command was written, edited in place."""
        self.ops.upsert_comment(self.comment.repo, self.comment.number, marker, text)

    def not_now(self, command: str, problem: str) -> None:
        """Why an accepted command did nothing, as a new comment."""
        self.reply(render_not_now(self.comment, command, problem))


def render_not_now(comment: CommandComment, command: str, problem: str) -> str:
    return render("campaign/not_now.md.j2", author=comment.author, command=command, problem=problem)
