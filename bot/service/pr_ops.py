"""Changes to a campaign pull request itself (body, state, branch), each one audited."""

from __future__ import annotations

from dataclasses import dataclass

from githubkit.exception import RequestFailed

from bot.service.github_ops import GitHubOps, split_repo
from bot.store.audit import add_audit_entry


@dataclass(frozen=True)
class PullRequestOps:
    """The PR-side companions of ``GitHubOps``, sharing its client, session and audit."""

    ops: GitHubOps

    def _audit(self, action: str, repo: str, number: int | None, url: str | None = None) -> None:
        add_audit_entry(
            self.ops.session,
            action=action,
            installation_id=self.ops.installation_id,
            repo=repo,
            target_number=number,
            target_url=url,
        )

    def update_body(self, repo: str, number: int, body: str) -> None:
        owner, name = split_repo(repo)
        edited = self.ops.gh.rest.pulls.update(owner, name, number, body=body).parsed_data
        self._audit("pull_request.body_updated", repo, number, edited.html_url)

    def close(self, repo: str, number: int) -> None:
        owner, name = split_repo(repo)
        closed = self.ops.gh.rest.pulls.update(owner, name, number, state="closed").parsed_data
        self._audit("pull_request.closed", repo, number, closed.html_url)

    def delete_branch(self, repo: str, branch: str) -> None:
        """Delete ``branch``; one already gone (a repeated job) is fine."""
        owner, name = split_repo(repo)
        try:
            self.ops.gh.rest.git.delete_ref(owner, name, f"heads/{branch}")
        except RequestFailed as error:
            if error.response.status_code not in (404, 422):
                raise
            return
        self._audit("branch.deleted", repo, None)
