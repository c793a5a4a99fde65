"""``godwit serve`` as its own process mounts the dashboard when sign-in is configured."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.sandbox import Sandbox, SandboxServer, serve

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def github() -> Iterator[tuple[SandboxServer, dict[str, str]]]:
    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("alice")
    app = sandbox.create_app("Godwit", None)
    with serve(sandbox) as server:
        yield (
            server,
            {
                "GODWIT_APP_ID": str(app.app_id),
                "GODWIT_PRIVATE_KEY": app.private_key_pem,
                "GODWIT_WEBHOOK_SECRET": app.webhook_secret,
                "GODWIT_MARKER_KEY": secrets.token_hex(32),
                "GODWIT_GITHUB_URL": server.api_url,
                "GODWIT_CLIENT_ID": app.client_id,
                "GODWIT_CLIENT_SECRET": app.client_secret,
            },
        )


def run_serve(tmp_path: Path, settings: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = (
        os.environ
        | settings
        | {
            "GODWIT_DATABASE_URL": f"sqlite:///{tmp_path / 'godwit.db'}",
            "GODWIT_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
            "GODWIT_PUBLIC_URL": url,
        }
    )
    command = [sys.executable, "-c", "from bot.cli import main; main()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "godwit serve exited"
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("godwit serve did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_person_signs_in_to_the_dashboard_of_a_serve_process(
    github: tuple[SandboxServer, dict[str, str]], tmp_path: Path
) -> None:
    server, settings = github
    process, url = run_serve(tmp_path, settings)
    try:
        client = httpx.Client(follow_redirects=True, timeout=30)
        sign_in = client.get(url + "/dashboard/")
        assert sign_in.url.path == "/login/oauth/authorize"
        form = {key: sign_in.url.params[key] for key in ("client_id", "redirect_uri", "state")}
        assert form["redirect_uri"] == f"{url}/dashboard/callback"
        home = client.post(server.url + "/login/oauth/authorize", data={**form, "login": "alice"})
        assert home.status_code == 200
        assert home.url == httpx.URL(url + "/dashboard/")
        assert "Signed in as <strong>alice</strong>" in home.text
    finally:
        stop(process)


def test_without_an_oauth_client_there_is_no_dashboard(
    github: tuple[SandboxServer, dict[str, str]], tmp_path: Path
) -> None:
    _, settings = github
    settings = {k: v for k, v in settings.items() if "CLIENT" not in k}
    process, url = run_serve(tmp_path, settings)
    try:
        assert httpx.get(url + "/dashboard/").status_code == 404
    finally:
        stop(process)
