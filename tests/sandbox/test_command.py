"""``godwit sandbox`` runs a seeded GitHub that another process can use until interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from githubkit import AppAuthStrategy, GitHub


def _interruptible() -> None:
    """Ctrl+C at its default in the child, as in a terminal.

    A suite started in the background of a non-interactive shell (``cmd &`` in a
    script) runs with SIGINT ignored, children inherit that, and Python then never
    turns SIGINT into KeyboardInterrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sandbox_command_serves_seeded_repositories(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    (seed / "jobs").mkdir(parents=True)
    (seed / "jobs" / "daily.sql").write_text("select 1\n")
    key = tmp_path / "app.pem"
    command = [sys.executable, "-m", "bot.cli", "sandbox", "--seed", str(seed), "--key-file"]
    process = subprocess.Popen(
        [*command, str(key)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_interruptible,
    )
    try:
        assert process.stdout is not None
        settings = {}
        for line in process.stdout:
            name, sep, value = line.strip().partition("=")
            if sep:
                settings[name] = value
            if line.startswith("Press Ctrl+C"):
                break
        strategy = AppAuthStrategy(settings["GODWIT_APP_ID"], key.read_text())
        with GitHub(strategy, base_url=settings["GODWIT_GITHUB_URL"]) as app_gh:
            installation = app_gh.rest.apps.get_org_installation("acme").parsed_data
            gh = app_gh.with_auth(app_gh.auth.as_installation(installation.id))
            content = gh.rest.repos.get_content("acme", "jobs", "daily.sql").parsed_data
            assert not isinstance(content, list)
            assert content.name == "daily.sql"
        url = settings["GODWIT_GITHUB_URL"].removesuffix("/api/v3/")
        opened = httpx.post(
            f"{url}/_sandbox/act/open_issue",
            json={"full_name": "acme/jobs", "login": "acme", "title": "From outside"},
        )
        assert opened.json() == {"result": 1}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0
