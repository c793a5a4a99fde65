"""Render the text people read (PR bodies, comments, dashboards, CLI reports) from ``templates/``.

One pure function is the only way text reaches a person, so wording lives in
templates that can be reviewed without reading Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2


def templates_dir() -> Path:
    """Templates live at the repository top in a checkout and inside ``bot`` when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "templates", here / "_templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Godwit's templates/ folder is missing from this installation")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(template_name: str, **context: Any) -> str:
    """Render ``templates/<template_name>`` with ``context``; a missing variable is an error."""
    return _environment().get_template(template_name).render(**context)


@cache
def _html_environment() -> jinja2.Environment:
    """Pages for browsers: everything interpolated is escaped, since most of it is untrusted."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
    )


def render_html(template_name: str, **context: Any) -> str:
    """Render an HTML page from ``templates/``; values are escaped unless marked safe."""
    return _html_environment().get_template(template_name).render(**context)


def template_constant(template_name: str, name: str) -> Any:
    """A value a template sets at its top (``{% set NAME = ... %}``), for checks against code."""
    return getattr(_environment().get_template(template_name).module, name)
