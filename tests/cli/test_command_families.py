"""The CLI's command table names exactly the commands each family registers."""

from __future__ import annotations

import importlib

import typer

from bot.cli import COMMAND_FAMILIES


def test_each_family_registers_the_commands_the_table_gives_it() -> None:
    for family in set(COMMAND_FAMILIES.values()):
        app = typer.Typer()
        importlib.import_module(f"bot.commands.{family}").register(app)
        registered = {info.name for info in app.registered_commands}
        expected = {name for name, owner in COMMAND_FAMILIES.items() if owner == family}
        assert registered == expected, family
