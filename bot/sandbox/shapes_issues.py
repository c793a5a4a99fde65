"""JSON bodies shaped like GitHub's for labels, issues, comments, pull requests and reviews."""

from __future__ import annotations

from collections import Counter

from bot.sandbox.diffs import FileDiff, diff_trees
from bot.sandbox.merging import merge_files
from bot.sandbox.shapes import Json, Shapes, node_id, ts
from bot.sandbox.state import (
    Account,
    Issue,
    IssueComment,
    Label,
    PullRequest,
    Reaction,
    Repo,
    Review,
    ReviewComment,
)

REACTION_CONTENTS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


class IssueShapes:
    """Issue-side bodies; reuses ``Shapes`` for the users and repositories they embed."""

    def __init__(self, shapes: Shapes) -> None:
        self.base = shapes

    def author_association(self, repo: Repo, account: Account) -> str:
        if account.id == repo.owner.id:
            return "OWNER"
        if self.base.state.permission(repo, account.login) != "none":
            return "COLLABORATOR"
        return "NONE"

    def label(self, repo: Repo, label: Label) -> Json:
        return {
            "id": label.id,
            "node_id": node_id("Label", label.id),
            "url": f"{self.base.repo_url(repo)}/labels/{label.name}",
            "name": label.name,
            "description": label.description,
            "color": label.color,
            "default": label.default,
            "archived_at": None,
            "archived_by": None,
        }

    def reaction(self, reaction: Reaction) -> Json:
        return {
            "id": reaction.id,
            "node_id": node_id("Reaction", reaction.id),
            "user": self.base.user(reaction.user),
            "content": reaction.content,
            "created_at": ts(reaction.created_at),
        }

    @staticmethod
    def reaction_rollup(url: str, reactions: list[Reaction]) -> Json:
        counts = Counter(reaction.content for reaction in reactions)
        rollup: Json = {"url": f"{url}/reactions", "total_count": len(reactions)}
        rollup.update({content: counts.get(content, 0) for content in REACTION_CONTENTS})
        return rollup

    def issue_url(self, repo: Repo, number: int) -> str:
        return f"{self.base.repo_url(repo)}/issues/{number}"

    def issue(self, repo: Repo, issue: Issue) -> Json:
        url = self.issue_url(repo, issue.number)
        kind = "pull" if issue.pull is not None else "issues"
        body: Json = {
            "id": issue.id,
            "node_id": node_id("Issue", issue.id),
            "url": url,
            "repository_url": self.base.repo_url(repo),
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "timeline_url": f"{url}/timeline",
            "html_url": f"{self.base.web}/{repo.full_name}/{kind}/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": self.base.user(issue.user),
            "labels": [self.label(repo, label) for label in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": len(issue.comments),
            "closed_at": ts(issue.closed_at),
            "created_at": ts(issue.created_at),
            "updated_at": ts(issue.updated_at),
            "author_association": self.author_association(repo, issue.user),
            "performed_via_github_app": None,
            "reactions": self.reaction_rollup(url, issue.reactions),
        }
        if issue.pull is not None:
            pulls = f"{self.base.repo_url(repo)}/pulls/{issue.number}"
            html = body["html_url"]
            body["pull_request"] = {
                "url": pulls,
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": ts(issue.pull.merged_at),
            }
            body["draft"] = issue.pull.draft
        return body

    def comment(self, repo: Repo, comment: IssueComment) -> Json:
        url = f"{self.base.repo_url(repo)}/issues/comments/{comment.id}"
        kind = "pull" if repo.issue(comment.issue_number).pull is not None else "issues"
        html = f"{self.base.web}/{repo.full_name}/{kind}/{comment.issue_number}"
        return {
            "id": comment.id,
            "node_id": node_id("IssueComment", comment.id),
            "url": url,
            "html_url": f"{html}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.base.user(comment.user),
            "created_at": ts(comment.created_at),
            "updated_at": ts(comment.updated_at),
            "issue_url": self.issue_url(repo, comment.issue_number),
            "author_association": self.author_association(repo, comment.user),
            "performed_via_github_app": (
                self.base.app(comment.app) if comment.app is not None else None
            ),
            "reactions": self.reaction_rollup(url, comment.reactions),
        }

    # Pull requests --------------------------------------------------------------------

    def _branch(self, repo: Repo, ref: str, sha: str) -> Json:
        return {
            "label": f"{repo.owner.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.base.user(repo.owner),
            "repo": self.base.repo(repo),
        }

    def pull_simple(self, repo: Repo, issue: Issue) -> Json:
        """The list form of a pull request (``GET /pulls``, webhook ``pull_request``)."""
        pull = _pull(issue)
        url = f"{self.base.repo_url(repo)}/pulls/{issue.number}"
        issue_url = self.issue_url(repo, issue.number)
        html = f"{self.base.web}/{repo.full_name}/pull/{issue.number}"
        statuses = f"{self.base.repo_url(repo)}/statuses/{pull.head_sha}"
        base_sha = pull.base_sha if pull.merged else repo.branch_sha(pull.base_ref) or ""
        return {
            "url": url,
            "id": issue.pull_id,
            "node_id": node_id("PullRequest", issue.pull_id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{self.base.repo_url(repo)}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": statuses,
            "number": issue.number,
            "state": issue.state,
            "locked": False,
            "active_lock_reason": None,
            "title": issue.title,
            "user": self.base.user(issue.user),
            "body": issue.body,
            "labels": [self.label(repo, label) for label in issue.labels],
            "milestone": None,
            "created_at": ts(issue.created_at),
            "updated_at": ts(issue.updated_at),
            "closed_at": ts(issue.closed_at),
            "merged_at": ts(pull.merged_at),
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [self.base.user(a) for a in pull.requested_reviewers],
            "requested_teams": [],
            "head": self._branch(repo, pull.head_ref, pull.head_sha),
            "base": self._branch(repo, pull.base_ref, base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{self.base.repo_url(repo)}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": statuses},
            },
            "author_association": self.author_association(repo, issue.user),
            "auto_merge": None,
            "draft": pull.draft,
        }

    def pull(self, repo: Repo, issue: Issue) -> Json:
        """The full pull request (``GET /pulls/{n}``), with merge state and change counts."""
        pull = _pull(issue)
        body = self.pull_simple(repo, issue)
        files = self.pull_files(repo, pull)
        commits = self.pull_commit_count(repo, pull)
        mergeable = self.mergeable(repo, issue)
        body.update(
            {
                "merged": pull.merged,
                "mergeable": mergeable,
                "rebaseable": mergeable,
                "mergeable_state": {True: "clean", False: "dirty", None: "unknown"}[mergeable],
                "merged_by": self.base.user(pull.merged_by) if pull.merged_by else None,
                "comments": len(issue.comments),
                "review_comments": len(pull.review_comments),
                "maintainer_can_modify": False,
                "commits": commits,
                "additions": sum(item.additions for item in files),
                "deletions": sum(item.deletions for item in files),
                "changed_files": len(files),
            }
        )
        return body

    @staticmethod
    def mergeable(repo: Repo, issue: Issue) -> bool | None:
        """GitHub's ``mergeable``: unknown once closed, false when the branches conflict."""
        pull = _pull(issue)
        base_tip = repo.branch_sha(pull.base_ref)
        if issue.state != "open" or base_tip is None:
            return None
        return merge_files(repo.objects, base_tip, pull.head_sha) is not None

    @staticmethod
    def pull_commit_count(repo: Repo, pull: PullRequest) -> int:
        return len(repo.objects.commits_between(pull.base_sha, pull.head_sha))

    @staticmethod
    def pull_files(repo: Repo, pull: PullRequest) -> list[FileDiff]:
        """Changes from the merge base to the head, the three-dot diff GitHub shows."""
        base_tip = pull.base_sha if pull.merged else repo.branch_sha(pull.base_ref)
        merge_base = repo.objects.merge_base(base_tip, pull.head_sha) if base_tip else None
        old_tree = repo.objects.commit(merge_base).tree if merge_base else None
        return diff_trees(repo.objects, old_tree, repo.objects.commit(pull.head_sha).tree)

    def diff_entry(self, repo: Repo, ref: str, item: FileDiff) -> Json:
        body: Json = {
            "sha": item.sha,
            "filename": item.filename,
            "status": item.status,
            "additions": item.additions,
            "deletions": item.deletions,
            "changes": item.additions + item.deletions,
            "blob_url": f"{self.base.web}/{repo.full_name}/blob/{ref}/{item.filename}",
            "raw_url": f"{self.base.web}/{repo.full_name}/raw/{ref}/{item.filename}",
            "contents_url": f"{self.base.repo_url(repo)}/contents/{item.filename}?ref={ref}",
        }
        if item.patch is not None:
            body["patch"] = item.patch
        return body

    def review(self, repo: Repo, issue: Issue, review: Review) -> Json:
        pull_url = f"{self.base.repo_url(repo)}/pulls/{issue.number}"
        html = f"{self.base.web}/{repo.full_name}/pull/{issue.number}#pullrequestreview-{review.id}"
        return {
            "id": review.id,
            "node_id": node_id("PullRequestReview", review.id),
            "user": self.base.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "submitted_at": ts(review.submitted_at),
            "commit_id": review.commit_id,
            "author_association": self.author_association(repo, review.user),
        }

    def review_comment(self, repo: Repo, issue: Issue, comment: ReviewComment) -> Json:
        url = f"{self.base.repo_url(repo)}/pulls/comments/{comment.id}"
        pull_url = f"{self.base.repo_url(repo)}/pulls/{issue.number}"
        html = f"{self.base.web}/{repo.full_name}/pull/{issue.number}#discussion_r{comment.id}"
        return {
            "url": url,
            "pull_request_review_id": comment.review_id,
            "id": comment.id,
            "node_id": node_id("PullRequestReviewComment", comment.id),
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "position": comment.line,
            "original_position": comment.line or 1,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.commit_id,
            "in_reply_to_id": comment.in_reply_to,
            "user": self.base.user(comment.user),
            "body": comment.body,
            "created_at": ts(comment.created_at),
            "updated_at": ts(comment.updated_at),
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self.author_association(repo, comment.user),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "pull_request": {"href": pull_url},
            },
            "reactions": self.reaction_rollup(url, comment.reactions),
            "start_line": None,
            "original_start_line": None,
            "start_side": None,
            "line": comment.line,
            "original_line": comment.line,
            "side": "RIGHT",
            "subject_type": "line" if comment.line is not None else "file",
        }


def _pull(issue: Issue) -> PullRequest:
    if issue.pull is None:
        raise ValueError(f"issue #{issue.number} is not a pull request")
    return issue.pull
