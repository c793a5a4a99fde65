"""``/migrate`` commands written in comments, parsed without side effects.

Only the first line of a comment is read, so a command can be followed by an
explanation for humans without that text becoming arguments. Which commands
exist, where, and with which arguments is ``bot.campaigns.command_registry``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.campaigns.command_registry import (
    PREFIX,
    Command,
    Context,
    close_matches,
    code,
    find_command,
    names_in,
)
from bot.rendering import render

__all__ = [
    "COMMANDS",
    "HELP_MARKER",
    "NOT_UNDERSTOOD_MARKER",
    "PREFIX",
    "Command",
    "CommandError",
    "Context",
    "parse_command",
    "render_help",
]

HELP_MARKER = "<!-- godwit:help -->"
"""The answer to ``/migrate help``: one comment, edited in place."""
NOT_UNDERSTOOD_MARKER = "<!-- godwit:not-understood -->"
"""The answer to a command Godwit could not read: a new comment each time, never edited."""

# The commands valid in each context, in the order the help text lists them.
COMMANDS: dict[Context, tuple[str, ...]] = {context: names_in(context) for context in Context}


@dataclass(frozen=True)
class CommandError:
    """A comment addressed to Godwit that is not a valid command here; answered with help."""

    problem: str
    context: Context
    suggestions: tuple[str, ...] = field(default=())

    def render(self) -> str:
        return render_help(self.context, problem=self.problem, suggestions=self.suggestions)


def render_help(
    context: Context, *, problem: str | None = None, suggestions: tuple[str, ...] = ()
) -> str:
    return render(
        "campaign/help.md.j2",
        marker=HELP_MARKER if problem is None else NOT_UNDERSTOOD_MARKER,
        context=context.value,
        commands=COMMANDS[context],
        problem=problem,
        suggestions=suggestions,
    )


def parse_command(body: str, context: Context) -> Command | CommandError | None:
    """Parse the first line of a comment; ``None`` when the comment is not for Godwit."""
    lines = body.strip().splitlines()
    first = lines[0].strip() if lines else ""
    if first.split(maxsplit=1)[:1] != [PREFIX]:
        return None
    try:
        words = shlex.split(first)[1:]
    except ValueError as exc:
        return CommandError(f"the command line could not be read ({exc})", context)
    if not words:
        return CommandError("no command was given after `/migrate`", context)
    name, args = words[0], words[1:]
    entry = find_command(name)
    if entry is None or context not in entry.where:
        return _unknown(name, context, elsewhere=entry is not None)
    try:
        return entry.arguments(name, context, args)
    except ValueError as exc:
        return CommandError(f"{code(name)}: {exc}", context)


def _unknown(name: str, context: Context, *, elsewhere: bool) -> CommandError:
    if elsewhere:
        where = "a campaign pull request" if context is Context.ISSUE else "the campaign issue"
        return CommandError(f"{code(name)} is not a command here (it works on {where})", context)
    return CommandError(
        f"{code(name)} is not a command here", context, suggestions=close_matches(name, context)
    )
