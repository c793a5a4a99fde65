"""``godwit serve`` and ``godwit worker`` check every setting before touching anything.

Run as a user runs them, in a fresh directory with nothing but ``PATH`` in the
environment: the message lists every problem at once, points to ``godwit register``
and ``godwit demo``, and the directory is still empty afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.sandbox.auth import generate_key_pair
from bot.settings_checks import key_file_problem, private_key_problem
from tests.support.keys import app_private_key

ROOT = Path(__file__).resolve().parents[2]
MARKER_KEY = "mk-7d1f0c2b9a8e4f6d5c3b2a1908f7e6d5"
COMPLETE = {
    "GODWIT_APP_ID": "912233",
    "GODWIT_WEBHOOK_SECRET": "whsec-4f1c9e77b2d84a0e",
    "GODWIT_MARKER_KEY": MARKER_KEY,
}


def start(command: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """``godwit COMMAND`` with only ``environment`` set; a complete one would start serving."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", command, "--port", "0"]
        if command == "serve"
        else [sys.executable, "-m", "bot.cli", command],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **environment},
        check=False,
        timeout=120,
    )


def problem_lines(stderr: str) -> list[str]:
    return [line.removeprefix("  - ") for line in stderr.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_nothing_configured_names_every_missing_setting_and_the_ways_forward(
    command: str, tmp_path: Path
) -> None:
    result = start(command, tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert [line.split(":")[0] for line in problem_lines(result.stderr)] == [
        "GODWIT_APP_ID",
        "GODWIT_PRIVATE_KEY_PATH",
        "GODWIT_WEBHOOK_SECRET",
        "GODWIT_MARKER_KEY",
    ]
    assert f"godwit {command}: cannot start, 4 problems" in result.stderr
    assert "godwit register --webhook-url" in result.stderr
    assert "godwit demo" in result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing may be created before the checks pass"


def test_a_missing_key_file_is_named_with_every_other_problem(tmp_path: Path) -> None:
    result = start(
        "serve",
        tmp_path,
        GODWIT_PRIVATE_KEY_PATH=str(tmp_path / "absent.pem"),
        GODWIT_WEBHOOK_SECRET="changeme",
        GODWIT_GITHUB_URL="api.github.com",
        GODWIT_DATABASE_URL="mysql://godwit:hunter2@db/godwit",
        GODWIT_QUEUE_URL="amqp://godwit:hunter2@mq/",
    )

    assert result.returncode == 2
    problems = problem_lines(result.stderr)
    assert problems == [
        "GODWIT_APP_ID: field required",
        f"GODWIT_PRIVATE_KEY_PATH: {tmp_path / 'absent.pem'} does not exist or is not a file",
        "GODWIT_WEBHOOK_SECRET: a placeholder",
        "GODWIT_MARKER_KEY: field required",
        "GODWIT_GITHUB_URL: not an absolute http(s):// URL",
        "GODWIT_DATABASE_URL: not a supported URL (use sqlite:///godwit.db or postgresql://HOST/DB)",
        "GODWIT_QUEUE_URL: not a supported URL "
        "(use sqlite:///godwit-queue.db or redis://HOST:6379/0)",
    ]
    assert "hunter2" not in result.stderr, "URLs carry passwords: never echo them"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_key_that_is_not_a_pem_private_key_is_refused_at_start(
    command: str, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    public_key = keys / "public.pem"
    public_key.write_text(generate_key_pair()[1], encoding="utf-8")

    from_file = start(command, tmp_path, GODWIT_PRIVATE_KEY_PATH=str(public_key), **COMPLETE)
    inline = start(command, tmp_path, GODWIT_PRIVATE_KEY="ssh-rsa AAAAB3Nza", **COMPLETE)

    assert from_file.returncode == inline.returncode == 2
    assert problem_lines(from_file.stderr) == [
        f"GODWIT_PRIVATE_KEY_PATH: {public_key} is not a PEM private key"
        " (expected -----BEGIN RSA PRIVATE KEY-----)"
    ]
    assert problem_lines(inline.stderr) == [
        "GODWIT_PRIVATE_KEY: not a PEM private key (expected -----BEGIN RSA PRIVATE KEY-----)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]


def test_private_keys_are_parsed_not_pattern_matched(tmp_path: Path) -> None:
    key = app_private_key()
    body = key.splitlines()
    truncated = "\n".join([*body[:3], body[-1]]) + "\n"

    assert private_key_problem(key) is None
    damaged = "not a readable PEM private key (truncated or damaged?)"
    assert private_key_problem(truncated) == damaged
    assert private_key_problem("") is not None

    key_file = tmp_path / "godwit.pem"
    key_file.write_text(key, encoding="utf-8")
    assert key_file_problem(key_file) is None
    assert key_file_problem(tmp_path) == f"{tmp_path} does not exist or is not a file"
    key_file.write_bytes(b"\xff\xfe\x00binary")
    assert key_file_problem(key_file) == f"{key_file} is not a text file: not a PEM private key"
