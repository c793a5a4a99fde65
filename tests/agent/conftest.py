"""The example campaign and Scio repository, and a fake Anthropic API per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest
from pydantic import SecretStr

from bot.agent import AgentSettings, MigrateTask
from bot.engine.planner import plan_repository
from bot.sandbox.anthropic import FakeAnthropicServer, ScriptedModel, serve_anthropic
from bot.spec import Campaign, load_campaign_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plays-v2"
SCIO_REPO = EXAMPLE / "repos" / "acme-scio-pipelines"
TYPED = "src/main/scala/com/acme/pipelines/ListeningMinutes.scala"
API_KEY = "sk-ant-api03-test-5f1e0c9a"


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign_file(EXAMPLE / "campaign.yml")


@pytest.fixture(scope="session")
def scio_repo() -> dict[str, str]:
    return {
        str(path.relative_to(SCIO_REPO)): path.read_text(encoding="utf-8")
        for path in sorted(SCIO_REPO.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def engine_output(campaign: Campaign, scio_repo: dict[str, str]) -> dict[str, str]:
    """The Scio repository as the engine leaves it: rewritten files and guardrails."""
    return {**scio_repo, **plan_repository(campaign, scio_repo).changes}


@pytest.fixture
def typed_task(
    campaign: Campaign, scio_repo: dict[str, str], engine_output: dict[str, str]
) -> MigrateTask:
    """The typed pipeline as the engine left it, with the repository to read around it."""
    return MigrateTask(campaign, {TYPED: engine_output[TYPED]}, repository=scio_repo)


@pytest.fixture
def fake() -> Iterator[FakeAnthropicServer]:
    with serve_anthropic(ScriptedModel(api_key=API_KEY)) as server:
        yield server
        assert server.model.failures == []


def settings_for(server: FakeAnthropicServer, **overrides: object) -> AgentSettings:
    values: dict[str, object] = {
        "api_key": SecretStr(API_KEY),
        "base_url": server.url,
        "max_retries": 2,
    }
    values.update(overrides)
    return AgentSettings.model_validate(values)


def client_for(server: FakeAnthropicServer, **kwargs: object) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=API_KEY, base_url=server.url, **kwargs)  # type: ignore[arg-type]
