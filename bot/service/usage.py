"""Read the jobs export a campaign links and record the readers it shows in no repository.

Discovery plans every repository and so knows every consumer found in code; it
then reads ``usage.jobs_export`` from the repository the campaign names, through
the installation's client, and matches the export's jobs against those consumers
(``bot.campaigns.usage``). What matches none is stored on the campaign as
residual references of the warehouse, which keep it from completing until each
is migrated or waived. An export that cannot be used is said so on the campaign
issue, and the warehouse then counts as unread (not as clear); the rest of
discovery goes on unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from githubkit.exception import GitHubException, RequestFailed
from sqlalchemy.orm import Session

from bot.campaigns.messages import PlannedRepo
from bot.campaigns.residual import WAREHOUSE, ResidualKind, ResidualReference
from bot.campaigns.usage import (
    MAX_EXPORT_BYTES,
    UsageEvidence,
    UsageExportError,
    export_location,
    jobs_reading,
    match_jobs,
    parse_jobs_export,
)
from bot.github.client import AnyGitHub
from bot.github.content import RepoFileError, read_repo_file
from bot.rendering import render
from bot.service.github_ops import split_repo
from bot.spec import Campaign as CampaignSpec
from bot.store.models import Campaign
from bot.store.residual import store_warehouse_residual, warehouse_residual_of

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)

USAGE_MARKER = "<!-- godwit:usage -->"
SHOWN_READERS = 20
"""Readers listed in the comment; the dashboard lists the rest with the other residuals."""


@dataclass(frozen=True)
class UsageReading:
    """One reading of the export: its evidence, or the problem that stopped it."""

    written: str  # usage.jobs_export as the campaign gives it
    evidence: UsageEvidence | None
    residuals: tuple[ResidualReference, ...]
    problem: str | None = None


def read_usage(
    gh: AnyGitHub, spec: CampaignSpec, planned: Sequence[PlannedRepo], web_base: str
) -> UsageReading | None:
    """Read and match the campaign's export (GitHub reads only: no transaction is open)."""
    if spec.usage is None:
        return None
    written = spec.usage.jobs_export
    try:
        location = export_location(written, web_base)
        owner, name = split_repo(location.repo)
        text = read_repo_file(gh, owner, name, location.path, location.ref, MAX_EXPORT_BYTES)
        jobs = jobs_reading(parse_jobs_export(text), spec)
    except (UsageExportError, RepoFileError) as error:
        return _unusable(written, str(error))
    except RequestFailed as error:
        status = error.response.status_code
        reason = (
            "not found: the repository, branch or folder does not exist, "
            "or the App is not installed on that repository"
            if status == 404
            else f"GitHub answered {status}"
        )
        return _unusable(written, f"{written} could not be read ({reason})")
    except GitHubException as error:
        logger.warning("could not read the jobs export %s: %s", written, error)
        return _unusable(written, f"{written} could not be read ({type(error).__name__})")
    sources = {p.repo: {f.path: f.original for f in p.plan.files if f.references} for p in planned}
    evidence = match_jobs(jobs, sources)
    return UsageReading(written, evidence, evidence.residuals([t.old for t in spec.tables]))


def _unusable(written: str, problem: str) -> UsageReading:
    """The warehouse is not known to be clear: one residual reference says why."""
    residual = ResidualReference(
        WAREHOUSE,
        ResidualKind.UNREAD,
        detail=f"the jobs export {written} could not be used: {problem}"[:500],
    )
    return UsageReading(written, None, (residual,), problem)


def record_usage(campaign: Campaign, reading: UsageReading | None) -> None:
    """Store the reading's residual references (none when the campaign links no export)."""
    store_warehouse_residual(campaign, () if reading is None else reading.residuals)


def tell_usage(
    services: AppServices, session: Session, campaign: Campaign, reading: UsageReading | None
) -> None:
    """Say on the campaign issue what the export showed, or why it could not be used."""
    if reading is None:
        return
    body = render(
        "campaign/usage.md.j2",
        marker=USAGE_MARKER,
        reading=reading,
        shown=SHOWN_READERS,
    )
    ops = services.ops(session, campaign.installation_id)
    ops.upsert_comment(campaign.repo, campaign.issue_number, USAGE_MARKER, body)


def warehouse_waiver_problem(campaign: Campaign, key: str | None) -> str | None:
    """Why ``/migrate waive warehouse[:KEY]`` names nothing that reads, or None when it does."""
    readers = warehouse_residual_of(campaign)
    if not readers:
        return "the jobs export shows no reader outside the repositories: nothing to waive"
    if key is not None and not any(key in (r.path, *r.aliases) for r in readers):
        return (
            f"no reader in the jobs export is `{WAREHOUSE}:{key}` "
            "(the dashboard lists each one as `warehouse:QUERY_ID`)"
        )
    return None
