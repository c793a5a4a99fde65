"""Every ``/migrate`` command as data: where it applies, its arguments, its states, its help.

One entry per command is read by everything that needs to know the commands:
the parser (``bot.campaigns.commands``), the campaign lifecycle (which states
each command applies in and where it leads), who may run it
(``bot.campaigns.permissions``), the help text and PR body (their order), the
README's command table (checked by a test) and the service layer, whose
handlers are registered under these names and checked against them. Adding a
command is one entry here and one handler function.

The wording people read about a command lives in ``templates/campaign/_commands.j2``,
keyed by the names here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.campaigns.campaign_state import UNFINISHED, CampaignState
from bot.campaigns.residual import WaiverError, parse_waiver_target
from bot.rendering import template_constant

PREFIX = "/migrate"
HELP_TEMPLATE = "campaign/_commands.j2"
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_MAX_SUGGESTIONS = 3
_MIN_PREFIX = 3


class Context(StrEnum):
    """Where a comment was written: the campaign issue or one of the campaign's PRs."""

    ISSUE = "issue"
    PR = "pr"


@dataclass(frozen=True)
class Command:
    """A valid command; only the fields its name uses are set."""

    name: str
    context: Context
    batch: int | None = None
    force: bool = False
    repos: tuple[str, ...] = ()
    reason: str | None = None
    path: str | None = None


ArgumentParser = Callable[[str, Context, list[str]], Command]
"""Turns the words after the name into a ``Command``; ``ValueError`` says what is wrong."""


@dataclass(frozen=True)
class CommandEntry:
    """One ``/migrate`` command.

    ``transitions`` maps each campaign state the command applies in to the state
    it leads to; a state it is missing from refuses the command there.
    ``grows`` marks commands that make Godwit read or write more repositories:
    they run the campaign author's YAML, so they need that author's right now.
    """

    name: str
    where: frozenset[Context]
    usage: str
    arguments: ArgumentParser
    transitions: Mapping[CampaignState, CampaignState]
    grows: bool = False

    @property
    def written(self) -> str:
        """The command with its arguments as people type it, e.g. ``start [--batch N]``."""
        return f"{self.name} {self.usage}".strip()


def code(text: str) -> str:
    """Echo what someone wrote as inline code, so it cannot mention or link anyone."""
    return "`" + text.replace("`", "'") + "`"


def _no_arguments(name: str, context: Context, args: list[str]) -> Command:
    if args:
        raise ValueError(f"takes no arguments, got {code(' '.join(args))}")
    return Command(name, context)


def _batch_argument(name: str, context: Context, args: list[str]) -> Command:
    return Command(name, context, batch=_batch(args))


def _batch(args: list[str]) -> int | None:
    if not args:
        return None
    if args[0].startswith("--batch="):
        value, rest = args[0].removeprefix("--batch="), args[1:]
    elif args[0] == "--batch" and len(args) >= 2:
        value, rest = args[1], args[2:]
    elif args[0] == "--batch":
        raise ValueError("`--batch` needs a number")
    else:
        raise ValueError(f"unexpected {code(args[0])} (only `--batch N`)")
    if rest:
        raise ValueError(f"unexpected {code(rest[0])} after the batch size")
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        raise ValueError(f"the batch size must be a whole number of at least 1, got {code(value)}")
    return int(value)


def _repositories(name: str, context: Context, args: list[str]) -> Command:
    if not args:
        raise ValueError("name at least one repository as OWNER/REPO")
    for repo in args:
        if not _REPO.fullmatch(repo):
            raise ValueError(f"{code(repo)} is not a repository name (OWNER/REPO)")
    return Command(name, context, repos=tuple(dict.fromkeys(args)))


def _force_flag(name: str, context: Context, args: list[str]) -> Command:
    other = next((arg for arg in args if arg != "--force"), None)
    if other is not None:
        raise ValueError(f"unexpected {code(other)} (only `--force`)")
    return Command(name, context, force=bool(args))


def _waiver(name: str, context: Context, args: list[str]) -> Command:
    if len(args) < 2:
        raise ValueError("name OWNER/REPO[:PATH] and give a reason")
    try:
        repo, path = parse_waiver_target(args[0])
    except WaiverError as error:
        raise ValueError(str(error)) from None
    return Command(name, context, repos=(repo,), path=path, reason=" ".join(args[1:]))


def _optional_reason(name: str, context: Context, args: list[str]) -> Command:
    return Command(name, context, reason=" ".join(args) or None)


def _stays(states: Iterable[CampaignState]) -> Mapping[CampaignState, CampaignState]:
    return MappingProxyType({state: state for state in states})


