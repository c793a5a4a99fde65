"""The contract's plays-v2 campaign as a fixture and a helper that applies a project rewrite."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.engine.dbt import DbtProjectRewrite
from bot.engine.edits import JINJA_COMMENT, render
from bot.spec import Campaign
from tests.support.campaigns import plays_v2


@pytest.fixture
def campaign() -> Campaign:
    return plays_v2()


def apply(files: Mapping[str, str], result: DbtProjectRewrite, guide: str) -> dict[str, str]:
    """The repository after the rewrite, rendered the way the planner renders it."""
    out = dict(files)
    for path, rewrite in result.files.items():
        rendered = render(
            files[path], rewrite.edits, rewrite.guardrails, syntax=JINJA_COMMENT, guide=guide
        )
        out[path] = rendered.text
    return out
