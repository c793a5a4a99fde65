"""Setting up a sandboxed GitHub: accounts, apps, installations, repositories, permissions.

These are the things people do in GitHub's settings pages; installation changes send the
``installation`` and ``installation_repositories`` webhooks GitHub sends for them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox import ops_git
from bot.sandbox.auth import generate_key_pair
from bot.sandbox.state import (
    PERMISSION_LEVELS,
    Account,
    AccountType,
    App,
    Installation,
    Repo,
    now,
)
from bot.sandbox.world import World

DEFAULT_EVENTS = (
    "check_run",
    "check_suite",
    "issue_comment",
    "issues",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "push",
)
DEFAULT_PERMISSIONS = {
    "checks": "read",
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}


@dataclass(frozen=True)
class AppCredentials:
    """What the app's owner copies from GitHub's app settings page."""

    app_id: int
    slug: str
    client_id: str
    client_secret: str = field(repr=False)
    private_key_pem: str = field(repr=False)
    webhook_secret: str = field(repr=False)


class Admin(World):
    """Accounts, apps, installations, repositories and permissions: the settings pages."""

    def _account(self, login: str, kind: AccountType, name: str | None = None) -> Account:
        with self.state.lock:
            if login.lower() in self.state.accounts:
                raise ValueError(f"account {login} already exists")
            account_id = self.state.next_id()
            email = f"{account_id}+{login}@users.noreply.github.com"
            account = Account(account_id, login, kind, name or login, email)
            self.state.accounts[login.lower()] = account
            return account

    def create_user(self, login: str, name: str | None = None) -> Account:
        return self._account(login, "User", name)

    def create_org(self, login: str) -> Account:
        return self._account(login, "Organization")

    def create_app(
        self,
        name: str,
        webhook_url: str | None = None,
        *,
        owner: str | None = None,
        permissions: Mapping[str, str] | None = None,
        events: Iterable[str] = DEFAULT_EVENTS,
        webhook_secret: str | None = None,
    ) -> AppCredentials:
        """Register a GitHub App with a fresh key pair; its bot account is ``<slug>[bot]``."""
        slug = name.lower().replace(" ", "-")
        private_pem, public_pem = generate_key_pair()
        with self.state.lock:
            owner_account = (
                self.state.account(owner) if owner else self._account(f"{slug}-owner", "User")
            )
            app = App(
                id=self.state.next_id(),
                slug=slug,
                name=name,
                owner=owner_account,
                bot=self._account(f"{slug}[bot]", "Bot"),
                public_key_pem=public_pem,
                webhook_url=webhook_url,
                webhook_secret=webhook_secret or secrets.token_hex(20),
                client_id=f"Iv23{secrets.token_hex(8)}",
                client_secret=secrets.token_hex(20),
                permissions=dict(permissions or DEFAULT_PERMISSIONS),
                events=list(events),
                created_at=now(),
            )
            self.state.apps[app.id] = app
        return AppCredentials(
            app.id, slug, app.client_id, app.client_secret, private_pem, app.webhook_secret
        )

    def create_repo(
        self,
        owner: str,
        name: str,
        files: Mapping[str, str | bytes] | None = None,
        *,
        default_branch: str = "main",
        private: bool = False,
    ) -> Repo:
        """A repository whose first commit holds ``files`` (an empty repository without them)."""
        with self.state.lock:
            account = self.state.account(owner)
            moment = now()
            repo = Repo(
                self.state.next_id(), account, name, default_branch, private, moment, moment
            )
            if f"{owner}/{name}".lower() in self.state.repos:
                raise ValueError(f"repository {owner}/{name} already exists")
            self.state.repos[repo.full_name.lower()] = repo
            self.state.repos_by_id[repo.id] = repo
            if files:
                signature = ops_git.signature_of(account)
                commit = ops_git.commit_files(repo, None, files, (), "Initial commit", signature)
                repo.refs[f"refs/heads/{default_branch}"] = commit.sha
            return repo

    def seed_from_directory(self, owner: str, path: Path) -> list[Repo]:
        """One repository per subfolder of ``path``, holding that folder's files."""
        repos = []
        for folder in sorted(p for p in path.iterdir() if p.is_dir()):
            files = {
                str(file.relative_to(folder)): file.read_bytes()
                for file in sorted(folder.rglob("*"))
                if file.is_file() and ".git" not in file.relative_to(folder).parts
            }
            repos.append(self.create_repo(owner, folder.name, files))
        return repos

    def install(self, app_id: int, account: str, repos: Iterable[str] | None = None) -> int:
        """Install the app on an account (all repositories, or the named ones); sends webhook."""
        with self.state.lock:
            app = self.state.apps[app_id]
            target = self.state.account(account)
            repo_ids = None if repos is None else {self.state.repo(account, r).id for r in repos}
            installation = Installation(self.state.next_id(), app, target, repo_ids, now())
            self.state.installations[installation.id] = installation
            payload = {
                "action": "created",
                "installation": self.shapes.installation(installation),
                "repositories": self._repo_refs(self.state.installation_repos(installation)),
                "requester": None,
                "sender": self.shapes.user(app.owner),
            }
            self.webhooks.enqueue("installation", payload, installation)
            return installation.id

    def _repo_refs(self, repos: Iterable[Repo]) -> list[dict[str, object]]:
        return [
            {
                "id": repo.id,
                "node_id": self.shapes.repo(repo)["node_id"],
                "name": repo.name,
                "full_name": repo.full_name,
                "private": repo.private,
            }
            for repo in repos
        ]

    def uninstall(self, installation_id: int) -> None:
        with self.state.lock:
            installation = self.state.installations.pop(installation_id)
            payload = {
                "action": "deleted",
                "installation": self.shapes.installation(installation),
                "repositories": self._repo_refs(self.state.installation_repos(installation)),
                "sender": self.shapes.user(installation.app.owner),
            }
            self.webhooks.enqueue("installation", payload, installation)

    def change_installation_repos(
        self, installation_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> None:
        """Select repositories in or out of a ``selected`` installation; sends webhook."""
        with self.state.lock:
            installation = self.state.installations[installation_id]
            owner = installation.account.login
            added = [self.state.repo(owner, name) for name in add]
            removed = [self.state.repo(owner, name) for name in remove]
            selected = installation.repository_ids
            if selected is None:
                selected = {r.id for r in self.state.installation_repos(installation)}
            installation.repository_ids = (selected | {r.id for r in added}) - {
                r.id for r in removed
            }
            for action, changed in (("added", added), ("removed", removed)):
                if not changed:
                    continue
                payload = {
                    "action": action,
                    "installation": self.shapes.installation(installation),
                    "repository_selection": "selected",
                    "repositories_added": self._repo_refs(added if action == "added" else []),
                    "repositories_removed": self._repo_refs(removed if action == "removed" else []),
                    "requester": None,
                    "sender": self.shapes.user(installation.app.owner),
                }
                self.webhooks.enqueue("installation_repositories", payload, installation)

    def create_team(self, org: str, slug: str, members: Iterable[str]) -> None:
        with self.state.lock:
            self.state.account(org)
            accounts = [self.state.account(login) for login in members]
            self.state.teams[org.lower(), slug] = accounts

    def set_permission(self, full_name: str, login: str, permission: str) -> None:
        if permission not in PERMISSION_LEVELS:
            raise ValueError(f"unknown permission {permission!r}")
        with self.state.lock:
            self.state.account(login)
            self.state.repo_by_full_name(full_name).permissions[login.lower()] = permission
