"""Who may run a campaign and who may command one: pure decisions the I/O layer acts on.

Godwit writes to every repository of an installation, so a campaign is run
only for people the organisation already trusts with code: those who may push
to the repository that hosts the campaign issue, and the logins the operators
list in ``GODWIT_CAMPAIGN_AUTHORS``. A command on a campaign PR is obeyed only
from people who may push to *that* repository: writing a campaign grants
nothing in repositories where its author could not push.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.campaigns.command_registry import growing_commands
from bot.rendering import render

WRITE_PERMISSIONS = frozenset({"write", "maintain", "admin"})
"""Repository permissions (``GET /repos/{o}/{r}/collaborators/{u}/permission``) that may push.

GitHub reports ``maintain`` as ``write`` and ``triage`` as ``read`` in ``permission``;
both spellings are covered, and ``triage`` never counts.
"""

# An accepted command is acknowledged with this reaction on the comment, not with a reply.
ACKNOWLEDGEMENT = "+1"

GROWING_COMMANDS = growing_commands()
"""Campaign-issue commands that make Godwit read or write more repositories.

They run the campaign's YAML, which its author wrote, so they are refused once
its author may no longer run campaigns; the others (pause, exclude, cancel,
status, help) only stop or report and stay available to whoever may command.
Each command's entry in the registry says which kind it is.
"""


class Decision(StrEnum):
    ACCEPT = "accept"  # run it, acknowledge with a reaction
    REFUSE = "refuse"  # answer politely, run nothing
    IGNORE = "ignore"  # say nothing: bots talking to bots loop forever


def is_bot(login: str, is_bot_account: bool) -> bool:
    """Accounts of type Bot; a login ending in ``[bot]`` is a bot too."""
    return is_bot_account or login.lower().endswith("[bot]")


def may_write(permission: str | None) -> bool:
    return permission is not None and permission.lower() in WRITE_PERMISSIONS


def campaign_authors(logins: Iterable[str]) -> frozenset[str]:
    """The operators' allow-list as Godwit compares it: logins are case-insensitive."""
    return frozenset(login.strip().lower() for login in logins if login.strip())


def listed(login: str | None, authors: frozenset[str]) -> bool:
    """True for a login on the operators' allow-list (``campaign_authors``)."""
    return login is not None and login.lower() in authors


def needs_permission(login: str | None, bot: bool, authors: frozenset[str]) -> bool:
    """Whether the decision depends on the person's permission, i.e. is worth a request.

    Nobody, listed people and bots are decided without asking GitHub: bots cannot
    be collaborators, and the allow-list does not depend on the repository.
    """
    return bool(login) and not listed(login, authors) and not bot


def may_run_campaign(
    author: str | None, bot: bool, permission: str | None, authors: frozenset[str]
) -> bool:
    """A campaign runs only for a listed author or one who may push to the issue's repository.

    ``permission`` is the author's on the repository hosting the campaign issue
    (``None`` when unknown or without access). A bot runs a campaign only when
    the operators list it.
    """
    if not author:
        return False
    if listed(author, authors):
        return True
    return not bot and may_write(permission)


def may_command(
    author: str, bot: bool, permission: str | None, authors: frozenset[str] = frozenset()
) -> Decision:
    """Obey whoever may push to the repository the comment is on; ignore bots.

    ``authors`` is the allow-list, passed for comments on a campaign issue only:
    there the people who may run campaigns may command them too. On a campaign
    PR it is empty, so only people with write access to that repository count,
    whoever wrote the campaign.
    """
    if is_bot(author, bot):
        return Decision.IGNORE
    if listed(author, authors) or may_write(permission):
        return Decision.ACCEPT
    return Decision.REFUSE


def render_refusal(author: str, command: str, *, on_issue: bool) -> str:
    """The answer to someone Godwit does not obey; it names who may, never mentions them."""
    return render("campaign/refusal.md.j2", author=author, command=command, on_issue=on_issue)


def render_unauthorised(
    author: str | None, repo: str, *, marker: str, command: str | None = None
) -> str:
    """Why Godwit does not run a campaign (``command`` is the one refused, if any)."""
    return render(
        "campaign/unauthorised.md.j2",
        marker=marker,
        author=author or "an unknown account",
        repo=repo,
        command=command,
    )
