"""One pipeline for every ``/migrate`` comment, on the campaign issue and on its PRs.

parse → find the campaign → permission → audit → campaign state → react → run.
Each step that stops the command answers where it was written, so nobody is
left guessing: a refusal, the help with what was not understood (a new
comment each time), or why the command does not apply now. The 👍 reaction
means exactly "accepted and running": it is added only to a valid command
from someone Godwit obeys, in a campaign state where it applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaigns.command_registry import PREFIX, Command, Context, find_command
from bot.campaigns.commands import CommandError, parse_command
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.permissions import Decision, render_refusal, render_unauthorised
from bot.service.command_handlers import HANDLERS
from bot.service.command_run import CommandComment, CommandRun, render_not_now
from bot.service.dashboard import request_dashboard_refresh
from bot.service.github_ops import GitHubOps
from bot.store.audit import add_audit_entry
from bot.store.campaigns import campaign_by_pk, get_campaign, target_by_pr
from bot.store.models import Campaign, Target

if TYPE_CHECKING:
    from bot.service.context import AppServices

AUTHOR_REFUSED_MARKER = "<!-- godwit:author-refused -->"


def on_command_comment(services: AppServices, session: Session, comment: CommandComment) -> bool:
    """Handle a ``/migrate`` comment; False when it is not for Godwit (no command, no campaign)."""
    parsed = parse_command(comment.body, comment.context)
    if parsed is None:
        return False
    found = _campaign_of(session, comment)
    if found is None:
        return False
    campaign, target = found
    if comment.author_is_bot or comment.author.lower() == services.bot_login.lower():
        return True  # bots talking to bots loop forever
    ops = services.ops(session, comment.installation_id)
    decision, author_refused = _decide(services, ops, campaign, comment, parsed)
    add_audit_entry(
        session,
        action=f"command.{decision.value}",
        installation_id=comment.installation_id,
        repo=comment.repo,
        target_number=comment.number,
        detail=comment.body.strip().splitlines()[0][:200],
    )
    if decision is Decision.IGNORE:
        return True
    if decision is Decision.REFUSE:
        ops.comment(
            comment.repo, comment.number, _refusal(campaign, comment, parsed, author_refused)
        )
        return True
    if isinstance(parsed, CommandError):
        ops.comment(comment.repo, comment.number, parsed.render())
        return True
    try:
        following = campaign_transition(CampaignState(campaign.state), parsed.name)
    except TransitionError as refused:
        ops.comment(
            comment.repo, comment.number, render_not_now(comment, parsed.name, str(refused))
        )
        return True
    ops.acknowledge(
        comment.repo, comment.number, comment.comment_id, review_comment=comment.on_review
    )
    HANDLERS[parsed.name](
        CommandRun(services, session, ops, campaign, comment, target, following), parsed
    )
    request_dashboard_refresh(services, session, campaign)
    return True


def _campaign_of(
    session: Session, comment: CommandComment
) -> tuple[Campaign, Target | None] | None:
    """The campaign the comment is about: its issue, or the campaign of the PR's repository."""
    if comment.context is Context.ISSUE:
        campaign = get_campaign(session, comment.repo, comment.number)
        return None if campaign is None else (campaign, None)
    target = target_by_pr(session, comment.repo, comment.number)
    campaign = campaign_by_pk(session, target.campaign_id) if target is not None else None
    return None if campaign is None or target is None else (campaign, target)


def _decide(
    services: AppServices,
    ops: GitHubOps,
    campaign: Campaign,
    comment: CommandComment,
    parsed: Command | CommandError,
) -> tuple[Decision, bool]:
    """Obeyed, refused or ignored, and whether the refusal is the campaign author's.

    On a campaign PR only write access to that PR's repository counts, not
    having written the campaign. On the issue a growing command also needs the
    campaign's author to be allowed to run campaigns, now: it runs their YAML.
    """
    authority = services.authority(ops)
    on_issue = comment.context is Context.ISSUE
    decision = authority.command(
        comment.repo, comment.author, comment.author_is_bot, on_issue=on_issue
    )
    if decision is not Decision.ACCEPT or not isinstance(parsed, Command) or not on_issue:
        return decision, False
    entry = find_command(parsed.name)
    grows = entry is not None and entry.grows
    if grows and not authority.runs_campaign(campaign.repo, campaign.author):
        return Decision.REFUSE, True
    return decision, False


def _refusal(
    campaign: Campaign,
    comment: CommandComment,
    parsed: Command | CommandError,
    author_refused: bool,
) -> str:
    """Why nothing ran: the commenter may not command, or the campaign's author may not run it."""
    name = parsed.name if isinstance(parsed, Command) else None
    if author_refused and name is not None:
        return render_unauthorised(
            campaign.author, campaign.repo, marker=AUTHOR_REFUSED_MARKER, command=name
        )
    written = f"{PREFIX} {name}" if name is not None else PREFIX
    return render_refusal(comment.author, written, on_issue=comment.context is Context.ISSUE)
