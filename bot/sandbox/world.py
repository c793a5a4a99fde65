"""The sandbox's services in one place: state, body shapes, auth, webhooks, faults and limits.

Routes and the person API both act through a ``World``, so an action has the same effects
and sends the same webhooks whether the app or a simulated person performs it.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.auth import TokenStore
from bot.sandbox.limits import Faults, RequestLog, SecondaryLimits
from bot.sandbox.oauth import UserTokens
from bot.sandbox.shapes import Json, Shapes, node_id
from bot.sandbox.shapes_issues import IssueShapes
from bot.sandbox.state import Account, Installation, Repo, SandboxState
from bot.sandbox.webhooks import WebhookDispatcher


class World:
    """Holds every sandbox service; one instance is one GitHub."""

    def __init__(self, seed: int = 0) -> None:
        self.state = SandboxState()
        self.shapes = Shapes(self.state)
        self.issue_shapes = IssueShapes(self.shapes)
        self.tokens = TokenStore()
        self.user_tokens = UserTokens()
        self.webhooks = WebhookDispatcher()
        self.faults = Faults(seed)
        self.limits = SecondaryLimits()
        self.requests = RequestLog()

    def organization(self, account: Account) -> Json:
        api = f"{self.shapes.api}/orgs/{account.login}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id("Organization", account.id),
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"{self.shapes.web}/avatars/u/{account.id}",
            "description": None,
        }

    def emit(self, event: str, payload: dict[str, Any], repo: Repo, sender: Account) -> None:
        """Send a repository event to every installation that can see ``repo``."""
        body = {**payload, "repository": self.shapes.repo(repo), "sender": self.shapes.user(sender)}
        if repo.owner.type == "Organization":
            body["organization"] = self.organization(repo.owner)
        for installation in self.state.installations_covering(repo):
            self.emit_to(event, body, installation)

    def emit_to(self, event: str, payload: dict[str, Any], installation: Installation) -> None:
        """Send an event to one installation, adding the ``installation`` reference."""
        body = {**payload, "installation": self.shapes.installation_ref(installation)}
        self.webhooks.enqueue(event, body, installation)
