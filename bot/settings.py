"""The GitHub App's configuration, read once from the environment or a ``.env`` file.

Loading is lazy (``get_settings()``) so the pure engine and ``godwit plan`` run
without any secret, while ``serve`` and ``worker`` refuse to start on a missing
or placeholder value and name the variable to fix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.agent.settings import AgentSettings, CacheTtl
from bot.campaigns.meta import MAX_PREVIOUS_KEYS, MarkerKeys
from bot.settings_checks import (
    database_url_problem,
    http_url_problem,
    key_file_problem,
    private_key_problem,
    queue_url_problem,
)

ENV_PREFIX = "GODWIT_"
MAX_WEBHOOK_BYTES = 25 * 1024 * 1024
"""GitHub never sends a payload above 25 MB, so anything larger is not GitHub."""
MAX_REPO_BYTES = 100 * 1024 * 1024
"""Text read from one repository at most; a larger one is reported as too large to read."""
MAX_WEBHOOK_DEPTH = 32
"""Nested objects and arrays in a webhook payload; GitHub's go about 8 deep."""

DEFAULT_QUEUE_NAME = "godwit"
DEFAULT_LOCK_TTL_SECONDS = 900.0
DEFAULT_JOB_RETRIES = 5
DEFAULT_JOB_RETRY_DELAY = 2.0
DEFAULT_WORKER_HEARTBEAT_SECONDS = 5.0
DEFAULT_WORKER_TIMEOUT_SECONDS = 30.0
"""The job and worker defaults, here once; ``bot.jobs.policy.JobPolicy`` reads them too."""

_AGENT = AgentSettings()
"""The agent's defaults, which the environment overrides."""
_PLACEHOLDERS = frozenset({"", "changeme", "change-me", "xxx", "secret", "todo", "none"})
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
MIN_MARKER_KEY_CHARS = 32
MAX_CAMPAIGN_AUTHORS = 1000
"""Longer lists are a team's job: grant that team write access to the campaigns' repository."""
_URL_CHECKS: dict[str, Callable[[str], str | None]] = {
    "github_url": http_url_problem,
    "anthropic_base_url": http_url_problem,
    "database_url": database_url_problem,
    "queue_url": queue_url_problem,
}
"""Each URL setting's check, which names what is wrong without echoing the value."""


