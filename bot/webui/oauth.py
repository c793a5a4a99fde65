"""GitHub's OAuth web flow for the App, and the one question the dashboard asks with the token.

GitHub's rule for an App's user token is the one the dashboard needs: it reads a
repository only where the App is installed and the person may read it. So "may this
person see this campaign" is ``GET /repos/{host}`` with their token, answered by GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr

TIMEOUT_S = 10.0


class SignInError(RuntimeError):
    """GitHub refused the sign-in; the message is safe to show."""


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: SecretStr = field(repr=False)
    web_base: str  # https://github.com, or the sandbox's address
    api_base: str  # the REST root, ending in a slash

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {"client_id": self.client_id, "redirect_uri": redirect_uri, "state": state}
        )
        return f"{self.web_base}/login/oauth/authorize?{query}"

    def exchange(self, code: str, redirect_uri: str) -> str:
        """The user token for ``code``; GitHub answers 200 with ``error`` for a bad code."""
        try:
            answer = httpx.post(
                f"{self.web_base}/login/oauth/access_token",
                data={
                    "client_id": self.client_id,
                    "client_secret": self.client_secret.get_secret_value(),
                    "code": code,
                    "redirect_uri": redirect_uri,
                },
                headers={"accept": "application/json"},
                timeout=TIMEOUT_S,
            )
            body = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise SignInError("GitHub could not be reached to finish signing in") from error
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            reason = body.get("error") if isinstance(body, dict) else None
            raise SignInError(f"GitHub refused the sign-in ({reason or 'no token'})")
        return token

    def _get(self, token: str, path: str) -> httpx.Response:
        return httpx.get(
            f"{self.api_base}{path}",
            headers={
                "authorization": f"Bearer {token}",
                "accept": "application/vnd.github+json",
                "x-github-api-version": "2022-11-28",
            },
            timeout=TIMEOUT_S,
        )

    def login_of(self, token: str) -> str:
        try:
            answer = self._get(token, "user")
            login = answer.json().get("login") if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as error:
            raise SignInError("GitHub could not be reached to finish signing in") from error
        if not isinstance(login, str):
            raise SignInError("GitHub did not say who signed in")
        return login

    def can_read(self, token: str, repo: str) -> bool:
        """True only on GitHub's clear yes; any error or doubt is a no."""
        try:
            answer = self._get(token, f"repos/{repo}")
            if answer.status_code != 200:
                return False
            permissions = answer.json().get("permissions")
        except (httpx.HTTPError, ValueError):
            return False
        return isinstance(permissions, dict) and permissions.get("pull") is True
