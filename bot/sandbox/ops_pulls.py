"""Pull requests: opening, merging into real commits, reviews and review comments."""

from __future__ import annotations

from typing import Literal

from bot.sandbox import codeowners
from bot.sandbox.diffs import FileDiff
from bot.sandbox.errors import GitHubError, invalid_field, not_found, validation_failed
from bot.sandbox.events import issue_event
from bot.sandbox.gitobjects import Signature
from bot.sandbox.merging import merge_files
from bot.sandbox.ops_git import signature_of, update_ref
from bot.sandbox.state import (
    Account,
    Issue,
    PullRequest,
    Repo,
    Review,
    ReviewComment,
    now,
)
from bot.sandbox.world import World

REVIEW_STATES = {
    "APPROVE": "APPROVED",
    "REQUEST_CHANGES": "CHANGES_REQUESTED",
    "COMMENT": "COMMENTED",
}
WEB_FLOW_NAME, WEB_FLOW_EMAIL = "GitHub", "noreply@github.com"
MergeMethod = Literal["merge", "squash", "rebase"]


def create_pull(
    world: World,
    repo: Repo,
    author: Account,
    *,
    title: str,
    head: str,
    base: str,
    body: str | None = None,
    draft: bool = False,
) -> Issue:
    """Open a pull request; GitHub allows one open pull request per head branch."""
    branch = head.split(":", 1)[-1]
    with world.state.lock:
        head_sha, base_sha = repo.branch_sha(branch), repo.branch_sha(base)
        if head_sha is None:
            raise invalid_field("PullRequest", "head")
        if base_sha is None:
            raise invalid_field("PullRequest", "base")
        if branch in repo.open_pulls_by_head:
            raise validation_failed(
                f"A pull request already exists for {repo.owner.login}:{branch}.", "PullRequest"
            )
        if repo.objects.is_ancestor(head_sha, base_sha):
            raise validation_failed(f"No commits between {base} and {branch}", "PullRequest")
        moment = now()
        issue = Issue(
            id=world.state.next_id(),
            pull_id=world.state.next_id(),
            number=len(repo.issues) + 1,
            title=title,
            body=body,
            user=author,
            state="open",
            state_reason=None,
            labels=[],
            created_at=moment,
            updated_at=moment,
            pull=PullRequest(branch, head_sha, base, base_sha, draft),
        )
        repo.issues[issue.number] = issue
        repo.open_pulls_by_head[branch] = issue.number
        issue_event(world, repo, issue, "opened", author)
        if not draft:
            request_code_owners(world, repo, issue, author)
        return issue


def request_code_owners(world: World, repo: Repo, issue: Issue, author: Account) -> None:
    """What GitHub does when a ready pull request opens: ask the changed files' code owners."""
    pull = _open_pull(issue)
    store = repo.objects
    rules = codeowners.rules_at(store, store.commit(pull.base_sha).tree)
    if not rules:
        return
    merge_base = pull.base_sha
    if not store.is_ancestor(pull.base_sha, pull.head_sha):
        merge_base = store.merge_base(pull.base_sha, pull.head_sha) or pull.base_sha
    before = store.flatten(store.commit(merge_base).tree)
    after = store.flatten(store.commit(pull.head_sha).tree)
    changed = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    logins = [
        login
        for login in codeowners.user_owners(rules, changed)
        if login.lower() != author.login.lower()
        and world.state.accounts.get(login.lower()) is not None
        and world.state.permission(repo, login) in codeowners.WRITE_LEVELS
    ]
    if logins:
        request_reviewers(world, repo, issue, logins, author)


def change_base(world: World, repo: Repo, issue: Issue, base: str, sender: Account) -> None:
    pull = _open_pull(issue)
    sha = repo.branch_sha(base)
    if sha is None:
        raise validation_failed(f"Proposed base branch '{base}' was not found", "PullRequest")
    changes = {"base": {"ref": {"from": pull.base_ref}, "sha": {"from": pull.base_sha}}}
    pull.base_ref, pull.base_sha = base, sha
    issue.updated_at = now()
    issue_event(world, repo, issue, "edited", sender, changes=changes)


