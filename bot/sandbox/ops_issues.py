"""Issue, label, comment and reaction changes with the webhooks GitHub sends for them."""

from __future__ import annotations

from bot.sandbox.errors import GitHubError, not_found, validation_failed
from bot.sandbox.events import issue_event, label_event
from bot.sandbox.shapes_issues import REACTION_CONTENTS
from bot.sandbox.state import (
    Account,
    App,
    Issue,
    IssueComment,
    Label,
    Reaction,
    Repo,
    now,
)
from bot.sandbox.world import World

NEW_LABEL_COLOR = "ededed"


def create_label(
    world: World,
    repo: Repo,
    name: str,
    color: str = NEW_LABEL_COLOR,
    description: str | None = None,
) -> Label:
    with world.state.lock:
        if name.lower() in repo.labels:
            raise validation_failed("already_exists", "Label", "name")
        label = Label(world.state.next_id(), name, color.lstrip("#"), description)
        repo.labels[name.lower()] = label
        return label


def _label(world: World, repo: Repo, name: str) -> Label:
    """The repository's label, created on first use as GitHub does when labelling."""
    return repo.labels.get(name.lower()) or create_label(world, repo, name)


def create_issue(
    world: World,
    repo: Repo,
    author: Account,
    title: str,
    body: str | None = None,
    labels: list[str] | None = None,
) -> Issue:
    with world.state.lock:
        if not title:
            raise validation_failed("title can't be blank", "Issue", "title")
        moment = now()
        issue = Issue(
            id=world.state.next_id(),
            pull_id=0,
            number=len(repo.issues) + 1,
            title=title,
            body=body,
            user=author,
            state="open",
            state_reason=None,
            labels=[_label(world, repo, name) for name in labels or []],
            created_at=moment,
            updated_at=moment,
        )
        repo.issues[issue.number] = issue
        issue_event(world, repo, issue, "opened", author)
        for label in issue.labels:
            label_event(world, repo, issue, "labeled", label, author)
        return issue


def set_state(
    world: World, repo: Repo, issue: Issue, state: str, reason: str | None, sender: Account
) -> None:
    """Close or reopen; for a pull request this is closing without merging."""
    if state not in ("open", "closed"):
        raise validation_failed(f"{state} is not a valid state", "Issue", "state")
    if state == issue.state:
        return
    issue.updated_at = now()
    if state == "closed":
        issue.state = "closed"
        issue.closed_at = issue.updated_at
        issue.state_reason = reason or "completed"
        if issue.pull is not None:
            repo.open_pulls_by_head.pop(issue.pull.head_ref, None)
        issue_event(world, repo, issue, "closed", sender)
        return
    if issue.pull is not None:
        if issue.pull.merged:
            raise validation_failed("state cannot be changed. The pull request is merged.")
        if issue.pull.head_ref in repo.open_pulls_by_head:
            raise validation_failed(
                f"A pull request already exists for {repo.owner.login}:{issue.pull.head_ref}."
            )
        repo.open_pulls_by_head[issue.pull.head_ref] = issue.number
    issue.state = "open"
    issue.closed_at = None
    issue.state_reason = "reopened"
    issue_event(world, repo, issue, "reopened", sender)


def edit_issue(
    world: World,
    repo: Repo,
    issue: Issue,
    sender: Account,
    *,
    title: str | None = None,
    body: str | None = None,
    state: str | None = None,
    state_reason: str | None = None,
    labels: list[str] | None = None,
) -> None:
    """Apply a PATCH: content changes send ``edited`` with the old values, then state and labels."""
    with world.state.lock:
        changes: dict[str, dict[str, str | None]] = {}
        if title is not None and title != issue.title:
            changes["title"] = {"from": issue.title}
            issue.title = title
        if body is not None and body != issue.body:
            changes["body"] = {"from": issue.body}
            issue.body = body
        if changes:
            issue.updated_at = now()
            issue_event(world, repo, issue, "edited", sender, changes=changes)
        if state is not None:
            set_state(world, repo, issue, state, state_reason, sender)
        if labels is not None:
            set_labels(world, repo, issue, labels, sender)


