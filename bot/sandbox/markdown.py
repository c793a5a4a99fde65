"""Markdown bodies as HTML for the sandbox's pages, safe against whatever the body holds.

Bodies are untrusted (people write them, and Godwit quotes files and comments), so raw
HTML is never passed through: markdown-it escapes it, except for the few harmless tags
Godwit's own texts use for layout (``<details>``, ``<summary>``, ``<br>``), which are
kept only when they are exactly those tags without attributes other than ``open``.
HTML comments (Godwit's hidden markers) are dropped, as GitHub hides them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"(<[^<>]*>)")
_ALLOWED = re.compile(r"</?(?:summary|br)\s*/?>|<details(?:\s+open)?\s*>|</details\s*>", re.I)
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "#", "/")


def _filtered_html(text: str) -> str:
    """``text`` with comments dropped, allowed tags kept and everything else escaped."""
    kept: list[str] = []
    for piece in _TAG.split(_COMMENT.sub("", text)):
        kept.append(piece if _ALLOWED.fullmatch(piece) else escape(piece))
    return "".join(kept)


def _html_rule(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _filtered_html(tokens[idx].content)


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    parser.add_render_rule("html_block", _html_rule)
    parser.add_render_rule("html_inline", _html_rule)
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    return parser


def _safe_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


def markdown_html(text: str | None) -> str:
    """GitHub-flavoured enough for Godwit's texts: paragraphs, lists, tables, code, links."""
    html: str = _parser().render(text or "")
    return html
