"""Turning the agent on: the campaign key, the App's environment, ``godwit plan --json``."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.agent import AgentSettings, estimate_plan
from bot.engine.planner import plan_repository
from bot.settings import Settings
from bot.spec import CampaignError, load_campaign, load_campaign_file, spec_hash
from tests.support.keys import app_private_key

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plays-v2"
CAMPAIGN_TEXT = (EXAMPLE / "campaign.yml").read_text(encoding="utf-8")
AGENT_KEY = "agent:\n  migrate_guardrails: true\n"
SCIO = EXAMPLE / "repos" / "acme-scio-pipelines"

MARKER_KEY = "mk-3a9b8c7d6e5f40312a1b0c9d8e7f6a5b"


@pytest.mark.parametrize(
    ("addition", "error"),
    [
        ("agent:\n  migrate_guardrails: 'yes'\n", "agent.migrate_guardrails: "),
        ("agent:\n  review: true\n", "agent.review: unknown key"),
        ("agent: true\n", "agent: expected a mapping"),
    ],
)
def test_the_agent_key_is_strict(addition: str, error: str) -> None:
    with pytest.raises(CampaignError) as raised:
        load_campaign(CAMPAIGN_TEXT + addition)
    assert [e for e in map(str, raised.value.errors) if error in e]


def test_the_agent_is_off_unless_asked_and_does_not_change_the_spec_hash() -> None:
    plain = load_campaign(CAMPAIGN_TEXT)
    asked = load_campaign(CAMPAIGN_TEXT + AGENT_KEY)
    assert (plain.agent.migrate_guardrails, asked.agent.migrate_guardrails) == (False, True)
    assert spec_hash(plain) == spec_hash(asked)


def test_agent_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "ANTHROPIC_API_KEY": "sk-ant-api03-env-1f2e",
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/",
        "GODWIT_AGENT_MODEL": "claude-opus-4-6",
        "GODWIT_AGENT_MAX_TOKENS": "2048",
        "GODWIT_AGENT_CACHE_TTL": "1h",
        "GODWIT_AGENT_MAX_TURNS": "9",
        "GODWIT_AGENT_MAX_TASKS_PER_PR_PER_HOUR": "2",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(
        app_id=7,
        private_key=SecretStr(app_private_key()),
        webhook_secret=SecretStr("s3cr3t-x"),
        marker_key=SecretStr(MARKER_KEY),
    )
    agent = settings.agent_settings()
    assert agent.enabled
    assert (agent.base_url, agent.model, agent.max_tokens, agent.cache_ttl) == (
        "http://127.0.0.1:9/",
        "claude-opus-4-6",
        2048,
        "1h",
    )
    assert (agent.max_turns, agent.max_tasks_per_pr_per_hour) == (9, 2)
    assert set(agent.secrets()) == {
        "sk-ant-api03-env-1f2e",
        "s3cr3t-x",
        app_private_key(),
        MARKER_KEY,
    }


def test_without_a_key_the_agent_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    settings = Settings(
        app_id=7,
        private_key=SecretStr(app_private_key()),
        webhook_secret=SecretStr("s3cr3t-x"),
        marker_key=SecretStr(MARKER_KEY),
    )
    assert not settings.agent_settings().enabled


def _plan(campaign: Path, *repos: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "plan", "--json", str(campaign), *map(str, repos)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_plan_json_estimates_the_agent_only_when_the_campaign_enables_it(tmp_path: Path) -> None:
    enabled = tmp_path / "campaign.yml"
    enabled.write_text(CAMPAIGN_TEXT + AGENT_KEY, encoding="utf-8")
    web = EXAMPLE / "repos" / "acme-web-frontend"

    plain = _plan(EXAMPLE / "campaign.yml", SCIO)
    assert plain["agent"] is None
    report = _plan(enabled, SCIO, web)

    campaign = load_campaign_file(enabled)
    files = {str(p.relative_to(SCIO)): p.read_text() for p in SCIO.rglob("*") if p.is_file()}
    expected = estimate_plan(campaign, plan_repository(campaign, files), AgentSettings())
    repos = report["repos"]
    assert isinstance(repos, list)
    scio, frontend = repos
    assert scio["agent"] == {
        "model": "claude-sonnet-4-6",
        "files": 1,
        "input_tokens": expected.usage.input_tokens,
        "output_tokens": expected.usage.output_tokens,
        "cache_read_tokens": expected.usage.cache_read_tokens,
        "cache_write_tokens": expected.usage.cache_write_tokens,
        "requests": expected.usage.requests,
        "cost_usd": float(expected.cost_usd or Decimal(0)),
        "counted_by": "estimated",
        "prefix_tokens": expected.prefix_tokens,
        "min_cacheable_tokens": 1024,
        "prefix_cached": True,
        "minimum_known": True,
    }
    assert expected.usage.output_tokens > 0
    assert frontend["agent"]["files"] == 0
    assert frontend["agent"]["requests"] == 0
    assert report["agent"] == {**scio["agent"]}
