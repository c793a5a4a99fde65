"""The small GitHub actions campaigns are made of, each one audited.

Godwit's own comments carry a hidden marker and are edited in place: the
comment is looked up by marker among the App's own comments, so a lost
database or a repeated job never posts the same comment twice. The issue body
is re-read right before its dashboard is replaced, because people edit the
campaign YAML in the same body.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from githubkit.exception import GitHubException, RequestFailed
from githubkit_schemas.latest.models import IssueComment, PullRequestSimple
from sqlalchemy.orm import Session

from bot.campaigns.dashboard import replace_dashboard
from bot.github.client import AnyGitHub
from bot.github.retry import RescheduleJob
from bot.store.audit import add_audit_entry

logger = logging.getLogger(__name__)

Reaction = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]


def split_repo(full_name: str) -> tuple[str, str]:
    owner, _, name = full_name.partition("/")
    return owner, name


def _status(error: RequestFailed) -> int:
    return error.response.status_code


@dataclass(frozen=True)
class GitHubOps:
    """Act as one installation, auditing every change in the caller's session."""

    gh: AnyGitHub
    session: Session
    installation_id: int
    bot_login: str

    def _audit(self, action: str, repo: str, number: int | None, url: str | None = None) -> None:
        add_audit_entry(
            self.session,
            action=action,
            installation_id=self.installation_id,
            repo=repo,
            target_number=number,
            target_url=url,
        )

    def find_own_comment(self, repo: str, number: int, marker: str) -> tuple[int, str] | None:
        """The id and body of the App's comment carrying ``marker``, if there is one."""
        return self.find_own_comments(repo, number, (marker,)).get(marker)

    def find_own_comments(
        self, repo: str, number: int, markers: Iterable[str]
    ) -> dict[str, tuple[int, str]]:
        """The App's first comment carrying each of ``markers``, read in one listing."""
        wanted = tuple(markers)
        found: dict[str, tuple[int, str]] = {}
        owner, name = split_repo(repo)
        comments: Iterable[IssueComment] = self.gh.rest.paginate(
            self.gh.rest.issues.list_comments,
            owner=owner,
            repo=name,
            issue_number=number,
            per_page=100,
        )
        for comment in comments:
            author = comment.user.login if comment.user else ""
            body = comment.body if isinstance(comment.body, str) else ""
            if author.lower() != self.bot_login.lower():
                continue
            for marker in wanted:
                if marker in body and marker not in found:
                    found[marker] = (comment.id, body)
            if len(found) == len(wanted):
                break
        return found

    def upsert_comment(
        self, repo: str, number: int, marker: str, body: str, *, known_id: int | None = None
    ) -> int:
        """Edit the App's comment with ``marker`` (or post it); return its id.

        ``known_id`` saves the lookup when the store remembers the comment; a
        comment deleted by someone is posted again.
        """
        owner, name = split_repo(repo)
        if known_id is not None:
            try:
                current = self.gh.rest.issues.get_comment(owner, name, known_id).parsed_data
            except RequestFailed as error:
                if _status(error) != 404:
                    raise
            else:
                if current.body == body:
                    return known_id
                self.gh.rest.issues.update_comment(owner, name, known_id, body=body)
                self._audit("comment.edited", repo, number, current.html_url)
                return known_id
        found = self.find_own_comment(repo, number, marker)
        if found is not None:
            comment_id, current_body = found
            if current_body != body:
                edited = self.gh.rest.issues.update_comment(owner, name, comment_id, body=body)
                self._audit("comment.edited", repo, number, edited.parsed_data.html_url)
            return comment_id
        return self.comment(repo, number, body)

    def comment(self, repo: str, number: int, body: str) -> int:
        """Post a new comment; only for answers that are not edited later."""
        owner, name = split_repo(repo)
        posted = self.gh.rest.issues.create_comment(owner, name, number, body=body).parsed_data
        self._audit("comment.created", repo, number, posted.html_url)
        return posted.id

    def react(
        self,
        repo: str,
        number: int,
        comment_id: int,
        content: Reaction = "+1",
        *,
        review_comment: bool = False,
    ) -> None:
        """React to a comment in the conversation, or to a line comment of a review."""
        owner, name = split_repo(repo)
        if review_comment:
            self.gh.rest.reactions.create_for_pull_request_review_comment(
                owner, name, comment_id, content=content
            )
        else:
            self.gh.rest.reactions.create_for_issue_comment(
                owner, name, comment_id, content=content
            )
        self._audit(f"reaction.{content}", repo, number)

    def acknowledge(
        self, repo: str, number: int, comment_id: int, *, review_comment: bool = False
    ) -> bool:
        """The 👍 on an accepted command; False, logged and audited, when GitHub refused it.

        The reaction is a courtesy: the command was accepted and runs whether or
        not GitHub takes the reaction, so no failure here (an error, a refusal, a
        long rate-limit wait) may stop it.
        """
        try:
            self.react(repo, number, comment_id, review_comment=review_comment)
        except (GitHubException, RescheduleJob) as error:
            logger.warning(
                "could not react to comment %s on %s#%s: %s", comment_id, repo, number, error
            )
            self._audit("reaction.failed", repo, number)
            return False
        return True

    def update_dashboard(self, repo: str, number: int, dashboard: str) -> bool:
        """Put ``dashboard`` into the issue body as it is now; False when it was already there."""
        owner, name = split_repo(repo)
        issue = self.gh.rest.issues.get(owner, name, number).parsed_data
        body = issue.body if isinstance(issue.body, str) else ""
        updated = replace_dashboard(body, dashboard)
        if updated == body:
            return False
        self.gh.rest.issues.update(owner, name, number, body=updated)
        self._audit("dashboard.updated", repo, number, issue.html_url)
        return True

    def permission(self, repo: str, login: str) -> str | None:
        """``admin``, ``write``, ``read``... on ``repo``; None for someone without access."""
        owner, name = split_repo(repo)
        try:
            answer = self.gh.rest.repos.get_collaborator_permission_level(owner, name, login)
        except RequestFailed as error:
            if _status(error) == 404:
                return None
            raise
        return answer.parsed_data.permission

    def open_pull_for_branch(self, repo: str, branch: str) -> PullRequestSimple | None:
        owner, name = split_repo(repo)
        pulls = self.gh.rest.pulls.list(
            owner, name, state="open", head=f"{owner}:{branch}", per_page=10
        ).parsed_data
        return next((pr for pr in pulls if pr.head.ref == branch), None)

    def add_labels(self, repo: str, number: int, labels: Iterable[str]) -> None:
        """Label an issue or PR; GitHub creates the labels a repository does not have yet."""
        owner, name = split_repo(repo)
        self.gh.rest.issues.add_labels(owner, name, number, labels=list(dict.fromkeys(labels)))
        self._audit("labels.added", repo, number)

    def request_reviewers(
        self, repo: str, number: int, users: Iterable[str], teams: Iterable[str]
    ) -> None:
        owner, name = split_repo(repo)
        reviewers, team_reviewers = list(users), list(teams)
        if not reviewers and not team_reviewers:
            return
        self.gh.rest.pulls.request_reviewers(
            owner, name, number, reviewers=reviewers, team_reviewers=team_reviewers
        )
        self._audit("reviewers.requested", repo, number)
