"""The ``godwit`` command line."""

from __future__ import annotations

import typer

from bot.commands import engine as engine_commands
from bot.commands import register as register_commands
from bot.commands import sandbox as sandbox_commands
from bot.commands import server as server_commands

app = typer.Typer(
    name="godwit",
    help="Migrate every consumer of a retired dataset, one reviewed pull request per repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each command family lives in its own module under bot/commands and registers itself here.
engine_commands.register(app)
register_commands.register(app)
sandbox_commands.register(app)
server_commands.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
