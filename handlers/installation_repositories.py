"""``installation_repositories``: track which repositories an installation grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.audit import add_audit_entry
from bot.store.installations import RepositoryRef, record_repository_changes
from handlers.github import installation_snapshot
from handlers.routing import EventContext, Router

if TYPE_CHECKING:  # the models load when githubkit parses the first such event
    from githubkit_schemas.latest.webhooks import InstallationRepositoriesEvent

router = Router()


@router.register("installation_repositories")
def record_repository_selection(
    event: InstallationRepositoriesEvent, context: EventContext
) -> None:
    added = [
        RepositoryRef(id=item.id, full_name=item.full_name) for item in event.repositories_added
    ]
    removed = [
        RepositoryRef(id=item.id, full_name=item.full_name)
        for item in event.repositories_removed
        if isinstance(item.id, int) and isinstance(item.full_name, str)
    ]
    row = record_repository_changes(
        context.session, installation_snapshot(event.installation), added, removed
    )
    add_audit_entry(
        context.session,
        action=f"installation_repositories.{event.action}",
        installation_id=row.id,
        detail=f"added {len(added)}, removed {len(removed)}",
    )
