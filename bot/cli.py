"""The ``godwit`` command line."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="godwit",
    help="Migrate every consumer of a retired dataset, one reviewed pull request per repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each command family lives in its own module under bot/commands and registers itself here.


def main() -> None:
    app()
