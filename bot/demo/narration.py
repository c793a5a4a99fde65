"""Tell the person watching ``godwit demo`` what just happened and why it matters.

Every sentence comes from ``templates/demo/``: a template's first line is the
step's heading, the rest its explanation, printed as plain text. Pauses between
steps give a reader time; ``speed`` shortens them, and tests make them vanish.
"""

from __future__ import annotations

import re
import time

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel

from bot.rendering import render

STEP_PAUSE_S = 1.5
QUOTE_LINES = 60
"""Longer comments are cut at the next paragraph break; the rest is on the sandbox."""
_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.DOTALL)
_HTML_TAG = re.compile(r"</?(details|summary|b|br)\b[^>]*>")
_FENCE = re.compile(r"^\s*(```|~~~)")


def for_terminal(markdown: str, max_lines: int = QUOTE_LINES) -> str:
    """GitHub Markdown as a terminal can show it: folded sections open, long texts cut.

    rich drops HTML, so a ``<summary>`` (a repository's name in the plan) would
    vanish; it becomes a bold line instead. The cut never splits a code block.
    """
    text = _SUMMARY.sub(lambda found: f"**{_HTML_TAG.sub('', found.group(1)).strip()}**", markdown)
    lines = _HTML_TAG.sub("", text).splitlines()
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if index >= max_lines and not in_fence and not line.strip():
            hidden = len(lines) - index - 1
            more = f"*… {hidden} more line{'' if hidden == 1 else 's'} on GitHub*"
            return "\n".join([*lines[:index], "", more])
    return "\n".join(lines)


class Narrator:
    """Prints the story to a rich console, one titled step at a time."""

    def __init__(self, console: Console, *, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.console = console
        self._pause = STEP_PAUSE_S / speed
        self._step = 0

    def step(self, template: str, *, wrap: bool = True, **context: object) -> None:
        """Render ``templates/demo/<template>.txt.j2``: a numbered heading, then the text.

        ``wrap=False`` keeps long lines whole, so commands in them can be copied.
        """
        heading, _, text = render(f"demo/{template}.txt.j2", **context).partition("\n")
        self._step += 1
        self.console.rule(f"[bold]{self._step}. {escape(heading)}", align="left")
        if text.strip():
            self.console.print(text.rstrip("\n"), markup=False, highlight=False, soft_wrap=not wrap)
        time.sleep(self._pause)

    def quote(self, title: str, markdown: str) -> None:
        """Show what Godwit wrote on GitHub (a comment, the dashboard) as it would render."""
        shown = Markdown(for_terminal(markdown))
        self.console.print(Panel(shown, title=escape(title), title_align="left"))

    def note(self, template: str, **context: object) -> None:
        """A short line within a step, without a heading or pause."""
        text = render(f"demo/{template}.txt.j2", **context).rstrip("\n")
        self.console.print(text, markup=False, highlight=False)
