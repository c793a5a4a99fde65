"""Act as the GitHub App (JWT) or as one of its installations (installation token).

githubkit signs the JWT and keeps installation tokens in a cache until a minute
before they expire. Its cache keys name the App and the installation but not the
GitHub server, so each (server, App, key) gets a cache of its own here: a token
minted by one GitHub (or one sandbox) is never offered to another.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from githubkit import AppAuthStrategy, AppInstallationAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy

from bot.github.client import api_url, build_github
from bot.github.pacing import MutationPacer, pacer_for
from bot.github.retry import DEFAULT_RETRY_POLICY, RetryPolicy

if TYPE_CHECKING:
    from bot.settings import Settings

_token_caches: dict[tuple[str, str, str], MemCacheStrategy] = {}
_token_caches_lock = threading.Lock()


def _token_cache(base_url: str, app_id: str, private_key: str) -> MemCacheStrategy:
    key = (base_url, app_id, hashlib.sha256(private_key.encode()).hexdigest())
    with _token_caches_lock:
        return _token_caches.setdefault(key, MemCacheStrategy())


class GitHubApp:
    """One registered App on one GitHub; hands out clients that share tokens and pacing."""

    def __init__(
        self,
        app_id: int | str,
        private_key: str,
        *,
        base_url: str,
        mutation_interval: float = 1.0,
        retry: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> None:
        self.base_url = api_url(base_url)
        self.mutation_interval = mutation_interval
        self._auth = AppAuthStrategy(str(app_id), private_key)
        self._retry = retry
        self._cache = _token_cache(self.base_url, str(app_id), private_key)

    @classmethod
    def from_settings(cls, settings: Settings) -> GitHubApp:
        return cls(
            settings.app_id,
            settings.private_key_pem(),
            base_url=settings.github_url,
            mutation_interval=settings.mutation_interval,
        )

    def app_client(self) -> GitHub[AppAuthStrategy]:
        """Act as the App itself (list installations, read the App); nothing here is paced."""
        return build_github(
            self._auth,
            base_url=self.base_url,
            retry=self._retry,
            cache_strategy=self._cache,
        )

    def installation_client(self, installation_id: int) -> GitHub[AppInstallationAuthStrategy]:
        """Act as one installation; its mutations take turns with every other client of it."""
        return build_github(
            self._auth.as_installation(installation_id),
            base_url=self.base_url,
            pacer=self.pacer(installation_id),
            retry=self._retry,
            cache_strategy=self._cache,
        )

    def pacer(self, installation_id: int) -> MutationPacer:
        """The pacer every client of ``installation_id`` shares, for jobs to ask about room."""
        return pacer_for(f"{self.base_url}#{installation_id}", self.mutation_interval)
