"""``godwit register`` end to end: the local page, the sandbox's manifest flow, the saved files.

httpx plays the browser: it loads the local page, posts its form where the page
would auto-submit it, and follows GitHub's redirect back.
"""

from __future__ import annotations

import socket
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import dotenv
import httpx
import pytest
import typer
from typer.testing import CliRunner

from bot.commands.register import register
from bot.github.auth import GitHubApp
from bot.github.manifest import manifest_path
from bot.github.registration import RegistrationServer, exchange_code, save_credentials
from tests.github.conftest import World
from tests.github.test_github_manifest import EVENTS, PERMISSIONS

WEBHOOK_URL = "https://godwit.acme.dev/webhook"


class FormReader(HTMLParser):
    """The action and fields of the page's form, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = values["action"]
        elif tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")


def submit_start_page(url: str) -> httpx.Response:
    page = httpx.get(url)
    assert page.status_code == 200
    form = FormReader()
    form.feed(page.text)
    return httpx.post(form.action, data=form.fields, follow_redirects=True)


def registration(world: World, org: str | None = "acme") -> RegistrationServer:
    return RegistrationServer(
        manifest_text=manifest_path().read_text(encoding="utf-8"),
        web_url=world.server.url,
        webhook_url=WEBHOOK_URL,
        org=org,
        name="Godwit Acme",
    )


def test_manifest_flow_creates_the_app_and_saves_working_credentials(
    world: World, tmp_path: Path
) -> None:
    with registration(world) as server:
        answer = submit_start_page(server.url)
        assert answer.status_code == 200
        assert answer.url.path == "/callback"
        assert "Godwit is registered" in answer.text
        code = server.wait_for_code(timeout=5)
    credentials = exchange_code(world.server.api_url, code)
    assert credentials.slug == "godwit-acme"

    created = world.sandbox.state.apps[credentials.app_id]
    assert created.owner.login == "acme"
    assert created.permissions == PERMISSIONS
    assert set(created.events) == EVENTS
    assert created.webhook_url == WEBHOOK_URL

    env_path = tmp_path / ".env"
    save_credentials(credentials, env_path)
    saved = dotenv.dotenv_values(env_path)
    key = Path(str(saved["GODWIT_PRIVATE_KEY_PATH"])).read_text(encoding="utf-8")
    godwit = GitHubApp(int(str(saved["GODWIT_APP_ID"])), key, base_url=world.server.url)
    gh = godwit.app_client()
    authenticated = gh.rest.apps.get_authenticated().parsed_data
    assert authenticated is not None
    assert authenticated.slug == "godwit-acme"
    assert saved["GODWIT_WEBHOOK_SECRET"] == created.webhook_secret


def test_a_redirect_from_another_registration_is_refused(world: World) -> None:
    with registration(world) as server:
        answer = httpx.get(f"{server.url}/callback", params={"code": "c0de", "state": "forged"})
        assert answer.status_code == 400
        with pytest.raises(TimeoutError):
            server.wait_for_code(timeout=0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(url)
            return
        except httpx.ConnectError:
            time.sleep(0.02)
    raise AssertionError(f"{url} never answered")


def test_register_command(world: World, tmp_path: Path) -> None:
    port = free_port()
    env_path = tmp_path / ".env"
    cli = typer.Typer()
    register(cli)
    arguments = [
        "--webhook-url", "https://godwit.acme.dev",  # the route is appended
        "--github-url", world.server.url,
        "--port", str(port),
        "--env-file", str(env_path),
        "--name", "Godwit Staging",
        "--no-open",
    ]  # fmt: skip
    outcome: dict[str, object] = {}
    command = threading.Thread(
        target=lambda: outcome.update(result=CliRunner().invoke(cli, arguments))
    )
    command.start()
    wait_until_serving(f"http://127.0.0.1:{port}/")
    assert submit_start_page(f"http://127.0.0.1:{port}/").status_code == 200
    command.join(timeout=20)
    result = outcome["result"]
    assert getattr(result, "exit_code", None) == 0, getattr(result, "output", "")
    output = str(getattr(result, "output", ""))
    app_id = dotenv.dotenv_values(env_path)["GODWIT_APP_ID"]
    created = world.sandbox.state.apps[int(str(app_id))]
    assert created.owner.login != "acme"
    assert f'Registered the GitHub App "{created.slug}"' in output
    assert f"{world.server.url}/apps/{created.slug}/installations/new" in output
    assert created.webhook_url == WEBHOOK_URL
    assert f"the webhook URL {WEBHOOK_URL}\n" in output
    assert "proxy" not in output, "the URL reaches Godwit's route directly"
