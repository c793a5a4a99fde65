"""The OAuth web flow of GitHub Apps: sign-in codes and the user tokens they are exchanged for.

A web app signs people in with ``/login/oauth/authorize`` → its callback with a ``code``
→ ``POST /login/oauth/access_token`` → a user token (``ghu_…``) that acts as that person.
Codes are single-use and short-lived, as on GitHub.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

CODE_LIFETIME_S = 600
USER_TOKEN_LIFETIME_S = 8 * 3600
"""GitHub's user tokens for Apps expire after eight hours."""


@dataclass(frozen=True)
class Grant:
    """A person's consent to an app, waiting to be exchanged (a code) or exchanged (a token)."""

    login: str
    app_id: int
    redirect_uri: str
    expires_at: float


class UserTokens:
    """Sign-in codes and user tokens; both are looked up under one lock."""

    def __init__(self) -> None:
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue_code(self, login: str, app_id: int, redirect_uri: str) -> str:
        code = secrets.token_hex(10)
        with self._lock:
            self._codes[code] = Grant(login, app_id, redirect_uri, time.time() + CODE_LIFETIME_S)
        return code

    def exchange(self, code: str, app_id: int, redirect_uri: str | None) -> str | None:
        """A token for a live code of this app (used up either way), or ``None``."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.app_id != app_id or grant.expires_at < time.time():
            return None
        if redirect_uri is not None and redirect_uri != grant.redirect_uri:
            return None
        token = f"ghu_{secrets.token_urlsafe(27)}"
        with self._lock:
            self._tokens[token] = Grant(
                grant.login, app_id, grant.redirect_uri, time.time() + USER_TOKEN_LIFETIME_S
            )
        return token

    def lookup(self, token: str) -> Grant | None:
        grant = self._tokens.get(token)
        if grant is None or grant.expires_at < time.time():
            return None
        return grant
