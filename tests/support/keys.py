"""A real RSA private key for settings that parse the App's key, made once per test run."""

from __future__ import annotations

from functools import cache

from bot.sandbox.auth import generate_key_pair


@cache
def app_private_key() -> str:
    """A PEM key like the one GitHub lets you download (settings refuse anything else)."""
    return generate_key_pair()[0]
