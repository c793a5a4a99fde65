"""The command registry: one entry per ``/migrate`` command, read by everything that lists them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaigns.campaign_state import FINISHED
from bot.campaigns.command_registry import (
    REGISTRY,
    Command,
    CommandEntry,
    Context,
    close_matches,
    commands_in,
    find_command,
    help_texts,
    readme_rows,
)
from bot.campaigns.commands import CommandError, parse_command, render_help
from bot.campaigns.events import Failed, Planned, Retried
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.permissions import GROWING_COMMANDS
from bot.campaigns.states import RepoState, Target, apply_all
from bot.service.command_handlers import HANDLERS

README = Path(__file__).resolve().parents[2] / "README.md"
NAMES = [entry.name for entry in REGISTRY]


def test_names_are_unique_and_every_command_applies_somewhere() -> None:
    assert len(NAMES) == len(set(NAMES))
    for entry in REGISTRY:
        assert entry.where, entry.name
        assert entry.transitions, f"{entry.name} applies in no campaign state"
        assert find_command(entry.name) is entry


def test_every_registered_command_has_a_handler_and_nothing_else_does() -> None:
    assert set(HANDLERS) == set(NAMES)
    assert all(callable(handler) for handler in HANDLERS.values())


def test_every_registered_command_has_help_and_the_help_names_no_other() -> None:
    described = help_texts()
    assert set(described) == set(NAMES)
    assert all(text.strip() for text in described.values())
    for context in Context:
        text = render_help(context)
        listed = re.findall(r"^\| `/migrate ([a-z-]+)` \|", text, flags=re.MULTILINE)
        assert listed == [entry.name for entry in commands_in(context)]


def test_the_readme_lists_exactly_the_registered_commands() -> None:
    rows = {
        match[0]: match[1]
        for match in re.findall(
            r"^\| (campaign issue|campaign PR) \| (.+) \|$", README.read_text(), re.MULTILINE
        )
    }
    assert rows == readme_rows()
    written = re.findall(r"`([a-z-]+)[^`]*`", " ".join(rows.values()))
    assert sorted(set(written)) == sorted(NAMES)


@pytest.mark.parametrize("command", REGISTRY, ids=NAMES)
def test_the_lifecycle_follows_each_entry_in_every_state(command: CommandEntry) -> None:
    for state in CampaignState:
        expected = command.transitions.get(state)
        if expected is not None:
            assert campaign_transition(state, command.name) is expected
            continue
        with pytest.raises(TransitionError) as refused:
            campaign_transition(state, command.name)
        wording = "no longer applies" if state in FINISHED else "does not apply while"
        assert wording in str(refused.value)


def test_growing_commands_come_from_the_entries() -> None:
    assert {"plan", "start", "resume", "retry-failed", "include"} == GROWING_COMMANDS
    for name in GROWING_COMMANDS:
        entry = find_command(name)
        assert entry is not None
        assert Context.ISSUE in entry.where


def test_retry_failed_is_an_issue_command_for_a_running_campaign() -> None:
    assert parse_command("/migrate retry-failed", Context.ISSUE) == Command(
        "retry-failed", Context.ISSUE
    )
    assert parse_command("/migrate retry-failed now", Context.ISSUE) == CommandError(
        "`retry-failed`: takes no arguments, got `now`", Context.ISSUE
    )
    error = parse_command("/migrate retry-failed", Context.PR)
    assert isinstance(error, CommandError)
    assert "it works on the campaign issue" in error.problem
    assert campaign_transition(CampaignState.RUNNING, "retry-failed") is CampaignState.RUNNING
    with pytest.raises(TransitionError, match="does not apply while the campaign is paused"):
        campaign_transition(CampaignState.PAUSED, "retry-failed")


@pytest.mark.parametrize(
    ("typed", "context", "expected"),
    [
        ("strat", Context.ISSUE, ("start", "status")),
        ("stat", Context.ISSUE, ("status", "start")),
        ("rerum", Context.PR, ("rerun",)),
        ("retry", Context.ISSUE, ("retry-failed",)),
        ("frobnicate", Context.ISSUE, ()),
        ("START", Context.ISSUE, ("start",)),
    ],
)
def test_close_matches_come_from_the_commands_of_the_context(
    typed: str, context: Context, expected: tuple[str, ...]
) -> None:
    assert close_matches(typed, context)[: len(expected) or None] == expected
    if not expected:
        assert close_matches(typed, context) == ()


def test_a_typo_is_answered_with_what_it_probably_meant() -> None:
    error = parse_command("/migrate strat --batch 2", Context.ISSUE)
    assert isinstance(error, CommandError)
    assert error.suggestions[0] == "start"
    text = error.render()
    assert "Godwit did not understand that: `strat` is not a command here." in text
    assert "Did you mean `/migrate start`" in text
    assert "Did you mean" not in render_help(Context.ISSUE)
    unknown = parse_command("/migrate frobnicate", Context.ISSUE)
    assert isinstance(unknown, CommandError)
    assert "Did you mean" not in unknown.render()


def test_a_retry_ends_a_failure_until_the_next_one() -> None:
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    failed = apply_all(
        Target("acme/radio"), [Planned(t0, has_changes=True), Failed(t0 + timedelta(1), "no")]
    )
    assert failed.state is RepoState.FAILED
    retried = apply_all(failed, [Retried(t0 + timedelta(2))])
    assert retried.state is RepoState.PENDING
    again = apply_all(retried, [Failed(t0 + timedelta(3), "still no")])
    assert again.state is RepoState.FAILED
    # A late retry delivery cannot hide a newer failure.
    assert apply_all(again, [Retried(t0 + timedelta(2))]).state is RepoState.FAILED
