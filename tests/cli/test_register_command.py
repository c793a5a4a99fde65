"""``godwit register`` as a newcomer meets it: its help, a wrong URL, its next steps."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from pydantic import SecretStr

from bot.github.webhook_url import WEBHOOK_PATH, WebhookUrlError, webhook_url
from bot.rendering import render
from bot.store.db import create_engine_for
from bot.web import create_app

ROOT = Path(__file__).resolve().parents[2]


def godwit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        check=False,
        timeout=120,
    )


def test_the_webhook_path_is_the_route_the_intake_serves(tmp_path: Path) -> None:
    app = create_app(
        webhook_secret=SecretStr("whsec-4f1c9e77b2d84a0e"),
        engine=create_engine_for(f"sqlite:///{tmp_path / 'routes.db'}"),
        queue=None,  # type: ignore[arg-type]  # the routes are read, nothing is served
        events=(),
    )
    posts = {r.path for r in app.routes if isinstance(r, APIRoute) and "POST" in r.methods}
    assert WEBHOOK_PATH in posts

    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    shown = godwit("register", "--help", cwd=elsewhere)
    assert shown.returncode == 0, shown.stderr
    assert f"Godwit's {WEBHOOK_PATH}," in shown.stdout
    assert "/webhooks" not in shown.stdout


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("https://godwit.acme.dev", "https://godwit.acme.dev/webhook"),
        ("https://godwit.acme.dev/", "https://godwit.acme.dev/webhook"),
        ("  http://10.0.0.5:8000  ", "http://10.0.0.5:8000/webhook"),
        ("https://godwit.acme.dev/webhook", "https://godwit.acme.dev/webhook"),
        (
            "https://proxy.acme.dev/hooks/godwit?team=data",
            "https://proxy.acme.dev/hooks/godwit?team=data",
        ),
    ],
)
def test_a_bare_origin_gets_the_route_and_a_given_path_is_kept(given: str, used: str) -> None:
    assert webhook_url(given) == used


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("godwit.acme.dev/webhook", "must be an absolute http(s) URL"),
        ("ftp://godwit.acme.dev/webhook", "must be an absolute http(s) URL"),
        ("/webhook", "must be an absolute http(s) URL"),
        ("https://:8000/webhook", "names no host"),
        ("https://me:pw@godwit.acme.dev/webhook", "must not carry a user name or password"),
        ("https://godwit.acme.dev:99999/webhook", "has an invalid port"),
        ("https://godwit.acme.dev/webhook#top", "must not have a #fragment"),
        ("https://godwit.acme.dev/web hook", "contains white space"),
        ("", "is empty"),
        ("https://godwit.acme.dev/" + "a" * 2000, "is longer than 2000 characters"),
    ],
)
def test_a_url_github_could_not_post_to_is_refused(given: str, problem: str) -> None:
    with pytest.raises(WebhookUrlError, match=re.escape(problem)):
        webhook_url(given)


def test_register_refuses_a_bad_url_before_anything_starts(tmp_path: Path) -> None:
    result = godwit(
        "register", "--webhook-url", "godwit.acme.dev", "--no-open", "--port", "0", cwd=tmp_path
    )

    assert result.returncode == 2
    assert result.stderr.startswith("godwit register: --webhook-url must be an absolute http(s)")
    assert "nothing was registered" in result.stderr
    assert "Open http" not in result.stdout, "no registration page may be served"
    assert list(tmp_path.iterdir()) == [], "no .env written"


def next_steps(url: str, *, godwit_route: bool) -> str:
    return render(
        "register/next_steps.txt",
        slug="godwit-acme",
        app_id=812,
        html_url="https://github.com/apps/godwit-acme",
        env_path=Path(".env"),
        key_path=Path("godwit.pem"),
        webhook_url=url,
        godwit_route=godwit_route,
        webhook_path=WEBHOOK_PATH,
    )


def test_next_steps_agree_with_the_readme_about_worker() -> None:
    """``serve`` alone runs the workers; ``worker`` is for scaling out on a Redis queue."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    worker_row = next(line for line in readme.splitlines() if line.startswith("| `godwit worker"))
    assert "Redis" in worker_row
    serve_row = next(line for line in readme.splitlines() if line.startswith("| `godwit serve"))
    assert "workers in one process" in serve_row

    text = next_steps("https://godwit.acme.dev/webhook", godwit_route=True)
    start = text[text.index("2. Start Godwit") : text.index("3. Install")]
    assert "runs the workers in one process" in start
    assert "Only with a Redis queue" in start
    assert "another terminal" not in start
    assert "proxy" not in text

    proxied = next_steps("https://proxy.acme.dev/hooks/godwit", godwit_route=False)
    assert f"Godwit serves webhooks at {WEBHOOK_PATH}: your proxy must map this path" in proxied
