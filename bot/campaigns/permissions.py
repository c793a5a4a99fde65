"""Who may command a campaign: a pure decision the webhook handler acts on."""

from __future__ import annotations

from enum import StrEnum

from bot.rendering import render

# Repository permissions (GET /repos/{o}/{r}/collaborators/{u}/permission) that may push.
_MAY_WRITE = frozenset({"write", "maintain", "admin"})


# An accepted command is acknowledged with this reaction on the comment, not with a reply.
ACKNOWLEDGEMENT = "+1"


class Decision(StrEnum):
    ACCEPT = "accept"  # run it, acknowledge with a reaction
    REFUSE = "refuse"  # answer politely, run nothing
    IGNORE = "ignore"  # say nothing: bots talking to bots loop forever


def may_command(author: str, issue_author: str, permission: str | None, is_bot: bool) -> Decision:
    """The campaign's author and anyone who may push to its repository are obeyed.

    ``is_bot`` covers accounts of type Bot; a login ending in ``[bot]`` is a bot too.
    """
    if is_bot or author.lower().endswith("[bot]"):
        return Decision.IGNORE
    if author.lower() == issue_author.lower():
        return Decision.ACCEPT
    if permission is not None and permission.lower() in _MAY_WRITE:
        return Decision.ACCEPT
    return Decision.REFUSE


def render_refusal(author: str, command: str, issue_author: str) -> str:
    return render(
        "campaign/refusal.md.j2", author=author, command=command, issue_author=issue_author
    )
