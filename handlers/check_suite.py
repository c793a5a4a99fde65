"""``check_suite`` and ``check_run``: CI results on the branches Godwit pushed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.agent_tasks import on_check_suite_event
from bot.service.tracking import track
from bot.store.audit import add_audit_entry
from bot.store.tracking import targets_at_head
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import CheckRunEvent, CheckSuiteEvent

router = Router()


@router.register("check_suite")
def on_check_suite(event: CheckSuiteEvent, context: EventContext) -> None:
    suite = event.check_suite
    add_audit_entry(
        context.session,
        action=f"check_suite.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=suite.url,
        detail=f"{suite.head_branch} {suite.head_sha} {suite.status} {suite.conclusion}",
    )
    if event.action == "completed":
        _track_head(event.repository.full_name, suite.head_sha, context)
    on_check_suite_event(context.services, context.session, event)


@router.register("check_run")
def on_check_run(event: CheckRunEvent, context: EventContext) -> None:
    run = event.check_run
    add_audit_entry(
        context.session,
        action=f"check_run.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=run.html_url,
        detail=f"{run.name} {run.head_sha} {run.status} {run.conclusion}",
    )
    if event.action == "completed":
        _track_head(event.repository.full_name, run.head_sha, context)


def _track_head(repo: str, head_sha: str, context: EventContext) -> None:
    """Check results count for the PR whose branch is at the commit they ran on."""
    if context.services is None:
        return
    for target in targets_at_head(context.session, repo, head_sha):
        track(context.services, context.session, target)