def _moves(pairs: Mapping[CampaignState, CampaignState]) -> Mapping[CampaignState, CampaignState]:
    return MappingProxyType(dict(pairs))


S = CampaignState
ISSUE = frozenset({Context.ISSUE})
PR = frozenset({Context.PR})
ANYWHERE = frozenset(Context)

# In the order the help text and the README list them.
REGISTRY: tuple[CommandEntry, ...] = (
    CommandEntry(
        "plan",
        ISSUE,
        "",
        _no_arguments,
        # Re-planning a campaign under way refreshes the plan without stopping it.
        _moves(
            {
                S.DISCOVERING: S.DISCOVERING,
                S.PLANNED: S.DISCOVERING,
                S.RUNNING: S.RUNNING,
                S.PAUSED: S.PAUSED,
            }
        ),
        grows=True,
    ),
    CommandEntry(
        "start",
        ISSUE,
        "[--batch N]",
        _batch_argument,
        # In a running campaign ``start`` opens the next batch.
        _moves({S.PLANNED: S.RUNNING, S.RUNNING: S.RUNNING, S.PAUSED: S.RUNNING}),
        grows=True,
    ),
    CommandEntry("pause", ISSUE, "", _no_arguments, _moves({S.RUNNING: S.PAUSED})),
    CommandEntry("resume", ISSUE, "", _no_arguments, _moves({S.PAUSED: S.RUNNING}), grows=True),
    CommandEntry(
        "retry-failed", ISSUE, "", _no_arguments, _moves({S.RUNNING: S.RUNNING}), grows=True
    ),
    CommandEntry("exclude", ISSUE, "OWNER/REPO...", _repositories, _stays(UNFINISHED)),
    CommandEntry("include", ISSUE, "OWNER/REPO...", _repositories, _stays(UNFINISHED), grows=True),
    CommandEntry("waive", ISSUE, "OWNER/REPO[:PATH] REASON", _waiver, _stays(UNFINISHED)),
    CommandEntry("status", ISSUE, "", _no_arguments, _stays(CampaignState)),
    CommandEntry(
        "cancel", ISSUE, "", _no_arguments, _moves(dict.fromkeys(UNFINISHED, S.CANCELLED))
    ),
    CommandEntry("rerun", PR, "[--force]", _force_flag, _stays(UNFINISHED)),
    CommandEntry("rebase", PR, "[--force]", _force_flag, _stays(UNFINISHED)),
    CommandEntry("skip", PR, "[reason]", _optional_reason, _stays(UNFINISHED)),
    CommandEntry("explain", PR, "", _no_arguments, _stays(CampaignState)),
    CommandEntry("help", ANYWHERE, "", _no_arguments, _stays(CampaignState)),
)

_BY_NAME: Mapping[str, CommandEntry] = MappingProxyType({entry.name: entry for entry in REGISTRY})


def find_command(name: str) -> CommandEntry | None:
    return _BY_NAME.get(name)


def commands_in(context: Context) -> tuple[CommandEntry, ...]:
    """The commands valid in ``context``, in the order the help lists them."""
    return tuple(entry for entry in REGISTRY if context in entry.where)


def names_in(context: Context) -> tuple[str, ...]:
    return tuple(entry.name for entry in commands_in(context))


def growing_commands() -> frozenset[str]:
    return frozenset(entry.name for entry in REGISTRY if entry.grows)


def close_matches(name: str, context: Context) -> tuple[str, ...]:
    """Commands of ``context`` that ``name`` is probably a typo of, closest first.

    A command that starts with what was typed comes first (``retry`` for
    ``retry-failed``, which is too short a part of it for ``difflib`` alone).
    """
    typed, names = name.lower(), names_in(context)
    started = [n for n in names if len(typed) >= _MIN_PREFIX and n.startswith(typed)]
    similar = difflib.get_close_matches(typed, names, n=_MAX_SUGGESTIONS)
    return tuple(dict.fromkeys([*started, *similar]))[:_MAX_SUGGESTIONS]


def help_texts() -> Mapping[str, str]:
    """What each command does, as the help text says it (from ``templates/``)."""
    described: Mapping[str, str] = template_constant(HELP_TEMPLATE, "DESCRIBE")
    return described


def readme_rows() -> dict[str, str]:
    """The README's command table, row by row: where → the commands written with arguments."""
    places = {Context.ISSUE: "campaign issue", Context.PR: "campaign PR"}
    return {
        places[context]: ", ".join(f"`{entry.written}`" for entry in commands_in(context))
        for context in Context
    }