def _open_pull(issue: Issue) -> PullRequest:
    if issue.pull is None:
        raise not_found()
    return issue.pull


def merge_pull(
    world: World,
    repo: Repo,
    issue: Issue,
    merger: Account,
    *,
    method: MergeMethod = "merge",
    sha: str | None = None,
    commit_title: str | None = None,
    commit_message: str | None = None,
) -> str:
    """Merge into the base branch with a real commit and return its id."""
    with world.state.lock:
        pull = _open_pull(issue)
        if pull.merged or issue.state != "open":
            raise GitHubError(405, "Pull Request is not mergeable")
        if sha is not None and sha != pull.head_sha:
            raise GitHubError(409, "Head branch was modified. Review and try the merge again.")
        base_sha = repo.branch_sha(pull.base_ref)
        if base_sha is None:
            raise GitHubError(405, "Base branch was deleted")
        store = repo.objects
        files = merge_files(store, base_sha, pull.head_sha)
        if files is None:
            raise GitHubError(405, "Pull Request is not mergeable")
        tree = store.build_tree(files)
        author = signature_of(merger)
        committer = Signature(WEB_FLOW_NAME, WEB_FLOW_EMAIL, now())
        if method == "merge":
            title = commit_title or (
                f"Merge pull request #{issue.number} from {repo.owner.login}/{pull.head_ref}"
            )
            message = f"{title}\n\n{commit_message if commit_message is not None else issue.title}"
            parents: tuple[str, ...] = (base_sha, pull.head_sha)
        else:
            title = commit_title or f"{issue.title} (#{issue.number})"
            message = f"{title}\n\n{commit_message}" if commit_message else title
            parents = (base_sha,)
        commit = store.put_commit(tree, parents, author, committer, message)
        repo.verified_commits.add(commit.sha)
        pull.merged, pull.merged_at, pull.merged_by = True, now(), merger
        pull.merge_commit_sha, pull.base_sha = commit.sha, base_sha
        issue.state, issue.closed_at, issue.updated_at = "closed", pull.merged_at, pull.merged_at
        repo.open_pulls_by_head.pop(pull.head_ref, None)
        update_ref(world, repo, f"heads/{pull.base_ref}", commit.sha, merger, force=False)
        issue_event(world, repo, issue, "closed", merger)
        return commit.sha


def _hunk(files: list[FileDiff], path: str) -> str:
    for item in files:
        if item.filename == path:
            return item.patch or ""
    raise validation_failed("Path could not be resolved", "PullRequestReviewComment", "path")


def create_review(
    world: World,
    repo: Repo,
    issue: Issue,
    reviewer: Account,
    *,
    event: str,
    body: str = "",
    comments: list[tuple[str, int | None, str]] | None = None,
    commit_id: str | None = None,
) -> Review:
    """Submit a review (``APPROVE``, ``REQUEST_CHANGES`` or ``COMMENT``) with inline comments."""
    state = REVIEW_STATES.get(event.upper(), event.upper())
    if state not in REVIEW_STATES.values():
        raise validation_failed(f"{event} is not a valid review event", "PullRequestReview")
    with world.state.lock:
        pull = _open_pull(issue)
        if state == "CHANGES_REQUESTED" and not body:
            raise validation_failed("Review body is required for REQUEST_CHANGES")
        review = Review(
            world.state.next_id(), reviewer, state, body, commit_id or pull.head_sha, now()
        )
        files = world.issue_shapes.pull_files(repo, pull)
        created = [
            _new_review_comment(world, repo, issue, reviewer, path, line, text, review.id, files)
            for path, line, text in comments or []
        ]
        pull.reviews.append(review)
        payload = {
            "action": "submitted",
            "review": world.issue_shapes.review(repo, issue, review),
            "pull_request": world.issue_shapes.pull_simple(repo, issue),
        }
        world.emit("pull_request_review", payload, repo, reviewer)
        for comment in created:
            _review_comment_event(world, repo, issue, comment, reviewer)
        return review


