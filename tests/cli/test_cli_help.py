"""Every command's help speaks in what people type, and every command knows the version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.cli import COMMAND_FAMILIES

PYTHON_TYPE_LABEL = re.compile(r"<(?:bool|int|float|str|path|list\[[^\]]*\])[^>]*>|\{[a-z_]+\}")


def godwit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("command", [None, *COMMAND_FAMILIES])
def test_help_shows_names_not_python_types(command: str | None, tmp_path: Path) -> None:
    args = [] if command is None else [command]
    short = godwit(*args, "-h", cwd=tmp_path)

    assert short.returncode == 0, short.stderr
    assert "Usage: " in short.stdout
    assert PYTHON_TYPE_LABEL.findall(short.stdout) == []
    assert "--version" in short.stdout


def test_h_is_help_and_engine_commands_name_their_arguments(tmp_path: Path) -> None:
    shown = godwit("plan", "-h", cwd=tmp_path).stdout
    assert shown == godwit("plan", "--help", cwd=tmp_path).stdout
    usage = next(line.strip() for line in shown.splitlines() if "Usage: " in line)
    assert usage.endswith(" plan [OPTIONS] CAMPAIGN REPO...")


@pytest.mark.parametrize("command", [None, *COMMAND_FAMILIES])
def test_version_on_every_command_runs_nothing(command: str | None, tmp_path: Path) -> None:
    args = [] if command is None else [command]
    result = godwit(*args, "--version", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"godwit {version('godwit')}\n"
    assert list(tmp_path.iterdir()) == [], "--version must not start the command"
