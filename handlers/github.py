"""Turn githubkit's webhook models into the plain values Godwit's core works with."""

from __future__ import annotations

from githubkit.typing import Missing
from githubkit_schemas.latest.models import (
    Enterprise,
    Installation,
    SimpleInstallation,
    SimpleUser,
)

from bot.store.installations import InstallationSnapshot


def account_name(account: SimpleUser | Enterprise | None) -> str:
    """A user's or organisation's login, or an enterprise's slug."""
    if isinstance(account, SimpleUser):
        return account.login
    if isinstance(account, Enterprise):
        return account.slug
    return ""


def installation_snapshot(installation: Installation) -> InstallationSnapshot:
    return InstallationSnapshot(
        id=installation.id,
        account=account_name(installation.account),
        suspended=installation.suspended_at is not None,
        updated_at=installation.updated_at,
    )


def installation_id(installation: Missing[SimpleInstallation]) -> int | None:
    """The id of the installation an event was sent for, when the payload names one."""
    return installation.id if isinstance(installation, SimpleInstallation) else None
