"""What the demo prints: GitHub Markdown made readable in a terminal, steps numbered."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from bot.demo.narration import Narrator, for_terminal


@pytest.mark.parametrize(
    ("markdown", "max_lines", "expected"),
    [
        ("plain\ntext", 10, "plain\ntext"),
        (
            "<details>\n<summary><b>acme/etl</b>: 2 files</summary>\n\n- a.sql\n</details>",
            10,
            "\n**acme/etl: 2 files**\n\n- a.sql",
        ),
        ("one\ntwo\n\nthree\nfour\n\nfive", 1, "one\ntwo\n\n*… 4 more lines on GitHub*"),
        # A cut waits for the code block to close.
        (
            "intro\n```diff\n-a\n\n+b\n```\n\nafter",
            2,
            "intro\n```diff\n-a\n\n+b\n```\n\n*… 1 more line on GitHub*",
        ),
        ("<!-- godwit:plan -->\n### Plan", 10, "<!-- godwit:plan -->\n### Plan"),
    ],
)
def test_for_terminal(markdown: str, max_lines: int, expected: str) -> None:
    assert for_terminal(markdown, max_lines) == expected


def test_steps_are_numbered_headings_over_template_text() -> None:
    output = io.StringIO()
    narrator = Narrator(Console(file=output, width=100), speed=1000)
    narrator.step("start", lead="lead", host="acme/platform", number=3)
    narrator.note("rerun_result", moved=True)
    lines = output.getvalue().splitlines()
    assert lines[0].startswith('1. lead comments "/migrate start" ──')
    assert "godwit/<campaign id>" in output.getvalue()
    assert lines[-1] == "The branch now holds a fresh commit built from the current base."


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Narrator(Console(file=io.StringIO()), speed=0)
