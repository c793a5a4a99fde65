"""Campaign jobs: discovery, PRs, rescans, dashboard refreshes, all owed in the store.

Only ids travel; each job reads the store and GitHub afresh when it runs, so a
job that runs twice, late or after its worker died acts on the current state
(``bot.jobs.durable`` says why every job is at-least-once). Given the caller's
``session``, a job is owed in the same transaction as the change that asks
for it, so a process that dies right after the commit still owes it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.jobs.durable import DurableJobs
from bot.service import (
    agent_tasks,
    dashboard,
    discovery,
    nudges,
    pull_requests,
    residual,
    snapshots,
)

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)

DISCOVER = "campaign_discover"
OPEN_PULL_REQUEST = "campaign_open_pull_request"
REFRESH_DASHBOARD = "campaign_refresh_dashboard"
RESCAN_REPOSITORY = "campaign_rescan_repository"
MIGRATE_GUARDED = "campaign_agent_migrate_guarded"


class CampaignJobs:
    """Defines the jobs on ``services.durable``; the methods owe and queue them."""

    def __init__(self, services: AppServices) -> None:
        def discover(campaign_pk: int, *, final_attempt: bool) -> None:
            discovery.discover(services, campaign_pk)

        def open_pull_request(campaign_pk: int, repo: str, *, final_attempt: bool) -> None:
            pull_requests.open_pull_request(
                services, campaign_pk, repo, final_attempt=final_attempt
            )

        def refresh_dashboard(campaign_pk: int, *, final_attempt: bool) -> None:
            dashboard.refresh_dashboard(services, campaign_pk)

        def rescan_repository(campaign_pk: int, repo: str, *, final_attempt: bool) -> None:
            residual.rescan_repository(services, campaign_pk, repo)

        def migrate_guarded(campaign_pk: int, repo: str, *, final_attempt: bool) -> None:
            agent_tasks.migrate_guarded_job(services, campaign_pk, repo)

        self._durable: DurableJobs = services.durable
        self._durable.define(DISCOVER, discover)
        self._durable.define(OPEN_PULL_REQUEST, open_pull_request)
        self._durable.define(REFRESH_DASHBOARD, refresh_dashboard)
        self._durable.define(RESCAN_REPOSITORY, rescan_repository)
        self._durable.define(MIGRATE_GUARDED, migrate_guarded)
        nudges.register_nudges(services)
        snapshots.register_snapshot_pruning(services)

    def _queue(self, name: str, *args: object, session: Session | None, delay: float = 0.0) -> None:
        if session is None:
            self._durable.enqueue(name, *args, delay=delay)
        else:
            self._durable.owe(session, name, *args, delay=delay)

    def discover(self, campaign_pk: int, *, session: Session | None = None) -> None:
        self._queue(DISCOVER, campaign_pk, session=session)

    def open_pull_request(
        self, campaign_pk: int, repo: str, *, session: Session | None = None
    ) -> None:
        self._queue(OPEN_PULL_REQUEST, campaign_pk, repo, session=session)

    def rescan_repository(
        self, campaign_pk: int, repo: str, *, session: Session | None = None
    ) -> None:
        self._queue(RESCAN_REPOSITORY, campaign_pk, repo, session=session)

    def migrate_guarded(
        self, campaign_pk: int, repo: str, *, session: Session | None = None
    ) -> None:
        """The agent's run over a new PR's guarded files (``bot.service.agent_tasks``)."""
        self._queue(MIGRATE_GUARDED, campaign_pk, repo, session=session)

    def refresh_dashboard(
        self, campaign_pk: int, *, delay: float, session: Session | None = None
    ) -> None:
        self._queue(REFRESH_DASHBOARD, campaign_pk, session=session, delay=max(delay, 0.0))
