"""App JWTs and installation tokens, checked the way GitHub checks them.

A client that signs with the wrong key, lets its JWT expire or uses a token outside its
installation must fail here exactly as it would against github.com.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.sandbox.errors import GitHubError
from bot.sandbox.state import App, Installation, SandboxState

TOKEN_LIFETIME_S = 3600
MAX_JWT_LIFETIME_S = 600
CLOCK_SKEW_S = 60


def bad_credentials() -> GitHubError:
    return GitHubError(401, "Bad credentials")


def generate_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (private PEM, public PEM), like the key GitHub lets you download."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def verify_app_jwt(state: SandboxState, token: str) -> App:
    """The app a JWT was issued by, after checking RS256 signature, ``iat``, ``exp`` and ``iss``."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise GitHubError(401, "A JSON web token could not be decoded") from error
    if header.get("alg") != "RS256":
        raise GitHubError(401, "A JSON web token could not be decoded")
    issuer = str(claims.get("iss", ""))
    app = next(
        (a for a in state.apps.values() if issuer in (str(a.id), a.client_id)),
        None,
    )
    if app is None or not app.public_key_pem:
        raise GitHubError(401, "Integration not found")
    try:
        jwt.decode(
            token,
            app.public_key_pem,
            algorithms=["RS256"],
            options={"require": ["iat", "exp", "iss"], "verify_iat": False},
            leeway=CLOCK_SKEW_S,
        )
    except jwt.ExpiredSignatureError as error:
        raise GitHubError(
            401, "'Expiration time' claim ('exp') must be a numeric value representing the future"
        ) from error
    except jwt.PyJWTError as error:
        raise GitHubError(401, "A JSON web token could not be decoded") from error
    current = time.time()
    if float(claims["iat"]) > current + CLOCK_SKEW_S:
        raise GitHubError(401, "'Issued at' claim ('iat') must be an Integer representing the past")
    if float(claims["exp"]) > current + MAX_JWT_LIFETIME_S + CLOCK_SKEW_S:
        raise GitHubError(401, "'Expiration time' claim ('exp') is too far in the future")
    return app


@dataclass(frozen=True)
class IssuedToken:
    token: str
    installation_id: int
    expires_at: datetime


class TokenStore:
    """Installation access tokens (``ghs_…``) and the installation each one acts for."""

    def __init__(self, lifetime_s: int = TOKEN_LIFETIME_S) -> None:
        self.lifetime_s = lifetime_s
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(self, installation: Installation) -> IssuedToken:
        expires = datetime.fromtimestamp(int(time.time()) + self.lifetime_s, UTC)
        issued = IssuedToken(f"ghs_{secrets.token_urlsafe(27)}", installation.id, expires)
        with self._lock:
            self._tokens[issued.token] = issued
        return issued

    def lookup(self, token: str) -> IssuedToken | None:
        """The live token record, or ``None`` if unknown or expired."""
        issued = self._tokens.get(token)
        if issued is None or issued.expires_at <= datetime.now(UTC):
            return None
        return issued
