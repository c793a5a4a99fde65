"""Scope globs, command overrides and the choice of the next cohort of PRs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.campaigns.batching import next_cohort
from bot.campaigns.commands import Command, Context
from bot.campaigns.events import Failed, Planned, PrOpened
from bot.campaigns.scope import apply_scope_command, in_scope
from bot.campaigns.states import Target, apply
from bot.spec import Campaign

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("repo", "expected"),
    [
        ("acme/radio", True),
        ("ACME/Radio", True),
        ("acme/sandbox-jane", False),
        ("Acme/SANDBOX-x", False),
        ("acme/sandbox", True),
        ("partner/shared-etl", True),
        ("partner/etl", False),
        ("other/radio", False),
    ],
)
def test_scope_globs_are_case_insensitive(campaign: Campaign, repo: str, expected: bool) -> None:
    assert in_scope(campaign, repo) is expected


def test_commands_override_globs_and_the_last_one_wins(campaign: Campaign) -> None:
    overrides = apply_scope_command(
        {}, Command("exclude", Context.ISSUE, repos=("Acme/Radio", "acme/jobs"))
    )
    overrides = apply_scope_command(
        overrides, Command("include", Context.ISSUE, repos=("acme/sandbox-demo", "acme/jobs"))
    )
    assert overrides == {"acme/radio": False, "acme/jobs": True, "acme/sandbox-demo": True}
    assert in_scope(campaign, "acme/radio", overrides) is False
    assert in_scope(campaign, "acme/jobs", overrides) is True
    assert in_scope(campaign, "ACME/sandbox-demo", overrides) is True
    assert in_scope(campaign, "acme/sandbox-other", overrides) is False
    assert apply_scope_command(overrides, Command("status", Context.ISSUE)) == overrides


def planned(repo: str, has_changes: bool = True) -> Target:
    return apply(Target(repo), Planned(T0, has_changes))


def test_next_cohort_takes_pending_in_scope_repos_with_changes_by_name(campaign: Campaign) -> None:
    targets = [
        planned("acme/zebra"),
        planned("acme/Alpha"),
        planned("acme/nothing", has_changes=False),
        planned("acme/sandbox-x"),
        planned("other/radio"),
        planned("acme/beta"),
        apply(planned("acme/broken"), Failed(T0, "tree too large")),
        apply(planned("acme/open"), PrOpened(T0, 3, "https://github.com/acme/open/pull/3", "a1")),
        Target("acme/unplanned"),
    ]
    assert next_cohort(campaign, targets, batch=None) == ["acme/Alpha", "acme/beta", "acme/zebra"]
    assert next_cohort(campaign, list(reversed(targets)), batch=None) == [
        "acme/Alpha",
        "acme/beta",
        "acme/zebra",
    ]
    # One PR is already open: a batch of 3 tops up to three open PRs.
    assert next_cohort(campaign, targets, batch=3) == ["acme/Alpha", "acme/beta"]
    assert next_cohort(campaign, targets, batch=1) == []
    overrides = {"acme/alpha": False, "acme/sandbox-x": True}
    assert next_cohort(campaign, targets, batch=10, overrides=overrides) == [
        "acme/beta",
        "acme/sandbox-x",
        "acme/zebra",
    ]
