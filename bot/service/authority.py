"""Ask GitHub what the permission decisions of ``bot.campaigns.permissions`` need, once each.

Permissions change, so they are read when a decision is made and never kept
beyond one piece of work (one webhook delivery or one reconcile run).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.campaigns.permissions import (
    Decision,
    is_bot,
    may_command,
    may_run_campaign,
    needs_permission,
)
from bot.service.github_ops import GitHubOps


@dataclass
class Authority:
    """Permission decisions for one installation; each (repository, login) is asked once."""

    ops: GitHubOps
    campaign_authors: frozenset[str]
    _known: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def permission(self, repo: str, login: str) -> str | None:
        key = (repo.lower(), login.lower())
        if key not in self._known:
            self._known[key] = self.ops.permission(repo, login)
        return self._known[key]

    def runs_campaign(self, repo: str, author: str | None, *, bot: bool = False) -> bool:
        """May ``author`` run the campaign whose issue is in ``repo`` (``may_run_campaign``)?"""
        bot = bot or (author is not None and is_bot(author, False))
        permission = (
            self.permission(repo, author)
            if author and needs_permission(author, bot, self.campaign_authors)
            else None
        )
        return may_run_campaign(author, bot, permission, self.campaign_authors)

    def command(self, repo: str, login: str, bot_account: bool, *, on_issue: bool) -> Decision:
        """Whether to obey ``login`` on ``repo``; the allow-list counts on campaign issues only."""
        bot = is_bot(login, bot_account)
        authors = self.campaign_authors if on_issue else frozenset()
        permission = self.permission(repo, login) if needs_permission(login, bot, authors) else None
        return may_command(login, bot, permission, authors)
