"""The sandbox's in-memory GitHub: accounts, apps, installations, repositories and their issues.

Everything lives in plain dataclasses under one re-entrant lock: requests arrive on several
server threads and the person API runs on the test's thread, and GitHub itself never shows a
half-applied change.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from bot.sandbox.errors import GitHubError, not_found
from bot.sandbox.gitobjects import ObjectStore

AccountType = Literal["User", "Organization", "Bot"]
PERMISSION_LEVELS = ("none", "read", "triage", "write", "maintain", "admin")
ANNOTATION_LEVELS = ("notice", "warning", "failure")
_IDS = itertools.count(1001)
"""Shared by every sandbox in the process: clients cache tokens by app and installation id,
so two sandboxes must never hand out the same ids."""


def now() -> datetime:
    """Current time truncated to seconds, as GitHub reports timestamps."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Account:
    id: int
    login: str
    type: AccountType
    name: str
    email: str


@dataclass
class App:
    id: int
    slug: str
    name: str
    owner: Account
    bot: Account
    public_key_pem: str
    webhook_url: str | None
    webhook_secret: str
    client_id: str
    client_secret: str
    permissions: dict[str, str]
    events: list[str]
    created_at: datetime


@dataclass
class Installation:
    id: int
    app: App
    account: Account
    repository_ids: set[int] | None
    """``None`` means every repository of the account (GitHub's ``repository_selection: all``)."""
    created_at: datetime

    def covers(self, repo: Repo) -> bool:
        if repo.owner.id != self.account.id:
            return False
        return self.repository_ids is None or repo.id in self.repository_ids


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class Reaction:
    id: int
    content: str
    user: Account
    created_at: datetime


@dataclass
class IssueComment:
    id: int
    issue_number: int
    body: str
    user: Account
    created_at: datetime
    updated_at: datetime
    app: App | None
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class Review:
    id: int
    user: Account
    state: str
    body: str
    commit_id: str
    submitted_at: datetime


@dataclass
class ReviewComment:
    id: int
    review_id: int | None
    user: Account
    path: str
    line: int | None
    body: str
    commit_id: str
    diff_hunk: str
    in_reply_to: int | None
    created_at: datetime
    updated_at: datetime
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class PullRequest:
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    draft: bool
    merged: bool = False
    merged_at: datetime | None = None
    merged_by: Account | None = None
    merge_commit_sha: str | None = None
    requested_reviewers: list[Account] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    review_comments: list[ReviewComment] = field(default_factory=list)


@dataclass
class Issue:
    """An issue; pull requests are issues with ``pull`` set, sharing the numbering."""

    id: int
    pull_id: int
    number: int
    title: str
    body: str | None
    user: Account
    state: Literal["open", "closed"]
    state_reason: str | None
    labels: list[Label]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    comments: list[IssueComment] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    pull: PullRequest | None = None


@dataclass
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str
    """``notice``, ``warning`` or ``failure``."""
    message: str
    title: str | None = None


@dataclass
class CheckRun:
    id: int
    suite_id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    title: str | None
    summary: str | None
    annotations: list[Annotation]
    started_at: datetime
    completed_at: datetime | None


@dataclass
class CheckSuite:
    id: int
    head_sha: str
    head_branch: str | None
    status: str
    conclusion: str | None
    app: App | None
    runs: list[CheckRun]
    created_at: datetime
    updated_at: datetime


@dataclass
class Repo:
    id: int
    owner: Account
    name: str
    default_branch: str
    private: bool
    created_at: datetime
    pushed_at: datetime
    objects: ObjectStore = field(default_factory=ObjectStore)
    refs: dict[str, str] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    check_suites: list[CheckSuite] = field(default_factory=list)
    verified_commits: set[str] = field(default_factory=set)
    open_pulls_by_head: dict[str, int] = field(default_factory=dict)
    """``branch`` → number of the open pull request from it, for GitHub's one-open-PR rule."""

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def resolve(self, ref: str) -> str:
        """The commit a branch, tag, ``refs/…`` name or commit id points to (404 if none)."""
        if not self.refs:
            raise GitHubError(409, "Git Repository is empty.")
        for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if self.objects.has_commit(ref):
            return ref
        raise GitHubError(404, f"No commit found for SHA: {ref}")

    def issue(self, number: int) -> Issue:
        found = self.issues.get(number)
        if found is None:
            raise not_found()
        return found

    def pull(self, number: int) -> tuple[Issue, PullRequest]:
        issue = self.issue(number)
        if issue.pull is None:
            raise not_found()
        return issue, issue.pull


@dataclass
class ManifestCode:
    app_id: int
    private_key_pem: str
    expires_at: datetime


class SandboxState:
    """All sandbox data plus the lock that guards it and the id sequence GitHub-like ids use."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = "http://sandbox.invalid"
        self.accounts: dict[str, Account] = {}
        self.apps: dict[int, App] = {}
        self.installations: dict[int, Installation] = {}
        self.repos: dict[str, Repo] = {}
        self.repos_by_id: dict[int, Repo] = {}
        self.comment_index: dict[int, tuple[Repo, Issue]] = {}
        self.review_comment_index: dict[int, tuple[Repo, Issue]] = {}
        self.check_runs: dict[int, tuple[Repo, CheckRun]] = {}
        self.manifest_codes: dict[str, ManifestCode] = {}
        self.teams: dict[tuple[str, str], list[Account]] = {}
        """(org login lowercased, team slug) → members."""

    def next_id(self) -> int:
        with self.lock:
            return next(_IDS)

    def account(self, login: str) -> Account:
        found = self.accounts.get(login.lower())
        if found is None:
            raise not_found()
        return found

    def repo(self, owner: str, name: str) -> Repo:
        found = self.repos.get(f"{owner}/{name}".lower())
        if found is None:
            raise not_found()
        return found

    def repo_by_full_name(self, full_name: str) -> Repo:
        owner, _, name = full_name.partition("/")
        return self.repo(owner, name)

    def installations_covering(self, repo: Repo) -> list[Installation]:
        return [inst for inst in self.installations.values() if inst.covers(repo)]

    def installation_repos(self, installation: Installation) -> list[Repo]:
        return [repo for repo in self.repos.values() if installation.covers(repo)]

    def permission(self, repo: Repo, login: str) -> str:
        """GitHub's effective permission: owners of a repository are admins."""
        if login.lower() == repo.owner.login.lower():
            return "admin"
        return repo.permissions.get(login.lower(), "none")
