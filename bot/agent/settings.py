"""The agent's limits and prices, in one object the caller builds once.

Every bound the agent obeys lives here and is enforced in code; the prompt only
repeats them so the model wastes fewer turns running into them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

CacheTtl = Literal["5m", "1h"]


class ModelPrice(BaseModel):
    """US dollars per million tokens; cache writes and reads are priced relative to input."""

    model_config = ConfigDict(frozen=True)

    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cache_write_5m_factor: Decimal = Decimal("1.25")
    cache_write_1h_factor: Decimal = Decimal("2")
    cache_read_factor: Decimal = Decimal("0.1")


DEFAULT_PRICES: dict[str, ModelPrice] = {
    "claude-sonnet-4-6": ModelPrice(input_per_mtok=Decimal(3), output_per_mtok=Decimal(15)),
    "claude-opus-4-6": ModelPrice(input_per_mtok=Decimal(5), output_per_mtok=Decimal(25)),
    "claude-haiku-4-5": ModelPrice(input_per_mtok=Decimal(1), output_per_mtok=Decimal(5)),
}


class AgentSettings(BaseModel):
    """Configuration of the coding agent; without ``api_key`` the agent is off."""

    model_config = ConfigDict(frozen=True)

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = "claude-sonnet-4-6"
    max_tokens: int = Field(default=4096, gt=0)
    """Output tokens one response may use."""
    max_turns: int = Field(default=24, gt=0)
    """Requests one task may send."""
    max_output_tokens_per_task: int = Field(default=24_000, gt=0)
    max_tasks_per_pr_per_hour: int = Field(default=6, ge=0)
    cache_ttl: CacheTtl = "5m"
    scope_window: int = Field(default=3, ge=0)
    """Lines around a commented or annotated line that an edit may touch."""
    max_retries: int = Field(default=4, ge=0)
    timeout_s: float = Field(default=120.0, gt=0)
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    other_secrets: tuple[SecretStr, ...] = ()
    """The App's other secrets (webhook secret, private key), redacted from all agent text."""

    @property
    def enabled(self) -> bool:
        return self.api_key is not None and bool(self.api_key.get_secret_value().strip())

    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a prompt, a reply or a log."""
        values = [
            secret.get_secret_value() for secret in (self.api_key, *self.other_secrets) if secret
        ]
        return tuple(value for value in values if value.strip())

    def price(self) -> ModelPrice | None:
        return self.prices.get(self.model)
