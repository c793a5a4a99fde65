"""Untrusted text (comments, files, check output) enters a prompt only inside a fence.

A fence is an ``<untrusted_KIND>`` block the system prompt declares to be data.
Anything inside that could pass for the fence's own tags is neutralised, so a
comment cannot close its block early and speak as the operator; HTML comments
are removed from comments and check output because people never see them on
GitHub, and a hidden instruction is exactly what an attacker would write there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# "<" and its full-width, small and single-angle-quote look-alikes all open a tag to a model.
_TAG_LOOKALIKE = re.compile(r"[<\uff1c\ufe64\u2039](\s*/?\s*untrusted)", re.IGNORECASE)
_ATTRIBUTE_UNSAFE = re.compile(r"[^A-Za-z0-9_./:@+ -]")
_KIND = re.compile(r"[a-z_]+")
REDACTED = "[redacted]"


def strip_hidden(text: str) -> str:
    """Remove HTML comments, which GitHub renders invisibly."""
    return _HTML_COMMENT.sub("", text)


def neutralise(text: str) -> str:
    """Make every look-alike of a fence tag inert (``<untrusted`` becomes ``&lt;untrusted``)."""
    return _TAG_LOOKALIKE.sub(r"&lt;\1", text)


def plain(value: str) -> str:
    """A path or name reduced to characters that cannot carry markup or instructions' syntax."""
    return _ATTRIBUTE_UNSAFE.sub("_", value)


def fence(kind: str, text: str, *, hidden: bool = False, **attributes: str) -> str:
    """Wrap ``text`` as data; ``hidden=True`` also strips HTML comments (for Markdown input)."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"not a fence kind: {kind!r}")
    body = neutralise(strip_hidden(text) if hidden else text)
    attrs = "".join(f' {name}="{plain(value)}"' for name, value in attributes.items())
    newline = "" if body.endswith("\n") else "\n"
    return f"<untrusted_{kind}{attrs}>\n{body}{newline}</untrusted_{kind}>"


NUMBER_SEPARATOR = "\t"


def numbered(text: str) -> str:
    """Each line prefixed by its 1-based number and a tab: what ``insert_guardrail`` takes.

    The prefix is not part of the file; the tool descriptions say so, and a
    ``propose_edit`` quotes the text after it.
    """
    return "".join(
        f"{number}{NUMBER_SEPARATOR}{line}"
        for number, line in enumerate(text.splitlines(keepends=True), start=1)
    )


def unnumbered(text: str) -> str:
    """The inverse of ``numbered`` (for scripted models and tests that copy from a read)."""
    return "".join(
        line.split(NUMBER_SEPARATOR, 1)[1] if NUMBER_SEPARATOR in line else line
        for line in text.splitlines(keepends=True)
    )


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in ``text``; empty values are ignored."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