def set_labels(world: World, repo: Repo, issue: Issue, names: list[str], sender: Account) -> None:
    with world.state.lock:
        wanted = [_label(world, repo, name) for name in names]
        for label in [old for old in issue.labels if old not in wanted]:
            issue.labels.remove(label)
            label_event(world, repo, issue, "unlabeled", label, sender)
        add_labels(world, repo, issue, names, sender)


def add_labels(world: World, repo: Repo, issue: Issue, names: list[str], sender: Account) -> None:
    with world.state.lock:
        for name in names:
            label = _label(world, repo, name)
            if label in issue.labels:
                continue
            issue.labels.append(label)
            issue.updated_at = now()
            label_event(world, repo, issue, "labeled", label, sender)


def remove_label(world: World, repo: Repo, issue: Issue, name: str, sender: Account) -> None:
    with world.state.lock:
        label = next((lb for lb in issue.labels if lb.name.lower() == name.lower()), None)
        if label is None:
            raise GitHubError(404, "Label does not exist")
        issue.labels.remove(label)
        issue.updated_at = now()
        label_event(world, repo, issue, "unlabeled", label, sender)


def create_comment(
    world: World, repo: Repo, issue: Issue, author: Account, body: str, app: App | None = None
) -> IssueComment:
    with world.state.lock:
        if not body:
            raise validation_failed("body can't be blank", "IssueComment", "body")
        moment = now()
        comment = IssueComment(
            world.state.next_id(), issue.number, body, author, moment, moment, app
        )
        issue.comments.append(comment)
        world.state.comment_index[comment.id] = (repo, issue)
        _comment_event(world, repo, issue, comment, "created", author)
        return comment


def find_comment(world: World, repo: Repo, comment_id: int) -> tuple[Issue, IssueComment]:
    found = world.state.comment_index.get(comment_id)
    if found is None or found[0] is not repo:
        raise not_found()
    issue = found[1]
    comment = next((c for c in issue.comments if c.id == comment_id), None)
    if comment is None:
        raise not_found()
    return issue, comment


def edit_comment(
    world: World, repo: Repo, comment_id: int, body: str, sender: Account
) -> IssueComment:
    with world.state.lock:
        issue, comment = find_comment(world, repo, comment_id)
        changes = {"body": {"from": comment.body}}
        comment.body = body
        comment.updated_at = now()
        _comment_event(world, repo, issue, comment, "edited", sender, changes=changes)
        return comment


def delete_comment(world: World, repo: Repo, comment_id: int, sender: Account) -> None:
    with world.state.lock:
        issue, comment = find_comment(world, repo, comment_id)
        _comment_event(world, repo, issue, comment, "deleted", sender)
        issue.comments.remove(comment)
        del world.state.comment_index[comment_id]


def _comment_event(
    world: World,
    repo: Repo,
    issue: Issue,
    comment: IssueComment,
    action: str,
    sender: Account,
    **extra: object,
) -> None:
    payload = {
        "action": action,
        "issue": world.issue_shapes.issue(repo, issue),
        "comment": world.issue_shapes.comment(repo, comment),
        **extra,
    }
    world.emit("issue_comment", payload, repo, sender)


def react(world: World, reactions: list[Reaction], content: str, user: Account) -> Reaction:
    """Add a reaction; the same person reacting the same way again gets the existing one."""
    if content not in REACTION_CONTENTS:
        raise validation_failed(f"{content} is not a valid reaction", "Reaction", "content")
    with world.state.lock:
        for existing in reactions:
            if existing.content == content and existing.user.id == user.id:
                return existing
        reaction = Reaction(world.state.next_id(), content, user, now())
        reactions.append(reaction)
        return reaction
