"""What every campaign flow needs from the process: GitHub, the store, the queue, the clock.

Built once per process (``AppServices.from_settings``) and handed to handlers
through ``EventContext.services`` and to jobs through the closures that
register them, so no flow reaches for a global.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from huey import Huey
from sqlalchemy.orm import Session, sessionmaker

from bot.agent import AgentSettings
from bot.campaigns.links import campaign_page_url
from bot.campaigns.meta import MarkerKeys
from bot.campaigns.permissions import campaign_authors
from bot.github.auth import GitHubApp
from bot.github.client import web_url
from bot.jobs.durable import DurableJobs
from bot.jobs.liveness import Liveness
from bot.jobs.policy import JobPolicy
from bot.service.authority import Authority
from bot.service.github_ops import GitHubOps
from bot.service.locking import holding
from bot.settings import MAX_REPO_BYTES

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
        marker_keys: MarkerKeys,
        web_base: str,
        policy: JobPolicy | None = None,
        liveness: Liveness | None = None,
        stale_days: int = DEFAULT_STALE_DAYS,
        dashboard_delay: float = DASHBOARD_DELAY_SECONDS,
        clock: Callable[[], datetime] = utc_now,
        agent: AgentSettings | None = None,
        max_repo_bytes: int = MAX_REPO_BYTES,
        campaign_authors: frozenset[str] = frozenset(),
        dashboard_base: str | None = None,
    ) -> None:
        # Imported here: the jobs run flows that take ``AppServices`` themselves.
        from bot.service.jobs import CampaignJobs

        self.github = github
        self.sessions = sessions
        self.huey = huey
        self.marker_keys = marker_keys
        """Sign and verify the metadata marker of Godwit's PRs (``bot.campaigns.meta``)."""
        self.web_base = web_base.rstrip("/")
        self.policy = policy or JobPolicy()
        self.liveness = liveness
        """This process as a worker; ``None`` where no jobs run here (a test, ``reconcile``)."""
        self.durable = DurableJobs(huey, sessions, self.policy, liveness)
        self.stale_days = stale_days
        self.dashboard_delay = dashboard_delay
        self._clock = clock
        self.max_repo_bytes = max_repo_bytes
        """Text read from one repository at most (``GODWIT_MAX_REPO_BYTES``)."""
        self.dashboard_base = dashboard_base
        """The web dashboard's address (``GODWIT_PUBLIC_URL``/dashboard); no links without it."""
        self.agent = agent or AgentSettings()
        """The coding agent's settings; without an API key the agent is off."""
        self.campaign_authors = campaign_authors
        """Lowercase logins the operators allow to run campaigns (``GODWIT_CAMPAIGN_AUTHORS``)."""
        self._bot_login: str | None = None
        self._bot_login_lock = threading.Lock()
        self.jobs: CampaignJobs = CampaignJobs(self)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sessions: sessionmaker[Session],
        huey: Huey,
        liveness: Liveness | None = None,
    ) -> AppServices:
        """Build the services from ``godwit serve``/``worker``/``reconcile`` settings."""
        return cls(
            github=GitHubApp.from_settings(settings),
            sessions=sessions,
            huey=huey,
            marker_keys=settings.marker_keys(),
            web_base=web_url(settings.github_url),
            policy=JobPolicy.from_settings(settings),
            liveness=liveness,
            stale_days=settings.stale_days,
            dashboard_delay=settings.dashboard_delay,
            agent=settings.agent_settings(),
            max_repo_bytes=settings.max_repo_bytes,
            campaign_authors=campaign_authors(settings.campaign_authors),
            dashboard_base=settings.dashboard_url(),
        )

    def campaign_page(self, repo: str, number: int) -> str | None:
        """The campaign's page on the web dashboard, when the dashboard has a public address."""
        if self.dashboard_base is None:
            return None
        return campaign_page_url(self.dashboard_base, repo, number)

    def now(self) -> datetime:
        return self._clock()

    def authority(self, ops: GitHubOps) -> Authority:
        """Permission decisions acting as ``ops``; make one per piece of work (it remembers)."""
        return Authority(ops, self.campaign_authors)

    def lock(self, name: str) -> AbstractContextManager[None]:
        """Hold the store lock ``name`` as this worker; ``RepositoryBusyError`` when taken."""
        return holding(self.sessions, name, self.policy.lock_ttl_seconds, self.liveness)

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
