"""``check_suite`` and ``check_run``: CI results on the branches Godwit pushed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from handlers.github import installation_id
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import CheckRunEvent, CheckSuiteEvent

router = Router()


@router.register("check_suite")
def record_check_suite(event: CheckSuiteEvent, context: EventContext) -> None:
    suite = event.check_suite
    add_audit_entry(
        context.session,
        action=f"check_suite.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=suite.url,
        detail=f"{suite.head_branch} {suite.head_sha} {suite.status} {suite.conclusion}",
    )


@router.register("check_run")
def record_check_run(event: CheckRunEvent, context: EventContext) -> None:
    run = event.check_run
    add_audit_entry(
        context.session,
        action=f"check_run.{event.action}",
        installation_id=installation_id(event.installation),
        repo=event.repository.full_name,
        target_url=run.html_url,
        detail=f"{run.name} {run.head_sha} {run.status} {run.conclusion}",
    )
