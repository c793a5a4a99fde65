"""The GitHub App's configuration, read once from the environment or a ``.env`` file.

Loading is lazy (``get_settings()``) so the pure engine and ``godwit plan`` run
without any secret, while ``serve`` and ``worker`` refuse to start on a missing
or placeholder value and name the variable to fix.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.agent.settings import AgentSettings, CacheTtl

ENV_PREFIX = "GODWIT_"
MAX_WEBHOOK_BYTES = 25 * 1024 * 1024
"""GitHub never sends a payload above 25 MB, so anything larger is not GitHub."""

_AGENT = AgentSettings()
"""The agent's defaults, which the environment overrides."""
_PLACEHOLDERS = frozenset({"", "changeme", "change-me", "xxx", "secret", "todo", "none"})


class SettingsError(RuntimeError):
    """The configuration cannot run the App; the message names the variables to fix."""


def is_placeholder(value: str) -> bool:
    """True for values people paste from examples instead of a real secret."""
    text = value.strip()
    return (
        text.lower() in _PLACEHOLDERS
        or set(text.lower()) == {"x"}
        or (text.startswith("<") and text.endswith(">"))
    )


class Settings(BaseSettings):
    """Everything ``godwit serve`` and ``godwit worker`` need; secrets never appear in reprs."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    app_id: int
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    webhook_secret: SecretStr
    github_url: str = "https://api.github.com"
    database_url: str = "sqlite:///godwit.db"
    queue_url: str = "sqlite:///godwit-queue.db"
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "anthropic_api_key")
    )
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "anthropic_base_url")
    )
    agent_model: str = _AGENT.model
    agent_max_tokens: int = Field(default=_AGENT.max_tokens, gt=0)
    agent_cache_ttl: CacheTtl = _AGENT.cache_ttl
    agent_max_turns: int = Field(default=_AGENT.max_turns, gt=0)
    agent_max_output_tokens_per_task: int = Field(default=_AGENT.max_output_tokens_per_task, gt=0)
    agent_max_tasks_per_pr_per_hour: int = Field(default=_AGENT.max_tasks_per_pr_per_hour, ge=0)
    workers: int = Field(default=2, ge=1, le=64)
    mutation_interval: float = Field(default=1.0, ge=0.0)
    """Seconds between two mutating GitHub requests (GitHub asks for at least one)."""
    max_body_bytes: int = Field(default=MAX_WEBHOOK_BYTES, gt=0)
    dashboard_delay: float = Field(default=1.0, ge=0.0)
    """Seconds a dashboard refresh waits so that a burst of events yields one issue edit."""
    stale_days: int = Field(default=7, ge=1)
    """Days without activity after which a campaign PR is nudged (once)."""
    lock_ttl_seconds: float = Field(default=900.0, gt=0.0)
    """How long a repository lock outlives a worker that died while holding it."""
    job_retries: int = Field(default=5, ge=0)
    job_retry_delay: float = Field(default=2.0, ge=0.0)
    client_id: str | None = None
    """The App's OAuth client id: signs people in to the web dashboard (off without it)."""
    client_secret: SecretStr | None = None
    session_secret: SecretStr | None = None
    """Signs the dashboard's session cookies; derived from the webhook secret when unset."""
    session_hours: float = Field(default=8.0, gt=0.0, le=24.0 * 30)
    """How long a dashboard sign-in lasts (GitHub's user tokens for Apps last eight hours)."""
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    """Where people reach ``godwit serve``; links to the web dashboard need it."""

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        problems: list[str] = []
        if is_placeholder(self.webhook_secret.get_secret_value()):
            problems.append(f"{ENV_PREFIX}WEBHOOK_SECRET is a placeholder")
        if self.private_key is None and self.private_key_path is None:
            problems.append(f"set {ENV_PREFIX}PRIVATE_KEY or {ENV_PREFIX}PRIVATE_KEY_PATH")
        if self.private_key is not None and is_placeholder(self.private_key.get_secret_value()):
            problems.append(f"{ENV_PREFIX}PRIVATE_KEY is a placeholder")
        if (self.client_id is None) != (self.client_secret is None):
            problems.append(
                f"set both {ENV_PREFIX}CLIENT_ID and {ENV_PREFIX}CLIENT_SECRET, or neither"
            )
        for name, secret in (
            ("CLIENT_SECRET", self.client_secret),
            ("SESSION_SECRET", self.session_secret),
        ):
            if secret is not None and is_placeholder(secret.get_secret_value()):
                problems.append(f"{ENV_PREFIX}{name} is a placeholder")
        if self.anthropic_api_key is not None and is_placeholder(
            self.anthropic_api_key.get_secret_value()
        ):
            problems.append("ANTHROPIC_API_KEY is a placeholder (leave it unset instead)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def agent_settings(self) -> AgentSettings:
        """The coding agent's bounds; the App's own secrets are redacted from all it writes."""
        secrets = [self.webhook_secret, self.private_key]
        return AgentSettings(
            api_key=self.anthropic_api_key,
            base_url=self.anthropic_base_url,
            model=self.agent_model,
            max_tokens=self.agent_max_tokens,
            cache_ttl=self.agent_cache_ttl,
            max_turns=self.agent_max_turns,
            max_output_tokens_per_task=self.agent_max_output_tokens_per_task,
            max_tasks_per_pr_per_hour=self.agent_max_tasks_per_pr_per_hour,
            other_secrets=tuple(secret for secret in secrets if secret is not None),
        )

    @property
    def dashboard_enabled(self) -> bool:
        """The web dashboard needs the App's OAuth client to sign people in."""
        return self.client_id is not None and self.client_secret is not None

    def session_key(self) -> bytes:
        """The key signing session cookies: the setting, or one derived from the webhook secret.

        Derived with HMAC under a fixed label, so the cookie key never equals the webhook
        secret that also signs PR metadata.
        """
        if self.session_secret is not None:
            return self.session_secret.get_secret_value().encode()
        secret = self.webhook_secret.get_secret_value().encode()
        return hmac.new(secret, b"godwit dashboard sessions", hashlib.sha256).digest()

    def dashboard_url(self) -> str | None:
        """The web dashboard's address, when a public URL is set and sign-in is configured."""
        if self.public_url is None or not self.dashboard_enabled:
            return None
        return f"{self.public_url.rstrip('/')}/dashboard"

    def private_key_pem(self) -> str:
        """The App's PEM key, inline or read from the configured file."""
        if self.private_key is not None:
            return self.private_key.get_secret_value()
        assert self.private_key_path is not None  # guaranteed by the validator
        return self.private_key_path.read_text(encoding="utf-8")


class AgentModelSettings(BaseSettings):
    """The agent's model and cache TTL alone: what ``godwit plan`` estimates need, no secret."""

    model_config = SettingsConfigDict(
        env_prefix=f"{ENV_PREFIX}AGENT_", env_file=".env", extra="ignore", frozen=True
    )

    model: str = _AGENT.model
    cache_ttl: CacheTtl = _AGENT.cache_ttl

    def agent_settings(self) -> AgentSettings:
        return AgentSettings(model=self.model, cache_ttl=self.cache_ttl)


def _variable(field: str) -> str:
    if field.startswith("anthropic_"):
        return field.upper()
    return ENV_PREFIX + field.upper()


def describe(error: ValidationError) -> str:
    """One line per problem, phrased with environment variable names, never with values."""
    lines = []
    for item in error.errors(include_input=False):
        fields = [str(part) for part in item["loc"]]
        if fields:
            lines.append(f"{_variable(fields[0])}: {item['msg'].lower()}")
        else:
            lines.append(item["msg"].removeprefix("Value error, "))
    return "invalid Godwit configuration: " + "; ".join(lines)


@cache
def get_settings() -> Settings:
    """Load the settings once; raise ``SettingsError`` naming what is missing or wrong."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error)) from None
