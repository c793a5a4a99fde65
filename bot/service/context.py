"""What every campaign flow needs from the process: GitHub, the store, the queue, the clock.

Built once per process (``AppServices.from_settings``) and handed to handlers
through ``EventContext.services`` and to jobs through the closures that
register them, so no flow reaches for a global.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from huey import Huey
from sqlalchemy.orm import Session, sessionmaker

from bot.agent import AgentSettings
from bot.campaigns.links import campaign_page_url
from bot.github.auth import GitHubApp
from bot.github.client import web_url
from bot.service.github_ops import GitHubOps

if TYPE_CHECKING:
    from bot.service.jobs import CampaignJobs
    from bot.settings import Settings

DEFAULT_STALE_DAYS = 7
DASHBOARD_DELAY_SECONDS = 1.0
"""How long a dashboard refresh waits, so a burst of events yields one edit of the issue."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class AppServices:
    """One per process; ``jobs`` registers the campaign jobs on ``huey`` when built."""

    def __init__(
        self,
        *,
        github: GitHubApp,
        sessions: sessionmaker[Session],
        huey: Huey,
        meta_key: bytes,
        web_base: str,
        lock_ttl_seconds: float = 900.0,
        stale_days: int = DEFAULT_STALE_DAYS,
        dashboard_delay: float = DASHBOARD_DELAY_SECONDS,
        clock: Callable[[], datetime] = utc_now,
        agent: AgentSettings | None = None,
        dashboard_base: str | None = None,
    ) -> None:
        # Imported here: the jobs run flows that take ``AppServices`` themselves.
        from bot.service.jobs import CampaignJobs

        self.github = github
        self.sessions = sessions
        self.huey = huey
        self.meta_key = meta_key
        self.web_base = web_base.rstrip("/")
        self.lock_ttl_seconds = lock_ttl_seconds
        self.stale_days = stale_days
        self.dashboard_delay = dashboard_delay
        self._clock = clock
        self.dashboard_base = dashboard_base
        """The web dashboard's address (``GODWIT_PUBLIC_URL``/dashboard); no links without it."""
        self.agent = agent or AgentSettings()
        """The coding agent's settings; without an API key the agent is off."""
        self._bot_login: str | None = None
        self._bot_login_lock = threading.Lock()
        self.jobs: CampaignJobs = CampaignJobs(self)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sessions: sessionmaker[Session], huey: Huey
    ) -> AppServices:
        """The PR metadata marker is signed with the webhook secret, which only the App holds."""
        return cls(
            github=GitHubApp.from_settings(settings),
            sessions=sessions,
            huey=huey,
            meta_key=settings.webhook_secret.get_secret_value().encode(),
            web_base=web_url(settings.github_url),
            lock_ttl_seconds=settings.lock_ttl_seconds,
            stale_days=settings.stale_days,
            dashboard_delay=settings.dashboard_delay,
            agent=settings.agent_settings(),
            dashboard_base=settings.dashboard_url(),
        )

    def campaign_page(self, repo: str, number: int) -> str | None:
        """The campaign's page on the web dashboard, when the dashboard has a public address."""
        if self.dashboard_base is None:
            return None
        return campaign_page_url(self.dashboard_base, repo, number)

    def now(self) -> datetime:
        return self._clock()

    def ops(self, session: Session, installation_id: int) -> GitHubOps:
        """Act as ``installation_id``, auditing in ``session``."""
        return GitHubOps(
            self.github.installation_client(installation_id),
            session,
            installation_id,
            self.bot_login,
        )

    @property
    def bot_login(self) -> str:
        """The App's own account (``<slug>[bot]``), to find its comments and ignore its words."""
        with self._bot_login_lock:
            if self._bot_login is None:
                client = self.github.app_client()  # githubkit needs the client kept alive
                app = client.rest.apps.get_authenticated().parsed_data
                slug = app.slug if app is not None and isinstance(app.slug, str) else None
                if slug is None:
                    raise RuntimeError("GitHub did not name the App's slug")
                self._bot_login = f"{slug}[bot]"
            return self._bot_login
