"""``godwit sandbox``: run the local GitHub on loopback, seeded, with Godwit's app installed.

Lets a developer point a running Godwit at a GitHub with real repositories and drive people's
actions through ``/_sandbox/act/<action>`` from another terminal.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from bot.rendering import render
from bot.sandbox import Sandbox, serve


def run_sandbox(
    port: Annotated[int, typer.Option("--port", help="Loopback port (0: any free port).")] = 0,
    owner: Annotated[
        str, typer.Option("--org", help="The organization that owns the seeded repositories.")
    ] = "acme",
    seed: Annotated[
        Path | None,
        typer.Option("--seed", help="A folder whose subfolders become one repository each."),
    ] = None,
    webhook_url: Annotated[
        str | None,
        typer.Option("--webhook-url", help="Where the installed app's webhooks go (Godwit)."),
    ] = None,
    key_path: Annotated[
        Path, typer.Option("--key-file", help="Where to write the app's private key.")
    ] = Path("sandbox-app.pem"),
) -> None:
    """Run a sandboxed GitHub until interrupted."""
    sandbox = Sandbox()
    sandbox.create_org(owner)
    repos = sandbox.seed_from_directory(owner, seed) if seed is not None else []
    app = sandbox.create_app("godwit", webhook_url)
    installation_id = sandbox.install(app.app_id, owner)
    key_path.write_text(app.private_key_pem)
    key_path.chmod(0o600)
    with serve(sandbox, port=port) as server:
        typer.echo(
            render(
                "sandbox/started.txt",
                url=server.url,
                api_url=server.api_url,
                app=app,
                installation_id=installation_id,
                webhook_url=webhook_url,
                owner=owner,
                key_path=key_path,
                repos=[repo.full_name for repo in repos],
            ),
            nl=False,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("Stopped.")


def register(app: typer.Typer) -> None:
    app.command("sandbox")(run_sandbox)
