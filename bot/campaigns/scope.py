"""Which repositories a campaign covers: its globs, then what commands changed.

GitHub treats ``owner/name`` case-insensitively, so the globs do too, with
``fnmatch`` semantics: the campaign validator only accepts ``owner/name``-shaped
globs, so ``*`` never has to tell the owner from the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

from bot.campaigns.commands import Command
from bot.spec import Campaign

# Repository (lower-case ``owner/name``) → True when ``/migrate include`` named it
# last, False when ``/migrate exclude`` did. Later commands override earlier ones.
Overrides = Mapping[str, bool]


def matches(full_name: str, globs: Iterable[str]) -> bool:
    name = full_name.lower()
    return any(fnmatchcase(name, glob.lower()) for glob in globs)


def in_scope(campaign: Campaign, full_name: str, overrides: Overrides | None = None) -> bool:
    """A command naming the repository wins over the campaign's globs."""
    override = (overrides or {}).get(full_name.lower())
    if override is not None:
        return override
    return matches(full_name, campaign.scope.repos) and not matches(
        full_name, campaign.scope.exclude
    )


def apply_scope_command(overrides: Overrides, command: Command) -> dict[str, bool]:
    """The overrides after an ``exclude`` or ``include`` command (others change nothing)."""
    updated = dict(overrides)
    if command.name in {"exclude", "include"}:
        for repo in command.repos:
            updated[repo.lower()] = command.name == "include"
    return updated
