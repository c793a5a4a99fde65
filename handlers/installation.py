"""``installation``: keep the installations table in step with GitHub."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from bot.store.installations import RepositoryRef, record_deletion, record_installation
from handlers.github import installation_snapshot
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.models import (
        WebhookInstallationCreated,
        WebhookInstallationDeleted,
        WebhookInstallationNewPermissionsAccepted,
        WebhookInstallationSuspend,
        WebhookInstallationUnsuspend,
    )

router = Router()


@router.register("installation", "created")
@router.register("installation", "new_permissions_accepted")
def record_new_installation(
    event: WebhookInstallationCreated | WebhookInstallationNewPermissionsAccepted,
    context: EventContext,
) -> None:
    repositories = [
        RepositoryRef(id=repository.id, full_name=repository.full_name)
        for repository in event.repositories or []
    ]
    row = record_installation(
        context.session, installation_snapshot(event.installation), repositories
    )
    add_audit_entry(
        context.session,
        action=f"installation.{event.action}",
        installation_id=row.id,
        target_url=event.installation.html_url,
        detail=f"account {row.account}, {len(repositories)} repositories",
    )


@router.register("installation", "suspend")
@router.register("installation", "unsuspend")
def record_suspension(
    event: WebhookInstallationSuspend | WebhookInstallationUnsuspend, context: EventContext
) -> None:
    row = record_installation(context.session, installation_snapshot(event.installation))
    add_audit_entry(
        context.session,
        action=f"installation.{event.action}",
        installation_id=row.id,
        target_url=event.installation.html_url,
    )


@router.register("installation", "deleted")
def forget_installation(event: WebhookInstallationDeleted, context: EventContext) -> None:
    row = record_deletion(context.session, installation_snapshot(event.installation))
    add_audit_entry(
        context.session,
        action="installation.deleted",
        installation_id=row.id,
        target_url=event.installation.html_url,
    )
