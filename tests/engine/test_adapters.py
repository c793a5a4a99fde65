"""The adapter list: every framework has exactly one adapter, and its parts exist."""

from __future__ import annotations

import pytest

from bot.agent.frameworks import comment_syntax, framework_of
from bot.agent.prompt import context_file
from bot.engine.adapters import ADAPTERS, adapter_for, claimed_files
from bot.engine.model import Framework


def test_every_framework_has_one_adapter() -> None:
    owners = [f for adapter in ADAPTERS for f in adapter.frameworks]
    assert sorted(owners) == sorted(Framework)


@pytest.mark.parametrize("framework", list(Framework))
def test_each_framework_has_a_context_file_and_comment(framework: Framework) -> None:
    assert context_file(framework).startswith("# Framework context")
    assert comment_syntax(framework) is adapter_for(framework).comment_for(framework)


def test_claims_do_not_overlap_and_dbt_wins() -> None:
    snapshot = {
        "dbt_project.yml": "name: shop\nmodel-paths: [models]\n",
        "models/a.sql": "select 1",
        "jobs/b.sql": "select 1",
        "src/C.scala": "object C",
        "src/D.java": "class D {}",
        "README.md": "",
    }
    claims = {a.framework: files for a, files in claimed_files(sorted(snapshot), snapshot)}
    assert claims == {
        Framework.DBT_MODEL: ["models/a.sql"],
        Framework.BIGQUERY_SQL: ["jobs/b.sql"],
        Framework.SCIO: ["src/C.scala"],
        Framework.BEAM_JAVA: ["src/D.java"],
    }
    assert framework_of("src/D.java", snapshot) is Framework.BEAM_JAVA
    assert framework_of("models/a.sql", snapshot) is Framework.DBT_MODEL


def test_dbt_sources_yaml_takes_yaml_comments_and_models_jinja_comments() -> None:
    assert comment_syntax(Framework.DBT_SOURCES).prefix == "#"
    assert comment_syntax(Framework.DBT_MODEL).prefix == "{#"