class SettingsError(RuntimeError):
    """The configuration cannot run the App; the message names the variables to fix."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)
        """One line per problem, for a person to fix them all in one go."""


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
    private_key_path: Path | None = Field(default=None, validate_default=True)
    webhook_secret: SecretStr
    marker_key: SecretStr
    """Signs the metadata marker of Godwit's PRs; a key of its own, never the webhook secret."""
    marker_previous_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    """Keys that signed markers before a rotation: they still verify, the current key signs."""
    github_url: str = "https://api.github.com"
    database_url: str = "sqlite:///godwit.db"
    queue_url: str = "sqlite:///godwit-queue.db"
    queue_name: str = Field(default=DEFAULT_QUEUE_NAME, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    """The queue's name in its storage, so several Godwits can share one Redis."""
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
    max_repo_bytes: int = Field(default=MAX_REPO_BYTES, gt=0)
    """Bytes of text files read from one repository (per snapshot); above it, none are read."""
    dashboard_delay: float = Field(default=1.0, ge=0.0)
    """Seconds a dashboard refresh waits so that a burst of events yields one issue edit."""
    stale_days: int = Field(default=7, ge=1)
    """Days without activity after which a campaign PR is nudged (once)."""
    lock_ttl_seconds: float = Field(default=DEFAULT_LOCK_TTL_SECONDS, gt=0.0)
    """The longest a lock is held: the last resort when no worker heartbeat frees it sooner."""
    job_retries: int = Field(default=DEFAULT_JOB_RETRIES, ge=0, le=100)
    """Retries of every failed job (deliveries and campaign jobs alike)."""
    job_retry_delay: float = Field(default=DEFAULT_JOB_RETRY_DELAY, ge=0.0, le=3600.0)
    """The first retry's delay in seconds; each later one waits twice as long."""
    worker_heartbeat_seconds: float = Field(
        default=DEFAULT_WORKER_HEARTBEAT_SECONDS, gt=0.0, le=300.0
    )
    """How often each worker process writes its heartbeat (and sweeps for orphaned work)."""
    worker_timeout_seconds: float = Field(default=DEFAULT_WORKER_TIMEOUT_SECONDS, gt=0.0, le=3600.0)
    """A worker silent this long is dead: its locks are free and its jobs run again."""
    campaign_authors: Annotated[tuple[str, ...], NoDecode] = ()
    """Logins who may run campaigns besides people with write access to the issue's repository."""

    client_id: str | None = None
    """The App's OAuth client id: signs people in to the web dashboard (off without it)."""
    client_secret: SecretStr | None = None
    session_secret: SecretStr | None = None
    """Signs the dashboard's session cookies; derived from the webhook secret when unset."""
    session_hours: float = Field(default=8.0, gt=0.0, le=24.0 * 30)
    """How long a dashboard sign-in lasts (GitHub's user tokens for Apps last eight hours)."""
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    """Where people reach ``godwit serve``; links to the web dashboard need it."""

    @field_validator("private_key")
    @classmethod
    def _inline_key(cls, value: SecretStr | None) -> SecretStr | None:
        """Checked as a field, not with the model, so a missing App id does not hide it."""
        if value is None:
            return None
        if is_placeholder(value.get_secret_value()):
            raise ValueError("a placeholder, not a key")
        problem = private_key_problem(value.get_secret_value())
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("private_key_path")
    @classmethod
    def _key_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        """Exactly one key source; the file read and parsed now, before anything starts."""
        if "private_key" not in info.data:  # the inline key is wrong: that is reported
            return value
        if info.data["private_key"] is not None:
            return value
        if value is None:
            raise ValueError(
                f"missing: the App's key file (or set {ENV_PREFIX}PRIVATE_KEY to the key itself)"
            )
        problem = key_file_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr) -> SecretStr:
        if is_placeholder(value.get_secret_value()):
            raise ValueError("a placeholder")
        return value

    @field_validator("github_url", "anthropic_base_url", "database_url", "queue_url")
    @classmethod
    def _url(cls, value: str | None, info: ValidationInfo) -> str | None:
        check = _URL_CHECKS[info.field_name or ""]
        problem = None if value is None else check(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("marker_previous_keys", mode="before")
    @classmethod
    def _keys(cls, value: object) -> object:
        """Comma-separated, newest first; at most ``MAX_PREVIOUS_KEYS`` of them."""
        if isinstance(value, str):
            value = tuple(word.strip() for word in value.split(",") if word.strip())
        if isinstance(value, list | tuple) and len(value) > MAX_PREVIOUS_KEYS:
            raise ValueError(f"at most {MAX_PREVIOUS_KEYS} keys, got {len(value)}")
        return value

    @field_validator("campaign_authors", mode="before")
    @classmethod
    def _logins(cls, value: object) -> object:
        """Comma- or space-separated GitHub logins, each checked, so a typo is named at start-up."""
        if isinstance(value, str):
            value = [word for word in re.split(r"[\s,]+", value) if word]
        if not isinstance(value, list | tuple):
            return value
        if len(value) > MAX_CAMPAIGN_AUTHORS:
            raise ValueError(f"at most {MAX_CAMPAIGN_AUTHORS} logins, got {len(value)}")
        bad = [str(login) for login in value if not _LOGIN.fullmatch(str(login))]
        if bad:
            raise ValueError(f"not GitHub logins: {', '.join(repr(b[:60]) for b in bad[:5])}")
        return tuple(value)

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        problems: list[str] = []
        if self.worker_timeout_seconds < 2 * self.worker_heartbeat_seconds:
            problems.append(
                f"{ENV_PREFIX}WORKER_TIMEOUT_SECONDS must be at least twice "
                f"{ENV_PREFIX}WORKER_HEARTBEAT_SECONDS, or a live worker looks dead"
            )
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
        problems += self._marker_key_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _marker_key_problems(self) -> list[str]:
        current = self.marker_key.get_secret_value()
        previous = [key.get_secret_value() for key in self.marker_previous_keys]
        problems = []
        if is_placeholder(current):
            problems.append(f"{ENV_PREFIX}MARKER_KEY is a placeholder")
        elif len(current) < MIN_MARKER_KEY_CHARS:
            problems.append(
                f"{ENV_PREFIX}MARKER_KEY is shorter than {MIN_MARKER_KEY_CHARS} characters"
                " (generate one: python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if current == self.webhook_secret.get_secret_value():
            problems.append(f"{ENV_PREFIX}MARKER_KEY must not be the webhook secret")
        if current in previous:
            problems.append(f"{ENV_PREFIX}MARKER_PREVIOUS_KEYS lists the current marker key")
        if any(is_placeholder(key) or len(key) < MIN_MARKER_KEY_CHARS for key in previous):
            problems.append(
                f"{ENV_PREFIX}MARKER_PREVIOUS_KEYS holds a key shorter than"
                f" {MIN_MARKER_KEY_CHARS} characters or a placeholder"
            )
        return problems

    def marker_keys(self) -> MarkerKeys:
        """The current marker key signs; the previous ones still verify."""
        return MarkerKeys(
            self.marker_key.get_secret_value().encode(),
            tuple(key.get_secret_value().encode() for key in self.marker_previous_keys),
        )

    def agent_settings(self) -> AgentSettings:
        """The coding agent's bounds; the App's own secrets are redacted from all it writes."""
        secrets = [self.webhook_secret, self.private_key, self.marker_key]
        secrets += self.marker_previous_keys
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


_VALUE_ERROR = "Value error, "


def problems_of(error: ValidationError) -> tuple[str, ...]:
    """One line per problem, phrased with environment variable names, never with values.

    pydantic's own messages are lower-cased to follow the name; Godwit's are kept
    as written, since they name other variables and files.
    """
    lines: list[str] = []
    for item in error.errors(include_input=False):
        fields = [str(part) for part in item["loc"]]
        message = item["msg"]
        if message.startswith(_VALUE_ERROR):
            message = message.removeprefix(_VALUE_ERROR)
        elif fields:
            message = message.lower()
        if fields:
            lines.append(f"{_variable(fields[0])}: {message}")
        else:  # the model's own checks join theirs with "; "
            lines += message.split("; ")
    return tuple(lines)


def describe(error: ValidationError) -> str:
    """All problems on one line, for logs and exceptions."""
    return "invalid Godwit configuration: " + "; ".join(problems_of(error))


@cache
def get_settings() -> Settings:
    """Load the settings once; raise ``SettingsError`` naming what is missing or wrong."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error), problems_of(error)) from None
