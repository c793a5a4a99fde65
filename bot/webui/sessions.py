"""Dashboard sessions: an opaque id in a signed, http-only, SameSite cookie; the rest on the server.

The person's GitHub token never leaves the server (a signed cookie is readable, only not
forgeable), signing out really ends the session, and a restart signs everyone out, which
is the safe failure. Both stores are bounded: the oldest entries go first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

SESSION_COOKIE = "godwit_session"
STATE_COOKIE = "godwit_oauth_state"
STATE_LIFETIME_S = 600
MAX_SESSIONS = 10_000
MAX_PENDING = 10_000
ACCESS_CACHE_S = 60.0
"""How long an answer to "may this person read that repository" is reused."""


def sign(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.encode(), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def unsign(key: bytes, signed: str | None) -> str | None:
    """The value of a cookie signed with ``key``, or ``None`` when it was not."""
    if not signed or len(signed) > 200:
        return None
    value, _, _ = signed.rpartition(".")
    if not value or not hmac.compare_digest(sign(key, value), signed):
        return None
    return value


@dataclass
class WebSession:
    login: str
    token: str = field(repr=False)
    expires_at: float
    readable: dict[str, tuple[bool, float]] = field(default_factory=dict)
    """Repository (lower case) → (may read, checked at)."""


class SessionStore:
    def __init__(self, key: bytes, lifetime_s: float) -> None:
        self._key = key
        self._lifetime_s = lifetime_s
        self._sessions: OrderedDict[str, WebSession] = OrderedDict()
        self._pending: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, login: str, token: str) -> str:
        """A new session; the answer is the cookie value."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = WebSession(login, token, time.time() + self._lifetime_s)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return sign(self._key, session_id)

    def get(self, cookie: str | None) -> WebSession | None:
        session_id = unsign(self._key, cookie)
        with self._lock:
            found = self._sessions.get(session_id) if session_id else None
            if found is not None and found.expires_at < time.time():
                del self._sessions[session_id]  # type: ignore[arg-type]
                return None
        return found

    def drop(self, cookie: str | None) -> None:
        session_id = unsign(self._key, cookie)
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def begin_sign_in(self, next_path: str) -> tuple[str, str]:
        """A fresh OAuth ``state`` and the cookie that ties it to this browser."""
        state = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[state] = (next_path, time.time() + STATE_LIFETIME_S)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
        return state, sign(self._key, state)

    def finish_sign_in(self, state: str | None, cookie: str | None) -> str | None:
        """Where to go after signing in, when ``state`` is live and this browser started it.

        A state is used once, whatever the outcome.
        """
        if not state or unsign(self._key, cookie) != state:
            return None
        with self._lock:
            found = self._pending.pop(state, None)
        if found is None or found[1] < time.time():
            return None
        return found[0]
