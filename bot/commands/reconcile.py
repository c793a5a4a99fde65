"""``godwit reconcile``: rebuild the state store from GitHub after losing or restoring it."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.commands.server import LogLevelOption, settings_or_exit
from bot.jobs.queue import create_huey
from bot.rendering import render
from bot.service.context import AppServices
from bot.service.reconcile import all_installations, reconcile
from bot.store.db import create_engine_for, session_factory, upgrade_database

InstallationOption = Annotated[
    list[int] | None,
    typer.Option("--installation", help="Only this installation id (repeatable; default: all)."),
]


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile_command)


def reconcile_command(
    installation: InstallationOption = None, log_level: LogLevelOption = "warning"
) -> None:
    """Rebuild campaigns and their pull requests from GitHub into the configured database."""
    settings = settings_or_exit("reconcile", log_level)
    upgrade_database(settings.database_url)
    engine = create_engine_for(settings.database_url)
    try:
        services = AppServices.from_settings(
            settings,
            sessions=session_factory(engine),
            huey=create_huey(settings.queue_url, name=settings.queue_name),
        )
        report = reconcile(services, installation or all_installations(services))
    finally:
        engine.dispose()
    typer.echo(render("cli/reconcile.txt.j2", report=report), nl=False)
