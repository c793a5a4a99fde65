"""Payloads of the issue and pull-request webhooks, shared by every action that sends them."""

from __future__ import annotations

from typing import Any

from bot.sandbox.state import Account, Issue, Label, Repo
from bot.sandbox.world import World


def issue_event(
    world: World,
    repo: Repo,
    issue: Issue,
    action: str,
    sender: Account,
    **extra: Any,
) -> None:
    """``issues`` for an issue, ``pull_request`` for a pull request, like GitHub."""
    if issue.pull is not None:
        payload = {
            "action": action,
            "number": issue.number,
            "pull_request": world.issue_shapes.pull(repo, issue),
            **extra,
        }
        world.emit("pull_request", payload, repo, sender)
        return
    payload = {"action": action, "issue": world.issue_shapes.issue(repo, issue), **extra}
    world.emit("issues", payload, repo, sender)


def label_event(
    world: World, repo: Repo, issue: Issue, action: str, label: Label, sender: Account
) -> None:
    issue_event(world, repo, issue, action, sender, label=world.issue_shapes.label(repo, label))
