"""Settings: secrets from the environment, refused when missing or placeholders, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from huey import MemoryHuey
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from bot.cli import app, register_commands
from bot.commands.server import connect
from bot.github import pacing
from bot.github.shared_pacing import RedisPacer
from bot.jobs.policy import JobPolicy
from bot.service.context import AppServices
from bot.settings import SettingsError, get_settings
from bot.store.db import create_engine_for, session_factory, upgrade_database
from tests.support.keys import app_private_key

MARKER_KEY = "mk-7d1f0c2b9a8e4f6d5c3b2a1908f7e6d5"
PEM = app_private_key()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "APP_ID",
        "PRIVATE_KEY",
        "PRIVATE_KEY_PATH",
        "WEBHOOK_SECRET",
        "MARKER_KEY",
        "MARKER_PREVIOUS_KEYS",
        "CAMPAIGN_AUTHORS",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(f"GODWIT_{name}", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    get_settings.cache_clear()


def configure(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def configure_app(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """The four values every App needs, and ``values``."""
    configure(
        monkeypatch,
        **{
            "GODWIT_APP_ID": "912233",
            "GODWIT_PRIVATE_KEY": PEM,
            "GODWIT_WEBHOOK_SECRET": "whsec-4f1c9e77b2d84a0e",
            "GODWIT_MARKER_KEY": MARKER_KEY,
            **values,
        },
    )


def test_settings_come_from_the_environment_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_app(
        monkeypatch,
        ANTHROPIC_API_KEY="sk-ant-api03-live-key",
    )

    settings = get_settings()

    assert settings.app_id == 912233
    assert settings.private_key_pem() == PEM
    assert settings.webhook_secret.get_secret_value() == "whsec-4f1c9e77b2d84a0e"
    assert (settings.database_url, settings.queue_url) == (
        "sqlite:///godwit.db",
        "sqlite:///godwit-queue.db",
    )
    assert settings.github_url == "https://api.github.com"
    assert settings.mutation_interval == 1.0
    shown = repr(settings) + str(settings)
    for secret in ("whsec-4f1c9e77b2d84a0e", "BEGIN RSA", "sk-ant-api03"):
        assert secret not in shown


def test_the_private_key_can_be_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = tmp_path / "godwit.pem"
    key.write_text(PEM)
    configure(
        monkeypatch,
        GODWIT_APP_ID="912233",
        GODWIT_PRIVATE_KEY_PATH=str(key),
        GODWIT_WEBHOOK_SECRET="whsec-4f1c9e77b2d84a0e",
        GODWIT_MARKER_KEY=MARKER_KEY,
    )

    assert get_settings().private_key_pem() == PEM


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"GODWIT_PRIVATE_KEY": PEM, "GODWIT_WEBHOOK_SECRET": "s3cr3t-value"}, "GODWIT_APP_ID"),
        ({"GODWIT_APP_ID": "1", "GODWIT_PRIVATE_KEY": PEM}, "GODWIT_WEBHOOK_SECRET"),
        (
            {"GODWIT_APP_ID": "1", "GODWIT_PRIVATE_KEY": PEM, "GODWIT_WEBHOOK_SECRET": "changeme"},
            "GODWIT_WEBHOOK_SECRET",
        ),
        (
            {"GODWIT_APP_ID": "1", "GODWIT_PRIVATE_KEY": PEM, "GODWIT_WEBHOOK_SECRET": "<secret>"},
            "GODWIT_WEBHOOK_SECRET",
        ),
        (
            {"GODWIT_APP_ID": "1", "GODWIT_PRIVATE_KEY": "xxx", "GODWIT_WEBHOOK_SECRET": "s3cr3t"},
            "GODWIT_PRIVATE_KEY",
        ),
        ({"GODWIT_APP_ID": "1", "GODWIT_WEBHOOK_SECRET": "s3cr3t"}, "GODWIT_PRIVATE_KEY_PATH"),
        (
            {
                "GODWIT_APP_ID": "1",
                "GODWIT_PRIVATE_KEY": PEM,
                "GODWIT_WEBHOOK_SECRET": "s3cr3t",
                "ANTHROPIC_API_KEY": "",
            },
            "ANTHROPIC_API_KEY",
        ),
    ],
)
def test_missing_or_placeholder_values_are_named(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], named: str
) -> None:
    configure(monkeypatch, GODWIT_MARKER_KEY=MARKER_KEY, **environment)

    with pytest.raises(SettingsError, match=named) as raised:
        get_settings()
    for value in environment.values():
        if len(value) > 3:
            assert value not in str(raised.value)


def test_serve_refuses_to_start_without_its_secrets() -> None:
    register_commands("serve")
    result = CliRunner().invoke(app, ["serve", "--port", "0"])

    assert result.exit_code == 2
    assert "GODWIT_WEBHOOK_SECRET" in result.output
    assert "GODWIT_APP_ID" in result.output


def test_campaign_authors_and_marker_keys_reach_the_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    previous = (
        "mk-previous-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "mk-older-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    )
    configure_app(
        monkeypatch,
        GODWIT_CAMPAIGN_AUTHORS="Jane-Doe, release-bot[bot]  omar",
        GODWIT_MARKER_PREVIOUS_KEYS=",".join(previous),
    )

    settings = get_settings()
    services = AppServices.from_settings(
        settings, sessions=sessionmaker(), huey=MemoryHuey("settings-test")
    )

    assert settings.campaign_authors == ("Jane-Doe", "release-bot[bot]", "omar")
    assert services.campaign_authors == {"jane-doe", "release-bot[bot]", "omar"}
    assert services.marker_keys.signing == MARKER_KEY.encode()
    assert services.marker_keys.previous == tuple(key.encode() for key in previous)
    shown = repr(settings) + str(settings) + repr(services.marker_keys)
    assert all(secret not in shown for secret in (MARKER_KEY, *previous))
    assert MARKER_KEY in settings.agent_settings().secrets()  # redacted from what the agent writes


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"GODWIT_MARKER_KEY": "changeme"}, "GODWIT_MARKER_KEY is a placeholder"),
        ({"GODWIT_MARKER_KEY": "short-key"}, "GODWIT_MARKER_KEY is shorter than 32"),
        (
            {"GODWIT_MARKER_KEY": "whsec-4f1c9e77b2d84a0e-and-then-some"},
            None,  # long enough and distinct: accepted
        ),
        (
            {"GODWIT_WEBHOOK_SECRET": MARKER_KEY},
            "GODWIT_MARKER_KEY must not be the webhook secret",
        ),
        (
            {"GODWIT_MARKER_PREVIOUS_KEYS": MARKER_KEY},
            "GODWIT_MARKER_PREVIOUS_KEYS lists the current marker key",
        ),
        ({"GODWIT_MARKER_PREVIOUS_KEYS": "old, "}, "GODWIT_MARKER_PREVIOUS_KEYS holds a key"),
        (
            {"GODWIT_MARKER_PREVIOUS_KEYS": ",".join([MARKER_KEY + str(i) for i in range(9)])},
            "at most 8 keys",
        ),
        ({"GODWIT_CAMPAIGN_AUTHORS": "jane, not a/login"}, "GODWIT_CAMPAIGN_AUTHORS"),
        ({"GODWIT_CAMPAIGN_AUTHORS": "-jane"}, "not GitHub logins: '-jane'"),
        ({"GODWIT_CAMPAIGN_AUTHORS": ",".join(f"u{i}" for i in range(1001))}, "at most 1000"),
    ],
)
def test_marker_keys_and_campaign_authors_are_checked(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], problem: str | None
) -> None:
    configure_app(monkeypatch, **values)
    if problem is None:
        assert get_settings().marker_keys().signing == values["GODWIT_MARKER_KEY"].encode()
        return
    with pytest.raises(SettingsError) as raised:
        get_settings()
    assert problem in str(raised.value)


def test_a_missing_marker_key_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_app(monkeypatch)
    monkeypatch.delenv("GODWIT_MARKER_KEY")
    with pytest.raises(SettingsError, match="GODWIT_MARKER_KEY: field required"):
        get_settings()


def test_campaign_timings_reach_the_services(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_app(
        monkeypatch,
        GODWIT_STALE_DAYS="3",
        GODWIT_DASHBOARD_DELAY="12.5",
    )

    services = AppServices.from_settings(
        get_settings(), sessions=sessionmaker(), huey=MemoryHuey("settings-test")
    )

    assert (services.stale_days, services.dashboard_delay) == (3, 12.5)


def test_a_nudge_after_zero_days_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_app(
        monkeypatch,
        GODWIT_STALE_DAYS="0",
    )
    with pytest.raises(SettingsError, match="GODWIT_STALE_DAYS"):
        get_settings()


@pytest.mark.parametrize(
    ("queue", "shared"), [("sqlite:///queue.db", False), ("redis://127.0.0.1:6379/0", True)]
)
def test_workers_on_a_redis_queue_pace_through_redis(
    monkeypatch: pytest.MonkeyPatch, queue: str, shared: bool
) -> None:
    """Several machines share a Redis queue, so they must share the pacing too."""
    if shared:
        try:
            Redis.from_url(queue).ping()
        except RedisError:
            pytest.skip("Redis is not listening on 127.0.0.1:6379")
    monkeypatch.setattr(pacing, "_pacers", {})
    monkeypatch.setattr(pacing, "_new_pacer", pacing._new_pacer)
    configure_app(
        monkeypatch,
        GODWIT_QUEUE_URL=queue,
        GODWIT_DATABASE_URL="sqlite:///godwit.db",
    )

    connect(get_settings())

    made = pacing.pacer_for("https://api.github.com#1", 1.0)
    assert isinstance(made, RedisPacer) is shared
    assert isinstance(made, pacing.Pacer) is not shared


def test_job_retries_and_worker_timing_reach_every_job(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_app(
        monkeypatch,
        GODWIT_JOB_RETRIES="7",
        GODWIT_JOB_RETRY_DELAY="0.5",
        GODWIT_WORKER_HEARTBEAT_SECONDS="2",
        GODWIT_WORKER_TIMEOUT_SECONDS="9",
    )

    huey = MemoryHuey("settings-jobs-test")
    upgrade_database("sqlite:///godwit.db")
    sessions = session_factory(create_engine_for("sqlite:///godwit.db"))
    services = AppServices.from_settings(get_settings(), sessions=sessions, huey=huey)

    assert services.policy == JobPolicy(
        retries=7, retry_delay=0.5, heartbeat_seconds=2.0, worker_timeout_seconds=9.0
    )
    services.jobs.discover(1)
    services.jobs.open_pull_request(1, "acme/jobs")
    queued = huey.pending()
    assert [(t.retries, t.retry_delay, t.retry_backoff) for t in queued] == [(7, 0.5, 2.0)] * 2


def test_a_worker_timeout_shorter_than_two_heartbeats_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_app(
        monkeypatch,
        GODWIT_WORKER_HEARTBEAT_SECONDS="10",
        GODWIT_WORKER_TIMEOUT_SECONDS="15",
    )
    with pytest.raises(SettingsError, match="GODWIT_WORKER_TIMEOUT_SECONDS"):
        get_settings()
