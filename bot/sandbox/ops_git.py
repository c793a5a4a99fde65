"""Ref changes and commits, with the push and pull-request synchronize webhooks they cause."""

from __future__ import annotations

from collections.abc import Mapping

from bot.sandbox.errors import unprocessable
from bot.sandbox.events import issue_event
from bot.sandbox.gitobjects import Commit, Signature
from bot.sandbox.state import Account, Repo, now
from bot.sandbox.world import World

ZERO_SHA = "0" * 40
PUSH_COMMIT_LIMIT = 20


def signature_of(account: Account) -> Signature:
    return Signature(account.name, account.email, now())


def commit_files(
    repo: Repo,
    parent: str | None,
    files: Mapping[str, bytes | str],
    deletes: tuple[str, ...],
    message: str,
    author: Signature,
    committer: Signature | None = None,
) -> Commit:
    """A commit on top of ``parent`` with ``files`` written and ``deletes`` removed."""
    store = repo.objects
    flat = store.flatten(store.commit(parent).tree) if parent else {}
    for path in deletes:
        flat.pop(path, None)
    flat.update(store.put_files(files))
    tree = store.build_tree(flat)
    parents = (parent,) if parent else ()
    return store.put_commit(tree, parents, author, committer or author, message)


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


def create_ref(world: World, repo: Repo, ref: str, sha: str, sender: Account) -> None:
    ref = _full_ref(ref)
    with world.state.lock:
        if ref in repo.refs:
            raise unprocessable("Reference already exists")
        if not repo.objects.has_commit(sha):
            raise unprocessable("Object does not exist")
        repo.refs[ref] = sha
        _after_move(world, repo, ref, ZERO_SHA, sha, False, sender)


def update_ref(
    world: World, repo: Repo, ref: str, sha: str, sender: Account, *, force: bool
) -> None:
    """Move a ref; without ``force`` only fast-forwards are allowed, as on GitHub."""
    ref = _full_ref(ref)
    with world.state.lock:
        before = repo.refs.get(ref)
        if before is None:
            raise unprocessable("Reference does not exist")
        if not repo.objects.has_commit(sha):
            raise unprocessable("Object does not exist")
        fast_forward = repo.objects.is_ancestor(before, sha)
        if not force and not fast_forward:
            raise unprocessable("Update is not a fast forward")
        repo.refs[ref] = sha
        _after_move(world, repo, ref, before, sha, not fast_forward, sender)


def delete_ref(world: World, repo: Repo, ref: str, sender: Account) -> None:
    ref = _full_ref(ref)
    with world.state.lock:
        before = repo.refs.pop(ref, None)
        if before is None:
            raise unprocessable("Reference does not exist")
        _after_move(world, repo, ref, before, ZERO_SHA, False, sender)


def _after_move(
    world: World, repo: Repo, ref: str, before: str, after: str, forced: bool, sender: Account
) -> None:
    repo.pushed_at = now()
    _emit_push(world, repo, ref, before, after, forced, sender)
    if ref.startswith("refs/heads/"):
        _sync_pulls(world, repo, ref.removeprefix("refs/heads/"), before, after, sender)


def _sync_pulls(
    world: World, repo: Repo, branch: str, before: str, after: str, sender: Account
) -> None:
    """A moved head updates its open pull request; a deleted head closes it, as on GitHub."""
    number = repo.open_pulls_by_head.get(branch)
    if number is None:
        return
    issue, pull = repo.pull(number)
    issue.updated_at = now()
    if after == ZERO_SHA:
        issue.state = "closed"
        issue.closed_at = issue.updated_at
        del repo.open_pulls_by_head[branch]
        issue_event(world, repo, issue, "closed", sender)
        return
    pull.head_sha = after
    issue_event(world, repo, issue, "synchronize", sender, before=before, after=after)


def _emit_push(
    world: World, repo: Repo, ref: str, before: str, after: str, forced: bool, sender: Account
) -> None:
    shapes = world.shapes
    commits: list[Commit] = []
    if after != ZERO_SHA:
        # A new branch lists the commits that are not on the default branch, as GitHub does.
        base = before if before != ZERO_SHA else repo.branch_sha(repo.default_branch)
        commits = (
            repo.objects.commits_between(base, after) if base else [repo.objects.commit(after)]
        )
    pushed = [_push_commit(world, repo, commit) for commit in commits[-PUSH_COMMIT_LIMIT:]]
    head = _push_commit(world, repo, repo.objects.commit(after)) if after != ZERO_SHA else None
    payload = {
        "ref": ref,
        "before": before,
        "after": after,
        "created": before == ZERO_SHA,
        "deleted": after == ZERO_SHA,
        "forced": forced,
        "base_ref": None,
        "compare": f"{shapes.web}/{repo.full_name}/compare/{before[:12]}...{after[:12]}",
        "commits": pushed,
        "head_commit": head,
        "pusher": {"name": sender.login, "email": sender.email},
    }
    world.emit("push", payload, repo, sender)


def _push_commit(world: World, repo: Repo, commit: Commit) -> dict[str, object]:
    body: dict[str, object] = dict(world.shapes.simple_commit(commit))
    body.update(
        {
            "distinct": True,
            "url": f"{world.shapes.web}/{repo.full_name}/commit/{commit.sha}",
            "added": [],
            "removed": [],
            "modified": [],
        }
    )
    return body
