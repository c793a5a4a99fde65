"""``/migrate`` commands on a campaign issue: who may run them, and what each one does.

Commands change the stored campaign and queue jobs; the jobs do the slow work
(discovery, opening PRs). An accepted command is acknowledged with a reaction
at once, and Godwit replies only when there is something to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.campaigns.batching import next_cohort
from bot.campaigns.commands import Command, CommandError, Context, parse_command, render_help
from bot.campaigns.dashboard import END, START
from bot.campaigns.events import Excluded, Included
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.permissions import (
    GROWING_COMMANDS,
    Decision,
    render_refusal,
    render_unauthorised,
)
from bot.campaigns.residual import WAREHOUSE, Waiver, WaiverError, add_waiver
from bot.campaigns.scope import apply_scope_command
from bot.rendering import render
from bot.service.campaigns import plan
from bot.service.completion import complete_if_done
from bot.service.dashboard import render_campaign_dashboard, request_dashboard_refresh
from bot.service.github_ops import GitHubOps
from bot.service.pr_commands import cancel_campaign, exclusion_reason
from bot.service.usage import warehouse_waiver_problem
from bot.store.audit import add_audit_entry
from bot.store.campaigns import (
    facts_of,
    get_campaign,
    get_target,
    list_targets,
    record_event,
    spec_of,
)
from bot.store.models import Campaign
from bot.store.residual import residual_of_target, store_waivers, waivers_of

if TYPE_CHECKING:
    from bot.service.context import AppServices

AUTHOR_REFUSED_MARKER = "<!-- godwit:author-refused -->"
HELP_MARKER = "<!-- godwit:help -->"
STATUS_MARKER = "<!-- godwit:status -->"


@dataclass(frozen=True)
class IssueComment:
    """A comment on a campaign issue, as the ``issue_comment`` handler saw it."""

    repo: str
    issue_number: int
    comment_id: int
    author: str
    author_is_bot: bool
    body: str
    installation_id: int


def on_issue_comment(services: AppServices, session: Session, comment: IssueComment) -> bool:
    """Handle a command on a campaign issue; False when the comment is not for Godwit."""
    parsed = parse_command(comment.body, Context.ISSUE)
    campaign = get_campaign(session, comment.repo, comment.issue_number)
    if parsed is None or campaign is None:
        return False
    if comment.author_is_bot or comment.author.lower() == services.bot_login.lower():
        return True
    ops = services.ops(session, comment.installation_id)
    authority = services.authority(ops)
    decision = authority.command(comment.repo, comment.author, comment.author_is_bot, on_issue=True)
    name = parsed.name if isinstance(parsed, Command) else "help"
    # The campaign runs its author's YAML: what grows it needs that author's right, now.
    stale_author = (
        decision is Decision.ACCEPT
        and name in GROWING_COMMANDS
        and not authority.runs_campaign(campaign.repo, campaign.author)
    )
    add_audit_entry(
        session,
        action=f"command.{Decision.REFUSE.value if stale_author else decision.value}",
        installation_id=comment.installation_id,
        repo=comment.repo,
        target_number=comment.issue_number,
        detail=comment.body.strip().splitlines()[0][:200],
    )
    if decision is Decision.IGNORE:
        return True
    if decision is Decision.REFUSE:
        refusal = render_refusal(comment.author, f"/migrate {name}", on_issue=True)
        ops.comment(comment.repo, comment.issue_number, refusal)
        return True
    if stale_author:
        text = render_unauthorised(
            campaign.author, campaign.repo, marker=AUTHOR_REFUSED_MARKER, command=name
        )
        ops.comment(comment.repo, comment.issue_number, text)
        return True
    ops.acknowledge(comment.repo, comment.issue_number, comment.comment_id)
    if isinstance(parsed, CommandError):
        ops.upsert_comment(comment.repo, comment.issue_number, HELP_MARKER, parsed.render())
        return True
    IssueCommandRun(services, session, ops, campaign, comment).run(parsed)
    return True


@dataclass(frozen=True)
class IssueCommandRun:
    """One accepted command: it changes the stored campaign, jobs start once that is committed."""

    services: AppServices
    session: Session
    ops: GitHubOps
    campaign: Campaign
    comment: IssueComment

    def run(self, command: Command) -> None:
        try:
            following = campaign_transition(CampaignState(self.campaign.state), command.name)
        except TransitionError as refused:
            self._reply_not_now(command, str(refused))
            return
        match command.name:
            case "plan":
                plan(self.services, self.session, self.campaign)
            case "start":
                self.campaign.batch_size = command.batch
                self.campaign.state = following.value
                self.open_cohort(command.batch)
            case "pause":
                self.campaign.state = following.value
            case "resume":
                self.campaign.state = following.value
                self.open_cohort(self.campaign.batch_size)
            case "exclude" | "include":
                self.change_scope(command)
            case "waive":
                self.waive(command)
            case "status":
                self.status()
            case "cancel":
                self.campaign.state = following.value
                cancel_campaign(
                    self.services,
                    self.session,
                    self.campaign,
                    installation_id=self.comment.installation_id,
                )
            case "help":
                help_text = render_help(Context.ISSUE)
                self.ops.upsert_comment(
                    self.campaign.repo, self.campaign.issue_number, HELP_MARKER, help_text
                )
        request_dashboard_refresh(self.services, self.session, self.campaign)

    def open_cohort(self, batch: int | None) -> None:
        """Queue a PR job per repository of the next cohort, once this command is stored."""
        targets = [facts_of(t) for t in list_targets(self.session, self.campaign)]
        cohort = next_cohort(
            spec_of(self.campaign), targets, batch=batch, overrides=self.campaign.overrides
        )
        pk, jobs = self.campaign.id, self.services.jobs
        for repo in cohort:
            jobs.open_pull_request(pk, repo, session=self.session)

    def change_scope(self, command: Command) -> None:
        self.campaign.overrides = apply_scope_command(self.campaign.overrides, command)
        now = self.services.now()
        unknown = False
        for repo in command.repos:
            target = get_target(self.session, self.campaign, repo)
            if target is None:
                unknown = True
                continue
            event = (
                Excluded(now, exclusion_reason(self.comment.author))
                if command.name == "exclude"
                else Included(now)
            )
            record_event(target, event)
        if command.name == "include" and unknown:
            plan(self.services, self.session, self.campaign)

    def waive(self, command: Command) -> None:
        """Let a residual reference stay, with the reason shown wherever readiness is shown."""
        repo, path = command.repos[0], command.path
        target = get_target(self.session, self.campaign, repo)
        problem = None
        if repo == WAREHOUSE:
            problem = warehouse_waiver_problem(self.campaign, path)
        elif target is None:
            problem = f"`{repo}` is not a repository of this campaign"
        elif path is not None and not any(r.path == path for r in residual_of_target(target)):
            problem = (
                f"nothing in `{repo}:{path}` reads the old tables, so there is nothing to waive"
            )
        if problem is None:
            waiver = Waiver(
                repo.lower(), path, command.reason or "", self.comment.author, self.services.now()
            )
            try:
                store_waivers(self.campaign, add_waiver(waivers_of(self.campaign), waiver))
            except WaiverError as error:
                problem = str(error)
        if problem is not None:
            self._reply_not_now(command, problem)
            return
        add_audit_entry(
            self.session,
            action="campaign.waived",
            installation_id=self.comment.installation_id,
            repo=self.campaign.repo,
            target_number=self.campaign.issue_number,
            detail=f"{waiver.scope}: {waiver.reason}"[:500],
        )
        complete_if_done(self.services, self.session, self.campaign)

    def status(self) -> None:
        dashboard = render_campaign_dashboard(self.services, self.session, self.campaign)
        inner = dashboard.replace(START, "").replace(END, "").strip()
        text = render("campaign/status.md.j2", marker=STATUS_MARKER, dashboard=inner)
        self.ops.upsert_comment(self.campaign.repo, self.campaign.issue_number, STATUS_MARKER, text)

    def _reply_not_now(self, command: Command, problem: str) -> None:
        text = render(
            "campaign/not_now.md.j2",
            author=self.comment.author,
            command=command.name,
            problem=problem,
        )
        self.ops.comment(self.campaign.repo, self.campaign.issue_number, text)
