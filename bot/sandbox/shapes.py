"""JSON bodies shaped like GitHub's for accounts, repositories, apps, git data and checks.

Field sets follow GitHub's REST and webhook schemas (the union of both where one object
appears in each), so githubkit's models accept every body without special cases.
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime
from typing import Any

from bot.sandbox.gitobjects import Commit, FlatEntry, Signature
from bot.sandbox.state import (
    Account,
    App,
    CheckRun,
    CheckSuite,
    Installation,
    Repo,
    SandboxState,
)

Json = dict[str, Any]


def ts(moment: datetime | None) -> str | None:
    """GitHub's ``2026-01-31T12:00:00Z`` timestamps."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode()


class Shapes:
    """Builds bodies with URLs that point back at the running sandbox."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    @property
    def web(self) -> str:
        return self.state.base_url

    @property
    def api(self) -> str:
        return f"{self.state.base_url}/api/v3"

    def user(self, account: Account) -> Json:
        api = f"{self.api}/users/{account.login}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id(account.type, account.id),
            "avatar_url": f"{self.web}/avatars/u/{account.id}",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.web}/{account.login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def repo_url(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def repo(self, repo: Repo) -> Json:
        url = self.repo_url(repo)
        html = f"{self.web}/{repo.full_name}"
        open_issues = sum(1 for issue in repo.issues.values() if issue.state == "open")
        body: Json = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.user(repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "html_url": html,
            "description": None,
            "fork": False,
            "url": url,
            "homepage": None,
            "language": None,
            "license": None,
            "mirror_url": None,
            "topics": [],
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "watchers": 0,
            "subscribers_count": 0,
            "network_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues_count": open_issues,
            "open_issues": open_issues,
            "is_template": False,
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": False,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "allow_forking": True,
            "web_commit_signoff_required": False,
            "pushed_at": ts(repo.pushed_at),
            "created_at": ts(repo.created_at),
            "updated_at": ts(repo.pushed_at),
            "git_url": f"git://{html.split('://', 1)[-1]}.git",
            "ssh_url": f"git@sandbox:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
        }
        templates = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        body.update({key: url + suffix for key, suffix in templates.items()})
        return body

    def app(self, app: App) -> Json:
        return {
            "id": app.id,
            "slug": app.slug,
            "node_id": node_id("Integration", app.id),
            "client_id": app.client_id,
            "owner": self.user(app.owner),
            "name": app.name,
            "description": None,
            "external_url": f"{self.web}/apps/{app.slug}",
            "html_url": f"{self.web}/apps/{app.slug}",
            "created_at": ts(app.created_at),
            "updated_at": ts(app.created_at),
            "permissions": dict(app.permissions),
            "events": list(app.events),
            "installations_count": sum(
                1 for inst in self.state.installations.values() if inst.app.id == app.id
            ),
        }

    def installation(self, inst: Installation) -> Json:
        return {
            "id": inst.id,
            "account": self.user(inst.account),
            "repository_selection": "all" if inst.repository_ids is None else "selected",
            "access_tokens_url": f"{self.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.api}/installation/repositories",
            "html_url": f"{self.web}/settings/installations/{inst.id}",
            "app_id": inst.app.id,
            "app_slug": inst.app.slug,
            "client_id": inst.app.client_id,
            "target_id": inst.account.id,
            "target_type": inst.account.type,
            "permissions": dict(inst.app.permissions),
            "events": list(inst.app.events),
            "created_at": ts(inst.created_at),
            "updated_at": ts(inst.created_at),
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "suspended_by": None,
            "suspended_at": None,
        }

    def installation_ref(self, inst: Installation) -> Json:
        """The short ``installation`` object every webhook payload carries."""
        return {"id": inst.id, "node_id": node_id("Installation", inst.id)}

    # Git data -------------------------------------------------------------------------

    def ref(self, repo: Repo, name: str, sha: str) -> Json:
        return {
            "ref": name,
            "node_id": node_id("Ref", zlib.crc32(f"{repo.id}:{name}".encode())),
            "url": f"{self.repo_url(repo)}/git/{name}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": f"{self.repo_url(repo)}/git/commits/{sha}",
            },
        }

    def tree(self, repo: Repo, sha: str, recursive: bool) -> Json:
        entries = (
            list(repo.objects.walk_tree(sha))
            if recursive
            else [(entry.name, entry) for entry in repo.objects.tree(sha)]
        )
        items: list[Json] = []
        for path, entry in entries:
            item: Json = {"path": path, "mode": entry.mode, "type": entry.kind, "sha": entry.sha}
            if entry.kind == "blob":
                item["size"] = len(repo.objects.blob(entry.sha))
                item["url"] = f"{self.repo_url(repo)}/git/blobs/{entry.sha}"
            elif entry.kind == "tree":
                item["url"] = f"{self.repo_url(repo)}/git/trees/{entry.sha}"
            items.append(item)
        return {
            "sha": sha,
            "url": f"{self.repo_url(repo)}/git/trees/{sha}",
            "tree": items,
            "truncated": False,
        }

    def blob(self, repo: Repo, sha: str) -> Json:
        data = repo.objects.blob(sha)
        return {
            "sha": sha,
            "node_id": node_id("Blob", int(sha[:7], 16)),
            "size": len(data),
            "url": f"{self.repo_url(repo)}/git/blobs/{sha}",
            "content": base64.encodebytes(data).decode(),
            "encoding": "base64",
        }

    def short_blob(self, repo: Repo, sha: str) -> Json:
        return {"sha": sha, "url": f"{self.repo_url(repo)}/git/blobs/{sha}"}

    @staticmethod
    def signature(signature: Signature) -> Json:
        return {"name": signature.name, "email": signature.email, "date": ts(signature.date)}

    def verification(self, repo: Repo, sha: str) -> Json:
        verified = sha in repo.verified_commits
        return {
            "verified": verified,
            "reason": "valid" if verified else "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        }

    def _parents(self, repo: Repo, commit: Commit) -> list[Json]:
        return [
            {
                "sha": parent,
                "url": f"{self.repo_url(repo)}/commits/{parent}",
                "html_url": f"{self.web}/{repo.full_name}/commit/{parent}",
            }
            for parent in commit.parents
        ]

    def git_commit(self, repo: Repo, commit: Commit) -> Json:
        return {
            "sha": commit.sha,
            "node_id": node_id("Commit", int(commit.sha[:7], 16)),
            "url": f"{self.repo_url(repo)}/git/commits/{commit.sha}",
            "html_url": f"{self.web}/{repo.full_name}/commit/{commit.sha}",
            "author": self.signature(commit.author),
            "committer": self.signature(commit.committer),
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": f"{self.repo_url(repo)}/git/trees/{commit.tree}"},
            "parents": self._parents(repo, commit),
            "verification": self.verification(repo, commit.sha),
        }

    def _account_by_email(self, email: str) -> Json | None:
        for account in self.state.accounts.values():
            if account.email == email:
                return self.user(account)
        return None

    def commit(self, repo: Repo, commit: Commit, files: list[Json] | None = None) -> Json:
        """The REST ``commit`` object (``/commits/{ref}``, compare, pull commits)."""
        git = self.git_commit(repo, commit)
        body: Json = {
            "url": f"{self.repo_url(repo)}/commits/{commit.sha}",
            "sha": commit.sha,
            "node_id": git["node_id"],
            "html_url": git["html_url"],
            "comments_url": f"{self.repo_url(repo)}/commits/{commit.sha}/comments",
            "commit": {
                "url": git["url"],
                "author": git["author"],
                "committer": git["committer"],
                "message": commit.message,
                "comment_count": 0,
                "tree": git["tree"],
                "verification": git["verification"],
            },
            "author": self._account_by_email(commit.author.email),
            "committer": self._account_by_email(commit.committer.email),
            "parents": git["parents"],
        }
        if files is not None:
            additions = sum(item["additions"] for item in files)
            deletions = sum(item["deletions"] for item in files)
            body["stats"] = {
                "additions": additions,
                "deletions": deletions,
                "total": additions + deletions,
            }
            body["files"] = files
        return body

    def simple_commit(self, commit: Commit) -> Json:
        """The compact commit of check suites and push payloads."""
        return {
            "id": commit.sha,
            "tree_id": commit.tree,
            "message": commit.message,
            "timestamp": ts(commit.committer.date),
            "author": {"name": commit.author.name, "email": commit.author.email},
            "committer": {"name": commit.committer.name, "email": commit.committer.email},
        }

    def content_file(self, repo: Repo, entry: FlatEntry, ref: str) -> Json:
        data = repo.objects.blob(entry.sha)
        url = f"{self.repo_url(repo)}/contents/{entry.path}?ref={ref}"
        git_url = f"{self.repo_url(repo)}/git/blobs/{entry.sha}"
        html_url = f"{self.web}/{repo.full_name}/blob/{ref}/{entry.path}"
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": entry.path.rsplit("/", 1)[-1],
            "path": entry.path,
            "content": base64.encodebytes(data).decode(),
            "sha": entry.sha,
            "url": url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": f"{self.web}/{repo.full_name}/raw/{ref}/{entry.path}",
            "_links": {"git": git_url, "html": html_url, "self": url},
        }

    # Checks ---------------------------------------------------------------------------

    def pulls_at(self, repo: Repo, sha: str) -> list[Json]:
        """Open pull requests whose head is ``sha``: how a check suite names its pull requests."""
        repo_ref = {"id": repo.id, "url": self.repo_url(repo), "name": repo.name}
        found = []
        for number in sorted(repo.open_pulls_by_head.values()):
            issue, pull = repo.pull(number)
            if pull.head_sha != sha:
                continue
            found.append(
                {
                    "id": issue.pull_id,
                    "number": number,
                    "url": f"{self.repo_url(repo)}/pulls/{number}",
                    "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": repo_ref},
                    "base": {
                        "ref": pull.base_ref,
                        "sha": repo.branch_sha(pull.base_ref) or pull.base_sha,
                        "repo": repo_ref,
                    },
                }
            )
        return found

    def check_suite(self, repo: Repo, suite: CheckSuite) -> Json:
        commit = repo.objects.commit(suite.head_sha)
        return {
            "id": suite.id,
            "node_id": node_id("CheckSuite", suite.id),
            "head_branch": suite.head_branch,
            "head_sha": suite.head_sha,
            "status": suite.status,
            "conclusion": suite.conclusion,
            "url": f"{self.repo_url(repo)}/check-suites/{suite.id}",
            "before": commit.parents[0] if commit.parents else None,
            "after": suite.head_sha,
            "pull_requests": self.pulls_at(repo, suite.head_sha),
            "app": self.app(suite.app) if suite.app is not None else None,
            "repository": self.repo(repo),
            "created_at": ts(suite.created_at),
            "updated_at": ts(suite.updated_at),
            "head_commit": self.simple_commit(commit),
            "latest_check_runs_count": len(suite.runs),
            "check_runs_url": f"{self.repo_url(repo)}/check-suites/{suite.id}/check-runs",
            "rerequestable": True,
            "runs_rerequestable": True,
        }

    def check_run(self, repo: Repo, run: CheckRun, suite: CheckSuite) -> Json:
        url = f"{self.repo_url(repo)}/check-runs/{run.id}"
        return {
            "id": run.id,
            "head_sha": run.head_sha,
            "node_id": node_id("CheckRun", run.id),
            "external_id": "",
            "url": url,
            "html_url": f"{self.web}/{repo.full_name}/runs/{run.id}",
            "details_url": f"{self.web}/{repo.full_name}/runs/{run.id}",
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": ts(run.started_at),
            "completed_at": ts(run.completed_at),
            "output": {
                "title": run.title,
                "summary": run.summary,
                "text": None,
                "annotations_count": len(run.annotations),
                "annotations_url": f"{url}/annotations",
            },
            "name": run.name,
            "check_suite": {"id": suite.id},
            "app": self.app(suite.app) if suite.app is not None else None,
            "pull_requests": self.pulls_at(repo, run.head_sha),
        }

    def annotations(self, repo: Repo, run: CheckRun) -> list[Json]:
        return [
            {
                "path": note.path,
                "start_line": note.start_line,
                "end_line": note.end_line,
                "start_column": None,
                "end_column": None,
                "annotation_level": note.level,
                "title": note.title,
                "message": note.message,
                "raw_details": None,
                "blob_href": f"{self.web}/{repo.full_name}/blob/{run.head_sha}/{note.path}",
            }
            for note in run.annotations
        ]
