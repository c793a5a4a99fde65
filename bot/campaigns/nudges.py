"""Reminding reviewers of a PR nobody has touched for a while, once per PR."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.campaigns.states import OPEN, Target
from bot.rendering import render


def idle(last_activity: datetime | None, now: datetime, stale_days: int) -> bool:
    return last_activity is not None and now - last_activity >= timedelta(days=stale_days)


def is_stale(target: Target, now: datetime, stale_days: int) -> bool:
    """An open PR without activity by people for ``stale_days`` days."""
    return target.state in OPEN and idle(target.last_activity, now, stale_days)


def due_for_nudge(target: Target, now: datetime, stale_days: int) -> bool:
    """Stale and not yet nudged on this PR: one reminder is helpful, several are noise."""
    return is_stale(target, now, stale_days) and target.pr_number not in target.nudged_prs


def render_nudge(
    target: Target, *, now: datetime, reviewers: tuple[str, ...], issue_url: str
) -> str:
    quiet = now - target.last_activity if target.last_activity is not None else timedelta(0)
    return render(
        "campaign/nudge.md.j2",
        days=quiet.days,
        reviewers=reviewers,
        state=target.state.value,
        issue_url=issue_url,
    )
