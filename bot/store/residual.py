"""Residual references and waivers as the store keeps them (JSON on targets and campaigns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from bot.campaigns.residual import (
    Readiness,
    ResidualReference,
    Seen,
    Waiver,
    not_scanned,
    readiness,
)
from bot.store.campaigns import list_targets, spec_of
from bot.store.models import Campaign, Target

RESCAN_PENDING = "the default branch changed and is being read again"


def store_residual(
    target: Target, residuals: Iterable[ResidualReference], commit_sha: str | None
) -> None:
    """Record a scan of the target's default branch at ``commit_sha``."""
    target.residual = [r.to_json() for r in residuals]
    target.residual_sha = commit_sha
    target.residual_due = False


def residual_of_target(target: Target) -> tuple[ResidualReference, ...]:
    """What the target's default branch still reads; a scan still owed counts as unknown."""
    found = tuple(ResidualReference.from_json(item) for item in target.residual or [])
    if target.residual_due:
        return (not_scanned(target.repo, RESCAN_PENDING), *found)
    return found


def store_warehouse_residual(campaign: Campaign, residuals: Iterable[ResidualReference]) -> None:
    """Record what the campaign's jobs export showed (replacing the last reading of it)."""
    campaign.warehouse_residual = [r.to_json() for r in residuals]


def warehouse_residual_of(campaign: Campaign) -> tuple[ResidualReference, ...]:
    return tuple(ResidualReference.from_json(item) for item in campaign.warehouse_residual or [])


def waivers_of(campaign: Campaign) -> tuple[Waiver, ...]:
    return tuple(Waiver.from_json(item) for item in campaign.waivers or [])


def store_waivers(campaign: Campaign, waivers: Sequence[Waiver]) -> None:
    campaign.waivers = [dict(w.to_json()) for w in waivers]


def campaign_readiness(
    session: Session, campaign: Campaign, targets: Sequence[Target] | None = None
) -> Readiness:
    """Whether the campaign's old tables can be retired, over every target it has."""
    rows = list_targets(session, campaign) if targets is None else targets
    residuals = [r for target in rows for r in residual_of_target(target)]
    residuals += warehouse_residual_of(campaign)
    usage = spec_of(campaign).usage
    seen = Seen(len(rows), None if usage is None else usage.jobs_export)
    return readiness(residuals, waivers_of(campaign), seen)
