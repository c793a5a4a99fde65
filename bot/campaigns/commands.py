"""``/migrate`` commands written in comments, parsed without side effects.

Only the first line of a comment is read, so a command can be followed by an
explanation for humans without that text becoming arguments.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from enum import StrEnum

from bot.campaigns.residual import WaiverError, parse_waiver_target
from bot.rendering import render

PREFIX = "/migrate"
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


class Context(StrEnum):
    """Where a comment was written: the campaign issue or one of the campaign's PRs."""

    ISSUE = "issue"
    PR = "pr"


# The commands valid in each context, in the order the help text lists them.
COMMANDS: dict[Context, tuple[str, ...]] = {
    Context.ISSUE: (
        "plan",
        "start",
        "pause",
        "resume",
        "exclude",
        "include",
        "waive",
        "status",
        "cancel",
        "help",
    ),
    Context.PR: ("rerun", "rebase", "skip", "explain", "help"),
}


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


@dataclass(frozen=True)
class CommandError:
    """A comment addressed to Godwit that is not a valid command here; answered with help."""

    problem: str
    context: Context

    def render(self) -> str:
        return render_help(self.context, problem=self.problem)


def render_help(context: Context, *, problem: str | None = None) -> str:
    return render(
        "campaign/help.md.j2", context=context.value, commands=COMMANDS[context], problem=problem
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
    if name not in COMMANDS[context]:
        other = Context.PR if context is Context.ISSUE else Context.ISSUE
        where = "a campaign pull request" if other is Context.PR else "the campaign issue"
        hint = f" (it works on {where})" if name in COMMANDS[other] else ""
        return CommandError(f"{_code(name)} is not a command here{hint}", context)
    try:
        return _arguments(name, args, context)
    except ValueError as exc:
        return CommandError(f"{_code(name)}: {exc}", context)


def _arguments(name: str, args: list[str], context: Context) -> Command:
    if name == "start":
        return Command(name, context, batch=_batch(args))
    if name in {"exclude", "include"}:
        if not args:
            raise ValueError("name at least one repository as OWNER/REPO")
        for repo in args:
            if not _REPO.fullmatch(repo):
                raise ValueError(f"{_code(repo)} is not a repository name (OWNER/REPO)")
        return Command(name, context, repos=tuple(dict.fromkeys(args)))
    if name in {"rerun", "rebase"}:
        if any(arg != "--force" for arg in args):
            raise ValueError(f"unexpected {_code(_first_other(args, '--force'))} (only `--force`)")
        return Command(name, context, force=bool(args))
    if name == "waive":
        if len(args) < 2:
            raise ValueError("name OWNER/REPO[:PATH] and give a reason")
        try:
            repo, path = parse_waiver_target(args[0])
        except WaiverError as error:
            raise ValueError(str(error)) from None
        return Command(name, context, repos=(repo,), path=path, reason=" ".join(args[1:]))
    if name == "skip":
        return Command(name, context, reason=" ".join(args) or None)
    if args:
        raise ValueError(f"takes no arguments, got {_code(' '.join(args))}")
    return Command(name, context)


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
        raise ValueError(f"unexpected {_code(args[0])} (only `--batch N`)")
    if rest:
        raise ValueError(f"unexpected {_code(rest[0])} after the batch size")
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        raise ValueError(f"the batch size must be a whole number of at least 1, got {_code(value)}")
    return int(value)


def _code(text: str) -> str:
    """Echo what someone wrote as inline code, so it cannot mention or link anyone."""
    return "`" + text.replace("`", "'") + "`"


def _first_other(args: list[str], allowed: str) -> str:
    return next(arg for arg in args if arg != allowed)
