"""The ``godwit`` command line.

Each command family lives in its own module under ``bot/commands`` and registers
itself on the app. Only the family of the command being run is imported: the
engine commands then start without loading the web, GitHub and LLM stacks.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from bot.cli_help import HELP_OPTION_NAMES, VERSION_OPTION, GodwitGroup, show_version

app = typer.Typer(
    name="godwit",
    cls=GodwitGroup,
    help="Migrate every consumer of a retired dataset, one reviewed pull request per repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": HELP_OPTION_NAMES},
)


@app.callback()
def godwit(
    version: Annotated[
        bool,
        typer.Option(
            VERSION_OPTION,
            is_eager=True,
            expose_value=False,
            callback=show_version,
            help="Show Godwit's version and exit.",
        ),
    ] = False,
) -> None:
    """Migrate every consumer of a retired dataset, one reviewed pull request per repository."""
    # A callback keeps ``godwit`` a group even when only one family's single command is
    # registered; otherwise typer would run that command directly and reject its name.


# Command name -> the bot.commands module that registers it.
COMMAND_FAMILIES = {
    "plan": "engine",
    "apply": "engine",
    "diff": "engine",
    "residual": "engine",
    "demo": "demo",
    "reconcile": "reconcile",
    "register": "register",
    "sandbox": "sandbox",
    "serve": "server",
    "worker": "server",
}


_registered: set[str] = set()


def register_commands(command: str | None) -> None:
    """Register the family of ``command``, or every family for help and unknown names.

    Registering a family twice is a no-op, so tests may ask for what they invoke.
    """
    family = COMMAND_FAMILIES.get(command or "")
    families = [family] if family else sorted(set(COMMAND_FAMILIES.values()))
    for name in families:
        if name not in _registered:
            importlib.import_module(f"bot.commands.{name}").register(app)
            _registered.add(name)


def main() -> None:
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    register_commands(command)
    app()


if __name__ == "__main__":
    main()
