"""Which repositories get their pull request next under ``/migrate start --batch N``."""

from __future__ import annotations

from collections.abc import Iterable

from bot.campaigns.scope import Overrides, in_scope
from bot.campaigns.states import OPEN, RepoState, Target
from bot.spec import Campaign


def next_cohort(
    campaign: Campaign,
    targets: Iterable[Target],
    *,
    batch: int | None,
    overrides: Overrides | None = None,
) -> list[str]:
    """Pending repositories with changes, in scope, by name; ``batch`` caps open PRs.

    The cap counts PRs already open, so repeating ``start --batch 5`` tops the
    campaign up to five open PRs instead of opening five more each time.
    The order is by lower-cased name so that every run picks the same cohort.
    """
    targets = list(targets)
    ready = sorted(
        (
            t.repo
            for t in targets
            if t.state is RepoState.PENDING
            and t.has_changes is True
            and in_scope(campaign, t.repo, overrides)
        ),
        key=lambda repo: (repo.lower(), repo),
    )
    if batch is None:
        return ready
    open_now = sum(1 for t in targets if t.state in OPEN)
    return ready[: max(batch - open_now, 0)]