def _new_review_comment(
    world: World,
    repo: Repo,
    issue: Issue,
    author: Account,
    path: str,
    line: int | None,
    body: str,
    review_id: int | None,
    files: list[FileDiff],
    in_reply_to: int | None = None,
) -> ReviewComment:
    pull = _open_pull(issue)
    moment = now()
    comment = ReviewComment(
        id=world.state.next_id(),
        review_id=review_id,
        user=author,
        path=path,
        line=line,
        body=body,
        commit_id=pull.head_sha,
        diff_hunk=_hunk(files, path),
        in_reply_to=in_reply_to,
        created_at=moment,
        updated_at=moment,
    )
    pull.review_comments.append(comment)
    world.state.review_comment_index[comment.id] = (repo, issue)
    return comment


def _review_comment_event(
    world: World, repo: Repo, issue: Issue, comment: ReviewComment, sender: Account
) -> None:
    payload = {
        "action": "created",
        "comment": world.issue_shapes.review_comment(repo, issue, comment),
        "pull_request": world.issue_shapes.pull_simple(repo, issue),
    }
    world.emit("pull_request_review_comment", payload, repo, sender)


def create_review_comment(
    world: World,
    repo: Repo,
    issue: Issue,
    author: Account,
    *,
    path: str,
    line: int | None,
    body: str,
    in_reply_to: int | None = None,
) -> ReviewComment:
    """A single inline comment or a reply; GitHub wraps it in a one-comment review."""
    with world.state.lock:
        pull = _open_pull(issue)
        files = world.issue_shapes.pull_files(repo, pull)
        review = Review(world.state.next_id(), author, "COMMENTED", "", pull.head_sha, now())
        pull.reviews.append(review)
        comment = _new_review_comment(
            world, repo, issue, author, path, line, body, review.id, files, in_reply_to
        )
        _review_comment_event(world, repo, issue, comment, author)
        return comment


def find_review_comment(world: World, repo: Repo, comment_id: int) -> ReviewComment:
    """A line comment by id within ``repo``; another repository's id is not found, as on GitHub."""
    found = world.state.review_comment_index.get(comment_id)
    if found is None or found[0] is not repo or found[1].pull is None:
        raise not_found()
    comment = next((c for c in found[1].pull.review_comments if c.id == comment_id), None)
    if comment is None:
        raise not_found()
    return comment


def reply_to_review_comment(
    world: World, repo: Repo, issue: Issue, author: Account, comment_id: int, body: str
) -> ReviewComment:
    pull = _open_pull(issue)
    parent = next((c for c in pull.review_comments if c.id == comment_id), None)
    if parent is None:
        raise not_found()
    root = parent.in_reply_to or parent.id
    return create_review_comment(
        world, repo, issue, author, path=parent.path, line=parent.line, body=body, in_reply_to=root
    )


def request_reviewers(
    world: World, repo: Repo, issue: Issue, logins: list[str], sender: Account
) -> None:
    with world.state.lock:
        pull = _open_pull(issue)
        for login in logins:
            account = world.state.accounts.get(login.lower())
            if account is None or world.state.permission(repo, login) == "none":
                raise validation_failed(
                    "Reviews may only be requested from collaborators. One or more of the users "
                    "or teams you specified is not a collaborator of the "
                    f"{repo.full_name} repository."
                )
            if account not in pull.requested_reviewers:
                pull.requested_reviewers.append(account)
                issue.updated_at = now()
                payload = {
                    "action": "review_requested",
                    "number": issue.number,
                    "pull_request": world.issue_shapes.pull(repo, issue),
                    "requested_reviewer": world.shapes.user(account),
                }
                world.emit("pull_request", payload, repo, sender)
