"""``godwit register``: create Godwit's GitHub App from ``app.yml`` and save its credentials."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from bot.github.client import GITHUB_WEB_URL, api_url, web_url
from bot.github.manifest import manifest_path
from bot.github.registration import RegistrationServer, exchange_code, save_credentials
from bot.github.webhook_url import WEBHOOK_PATH, WebhookUrlError, is_godwit_route, webhook_url
from bot.rendering import render

CODE_LIFETIME_S = 3600.0
"""GitHub accepts the manifest code for an hour."""
EXIT_USAGE = 2


def register_app(
    webhook_url_text: Annotated[
        str,
        typer.Option(
            "--webhook-url",
            metavar="URL",
            help=f"Where GitHub sends webhooks: Godwit's {WEBHOOK_PATH}, e.g. "
            f"https://godwit.example.com{WEBHOOK_PATH} (a bare https://HOST gets {WEBHOOK_PATH}).",
        ),
    ],
    org: Annotated[
        str | None, typer.Option("--org", help="Register under this organization.")
    ] = None,
    github_url: Annotated[
        str, typer.Option("--github-url", help="github.com or your GitHub Enterprise Server.")
    ] = GITHUB_WEB_URL,
    port: Annotated[
        int, typer.Option("--port", help="Local port for the registration page (0: any).")
    ] = 0,
    name: Annotated[
        str | None, typer.Option("--name", help="App name, if not the one in app.yml.")
    ] = None,
    env_file: Annotated[
        Path, typer.Option("--env-file", help="The .env file to write the credentials to.")
    ] = Path(".env"),
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in the default browser.")
    ] = True,
) -> None:
    """Register Godwit as a GitHub App through GitHub's manifest flow."""
    try:
        hook_url = webhook_url(webhook_url_text)
    except WebhookUrlError as error:
        typer.echo(f"godwit register: --webhook-url {error}; nothing was registered.", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    manifest_text = manifest_path().read_text(encoding="utf-8")
    with RegistrationServer(
        manifest_text=manifest_text,
        web_url=web_url(github_url),
        webhook_url=hook_url,
        org=org,
        name=name,
        port=port,
    ) as server:
        typer.echo(render("register/open_page.txt", url=server.url, org=org), nl=False)
        if open_browser:
            webbrowser.open(server.url)
        try:
            code = server.wait_for_code(CODE_LIFETIME_S)
        except TimeoutError as error:
            typer.echo(f"{error}; run godwit register again.", err=True)
            raise typer.Exit(1) from error
    credentials = exchange_code(api_url(github_url), code)
    key_path = save_credentials(credentials, env_file)
    typer.echo(
        render(
            "register/next_steps.txt",
            slug=credentials.slug,
            app_id=credentials.app_id,
            html_url=credentials.html_url,
            env_path=env_file.resolve(),
            key_path=key_path,
            webhook_url=hook_url,
            godwit_route=is_godwit_route(hook_url),
            webhook_path=WEBHOOK_PATH,
        ),
        nl=False,
    )


def register(app: typer.Typer) -> None:
    app.command("register")(register_app)
