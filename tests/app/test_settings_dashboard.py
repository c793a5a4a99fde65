"""The dashboard's settings: sign-in needs both OAuth values, links need a public URL."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from bot.settings import Settings
from tests.support.keys import app_private_key

BASE = {
    "app_id": 1,
    "private_key": SecretStr(app_private_key()),
    "webhook_secret": "whsec-1a2b",
    "marker_key": "marker-key-0123456789abcdef0123456789abcdef",
}


def test_client_id_without_secret_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="GODWIT_CLIENT_ID and GODWIT_CLIENT_SECRET"):
        Settings(**BASE, client_id="Iv1.abc")  # type: ignore[arg-type]


def test_placeholder_secrets_are_refused() -> None:
    with pytest.raises(ValidationError, match="GODWIT_SESSION_SECRET is a placeholder"):
        Settings(**BASE, session_secret="changeme")  # type: ignore[arg-type]


def test_dashboard_url_needs_sign_in_and_a_public_url() -> None:
    signed = {**BASE, "client_id": "Iv1.abc", "client_secret": "s3cr3t-value"}
    assert Settings(**signed).dashboard_url() is None  # type: ignore[arg-type]
    assert Settings(**BASE, public_url="https://g.example.com/").dashboard_url() is None  # type: ignore[arg-type]
    full = Settings(**signed, public_url="https://g.example.com/")  # type: ignore[arg-type]
    assert full.dashboard_url() == "https://g.example.com/dashboard"
    with pytest.raises(ValidationError):
        Settings(**BASE, public_url="javascript:alert(1)")  # type: ignore[arg-type]


def test_the_session_key_is_derived_from_but_not_equal_to_the_webhook_secret() -> None:
    derived = Settings(**BASE).session_key()  # type: ignore[arg-type]
    assert derived != b"whsec-1a2b"
    assert len(derived) == 32
    assert (
        Settings(**BASE, session_secret="own-session-key-9").session_key() == b"own-session-key-9"
    )  # type: ignore[arg-type]
