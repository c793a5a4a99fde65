"""What each ``/migrate`` command does, one function per command of the registry.

A handler runs only after the pipeline (``bot.service.command_pipeline``) has
parsed the command, checked who wrote it, audited it, checked the campaign's
state and acknowledged it. It changes the stored campaign and owes jobs in the
same transaction; the jobs do the slow work once that commits. Every handler
answers or has an effect people see: a reply, a dashboard change, PRs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from bot.campaigns.batching import next_cohort
from bot.campaigns.command_registry import Command
from bot.campaigns.commands import HELP_MARKER, render_help
from bot.campaigns.dashboard import END, START
from bot.campaigns.events import Excluded, Included, Retried
from bot.campaigns.residual import WAREHOUSE, Waiver, WaiverError, add_waiver
from bot.campaigns.scope import apply_scope_command
from bot.campaigns.states import RepoState
from bot.rendering import render
from bot.service.campaigns import plan
from bot.service.command_run import CommandRun
from bot.service.completion import complete_if_done
from bot.service.dashboard import render_campaign_dashboard
from bot.service.pr_commands import PrCommandRun, cancel_campaign, exclusion_reason
from bot.service.usage import warehouse_waiver_problem
from bot.store.audit import add_audit_entry
from bot.store.campaigns import facts_of, get_target, list_targets, record_event, spec_of
from bot.store.residual import residual_of_target, store_waivers, waivers_of

STATUS_MARKER = "<!-- godwit:status -->"
MAX_LISTED = 20
"""Repositories named in one reply; the rest are counted."""

Handler = Callable[[CommandRun, Command], None]
_HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    """Register the function as what ``/migrate NAME`` does."""

    def register(handler: Handler) -> Handler:
        if name in _HANDLERS:
            raise ValueError(f"two handlers for /migrate {name}")
        _HANDLERS[name] = handler
        return handler

    return register


@handles("plan")
def plan_again(run: CommandRun, command: Command) -> None:
    plan(run.services, run.session, run.campaign)


@handles("start")
def start(run: CommandRun, command: Command) -> None:
    run.campaign.batch_size = command.batch
    run.campaign.state = run.following.value
    _open_cohort(run, command.batch)


@handles("pause")
def pause(run: CommandRun, command: Command) -> None:
    run.campaign.state = run.following.value


@handles("resume")
def resume(run: CommandRun, command: Command) -> None:
    run.campaign.state = run.following.value
    _open_cohort(run, run.campaign.batch_size)


def _open_cohort(run: CommandRun, batch: int | None) -> None:
    """Queue a PR job per repository of the next cohort, once this command is stored."""
    targets = [facts_of(t) for t in list_targets(run.session, run.campaign)]
    cohort = next_cohort(
        spec_of(run.campaign), targets, batch=batch, overrides=run.campaign.overrides
    )
    for repo in cohort:
        run.services.jobs.open_pull_request(run.campaign.id, repo, session=run.session)


@handles("retry-failed")
def retry_failed(run: CommandRun, command: Command) -> None:
    """Queue again the PR job of every failed repository; the job reads it afresh and plans it.

    A repository discovery could not read fails the same way as one whose PR
    could not be opened, and the PR job reads the repository itself, so one
    job covers both. A repository that fails again shows as failed again.
    """
    now = run.services.now()
    failed = [
        target
        for target in list_targets(run.session, run.campaign)
        if facts_of(target).state is RepoState.FAILED
    ]
    reasons = {target.repo: facts_of(target).reason for target in failed}
    jobs = run.services.jobs
    for target in failed:
        record_event(target, Retried(now))
        jobs.open_pull_request(run.campaign.id, target.repo, session=run.session)
        # What still reads the old tables there is known again only once it is read again.
        jobs.rescan_repository(run.campaign.id, target.repo, session=run.session)
    listed = sorted(reasons)[:MAX_LISTED]
    run.reply(
        render(
            "campaign/retried.md.j2",
            author=run.comment.author,
            repos=[(repo, reasons[repo]) for repo in listed],
            unlisted=len(reasons) - len(listed),
        )
    )


@handles("exclude")
@handles("include")
def change_scope(run: CommandRun, command: Command) -> None:
    """Exclude or include repositories; names the campaign does not know are said, not ignored."""
    unknown = [
        repo for repo in command.repos if get_target(run.session, run.campaign, repo) is None
    ]
    if command.name == "exclude":
        known = tuple(repo for repo in command.repos if repo not in unknown)
        command = Command(command.name, command.context, repos=known)
    run.campaign.overrides = apply_scope_command(run.campaign.overrides, command)
    now = run.services.now()
    for repo in command.repos:
        target = get_target(run.session, run.campaign, repo)
        if target is None:
            continue
        event = (
            Excluded(now, exclusion_reason(run.comment.author))
            if command.name == "exclude"
            else Included(now)
        )
        record_event(target, event)
    if command.name == "include" and unknown:
        plan(run.services, run.session, run.campaign)
    elif unknown:
        run.reply(
            render(
                "campaign/not_in_scope.md.j2",
                author=run.comment.author,
                unknown=unknown[:MAX_LISTED],
                unlisted=max(len(unknown) - MAX_LISTED, 0),
                excluded=command.repos,
            )
        )


@handles("waive")
def waive(run: CommandRun, command: Command) -> None:
    """Let a residual reference stay, with the reason shown wherever readiness is shown."""
    repo, path = command.repos[0], command.path
    target = get_target(run.session, run.campaign, repo)
    problem = None
    if repo == WAREHOUSE:
        problem = warehouse_waiver_problem(run.campaign, path)
    elif target is None:
        problem = f"`{repo}` is not a repository of this campaign"
    elif path is not None and not any(r.path == path for r in residual_of_target(target)):
        problem = f"nothing in `{repo}:{path}` reads the old tables, so there is nothing to waive"
    if problem is None:
        waiver = Waiver(
            repo.lower(), path, command.reason or "", run.comment.author, run.services.now()
        )
        try:
            store_waivers(run.campaign, add_waiver(waivers_of(run.campaign), waiver))
        except WaiverError as error:
            problem = str(error)
    if problem is not None:
        run.not_now(command.name, problem)
        return
    add_audit_entry(
        run.session,
        action="campaign.waived",
        installation_id=run.comment.installation_id,
        repo=run.campaign.repo,
        target_number=run.campaign.issue_number,
        detail=f"{waiver.scope}: {waiver.reason}"[:500],
    )
    complete_if_done(run.services, run.session, run.campaign)


@handles("status")
def status(run: CommandRun, command: Command) -> None:
    dashboard = render_campaign_dashboard(run.services, run.session, run.campaign)
    inner = dashboard.replace(START, "").replace(END, "").strip()
    run.upsert(
        STATUS_MARKER, render("campaign/status.md.j2", marker=STATUS_MARKER, dashboard=inner)
    )


@handles("cancel")
def cancel(run: CommandRun, command: Command) -> None:
    run.campaign.state = run.following.value
    cancel_campaign(
        run.services, run.session, run.campaign, installation_id=run.comment.installation_id
    )


@handles("help")
def show_help(run: CommandRun, command: Command) -> None:
    run.upsert(HELP_MARKER, render_help(command.context))


def _on_pr(run: CommandRun) -> PrCommandRun:
    if run.target is None:  # the registry keeps these commands to PRs
        raise ValueError("a pull request command ran without its pull request")
    return PrCommandRun(run.services, run.session, run.ops, run.campaign, run.target, run.comment)


@handles("rerun")
def rerun(run: CommandRun, command: Command) -> None:
    _on_pr(run).regenerate(replay=False, force=command.force)


@handles("rebase")
def rebase(run: CommandRun, command: Command) -> None:
    _on_pr(run).regenerate(replay=True, force=command.force)


@handles("skip")
def skip(run: CommandRun, command: Command) -> None:
    _on_pr(run).skip(command.reason)


@handles("explain")
def explain(run: CommandRun, command: Command) -> None:
    _on_pr(run).explain()


HANDLERS: Mapping[str, Handler] = MappingProxyType(_HANDLERS)
"""Command name → handler; a test checks it against the registry, name for name."""
