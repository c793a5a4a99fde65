"""Campaign jobs on the App's huey queue: discovery, one PR per repository, dashboard refresh.

Only ids travel through the queue; each job reads the store and GitHub afresh
when it runs, so a job that runs twice or late acts on the current state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from huey.exceptions import RetryTask

from bot.github.retry import RescheduleJob
from bot.jobs.errors import RepositoryBusyError
from bot.service import dashboard, discovery, nudges, pull_requests, residual, snapshots

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 1.0
JOB_RETRIES = 3
JOB_RETRY_DELAY = 2.0


def _requeue_when_waiting(job: Callable[..., None]) -> Callable[..., None]:
    """A busy lock or a long rate-limit pause sends the job back without using a retry."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            job(*args, **kwargs)
        except RepositoryBusyError as busy:
            logger.info("job %s waits for %s", job.__name__, busy)
            raise RetryTask(delay=BUSY_RETRY_SECONDS) from None
        except RescheduleJob as pause:
            logger.info("job %s paused: %s", job.__name__, pause)
            raise RetryTask(delay=pause.after_seconds) from None

    run.__name__ = job.__name__
    return run


class CampaignJobs:
    """Registers the jobs on ``services.huey``; the methods enqueue them."""

    def __init__(self, services: AppServices) -> None:
        def discover(campaign_pk: int) -> None:
            discovery.discover(services, campaign_pk)

        def open_pull_request(campaign_pk: int, repo: str, task: Any) -> None:
            final = not task.retries
            pull_requests.open_pull_request(services, campaign_pk, repo, final_attempt=final)

        def refresh_dashboard(campaign_pk: int) -> None:
            dashboard.refresh_dashboard(services, campaign_pk)

        def rescan_repository(campaign_pk: int, repo: str) -> None:
            residual.rescan_repository(services, campaign_pk, repo)

        task = services.huey.task
        options = {"retries": JOB_RETRIES, "retry_delay": JOB_RETRY_DELAY}
        self._discover = task(name="campaign_discover", **options)(_requeue_when_waiting(discover))
        self._open_pull_request = task(name="campaign_open_pull_request", context=True, **options)(
            _requeue_when_waiting(open_pull_request)
        )
        self._refresh_dashboard = task(name="campaign_refresh_dashboard", **options)(
            _requeue_when_waiting(refresh_dashboard)
        )
        self._rescan_repository = task(name="campaign_rescan_repository", **options)(
            _requeue_when_waiting(rescan_repository)
        )
        nudges.register_nudges(services)
        snapshots.register_snapshot_pruning(services)

    def discover(self, campaign_pk: int) -> None:
        self._discover(campaign_pk)

    def open_pull_request(self, campaign_pk: int, repo: str) -> None:
        self._open_pull_request(campaign_pk, repo)

    def rescan_repository(self, campaign_pk: int, repo: str) -> None:
        self._rescan_repository(campaign_pk, repo)

    def refresh_dashboard(self, campaign_pk: int, *, delay: float) -> None:
        if delay > 0:
            self._refresh_dashboard.schedule((campaign_pk,), delay=delay)
        else:
            self._refresh_dashboard(campaign_pk)
