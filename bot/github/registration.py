"""GitHub's App-manifest flow: a loopback page posts the manifest, GitHub sends back a code.

A browser has to carry the form to GitHub (the person confirms there, signed
in), so Godwit serves a one-page site on 127.0.0.1 that submits itself and
receives GitHub's redirect. The code is exchanged for the App's credentials
within the hour GitHub allows, and the credentials only ever reach files that
only their owner can read.
"""

from __future__ import annotations

import os
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dotenv
from githubkit.auth import UnauthAuthStrategy

from bot.github.client import build_github
from bot.github.manifest import AppCredentials, load_manifest, manifest_json, new_app_url
from bot.rendering import render

PRIVATE_FILE_MODE = 0o600
MARKER_KEY_VARIABLE = "GODWIT_MARKER_KEY"
MARKER_KEY_BYTES = 32
"""A fresh marker key is this many random bytes, written as hex."""


class RegistrationServer:
    """The loopback site of one registration; a context manager that stops it on exit."""

    def __init__(
        self,
        *,
        manifest_text: str,
        web_url: str,
        webhook_url: str,
        org: str | None = None,
        name: str | None = None,
        port: int = 0,
    ) -> None:
        self._state = secrets.token_urlsafe(16)
        self._code: str | None = None
        self._received = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        manifest = load_manifest(
            manifest_text, webhook_url=webhook_url, redirect_url=f"{self.url}/callback", name=name
        )
        self._start_page = render(
            "register/start.html",
            action=new_app_url(web_url, org, self._state),
            manifest=manifest_json(manifest),
            owner=org,
        )
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> RegistrationServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def wait_for_code(self, timeout: float | None = None) -> str:
        """Block until GitHub's redirect brings the code; TimeoutError after ``timeout`` s."""
        if not self._received.wait(timeout) or self._code is None:
            raise TimeoutError("GitHub did not redirect back with a code")
        return self._code

    def _answer(self, query: str) -> tuple[HTTPStatus, str]:
        params = parse_qs(query)
        code = params.get("code", [""])[0]
        if params.get("state", [""])[0] != self._state or not code:
            return HTTPStatus.BAD_REQUEST, render("register/refused.html")
        self._code = code
        self._received.set()
        return HTTPStatus.OK, render("register/done.html")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/":
                    self._send(HTTPStatus.OK, server._start_page)
                elif url.path == "/callback":
                    self._send(*server._answer(url.query))
                else:
                    self._send(HTTPStatus.NOT_FOUND, "Not found\n")

            def _send(self, status: HTTPStatus, page: str) -> None:
                body = page.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet: the terminal shows the command's own progress."""

        return Handler


def exchange_code(api_url: str, code: str) -> AppCredentials:
    """Convert the manifest code into the new App's credentials (no authentication needed)."""
    gh = build_github(UnauthAuthStrategy(), base_url=api_url)
    app = gh.rest.apps.create_from_manifest(code).parsed_data
    return AppCredentials(
        app_id=app.id,
        slug=app.slug or str(app.id),
        html_url=app.html_url,
        client_id=app.client_id,
        client_secret=app.client_secret,
        webhook_secret=app.webhook_secret or "",
        pem=app.pem,
    )


def _write_private(path: Path, text: str) -> None:
    """Write a file that only its owner can read, never readable by others even briefly."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), PRIVATE_FILE_MODE)
        file.write(text)


def save_credentials(credentials: AppCredentials, env_path: Path) -> Path:
    """Write the key beside ``env_path`` and merge the settings into it; return the key's path.

    Other entries of an existing ``.env`` are kept. An inline
    ``GODWIT_PRIVATE_KEY`` left from an earlier App is removed: it would win
    over the new key file. A ``GODWIT_MARKER_KEY`` is generated when there is
    none, and an existing one is kept: the PRs it signed must keep verifying.
    """
    env_path = env_path.resolve()
    key_path = env_path.with_name(f"{credentials.slug}.private-key.pem")
    _write_private(key_path, credentials.pem)
    existing = env_path.read_text(encoding="utf-8") if env_path.exists() else ""
    _write_private(env_path, existing)
    if "GODWIT_PRIVATE_KEY" in dotenv.dotenv_values(env_path):
        dotenv.unset_key(env_path, "GODWIT_PRIVATE_KEY")
    for key, value in credentials.env_values(key_path).items():
        dotenv.set_key(env_path, key, value)
    if not dotenv.dotenv_values(env_path).get(MARKER_KEY_VARIABLE):
        dotenv.set_key(env_path, MARKER_KEY_VARIABLE, secrets.token_hex(MARKER_KEY_BYTES))
    return key_path
