"""Discovery: plan every repository of the installation in the campaign's scope.

Content is read without cloning (``read_snapshot``: one tarball for a repository
of ordinary size), through the installation's paced client, and each snapshot is
kept for the PR job. GitHub is read with no transaction open; the targets, the
plan comment and the campaign state are written afterwards, as upserts, so
re-discovery (``/migrate plan``, an edited spec) updates what is there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from githubkit import Response
from githubkit.exception import GitHubException
from githubkit_schemas.latest.models import (
    InstallationRepositoriesGetResponse200,
)
from githubkit_schemas.latest.models import (
    InstallationRepositoriesGetResponse200PropRepositoriesItems as InstalledRepo,
)
from sqlalchemy.orm import Session

from bot.campaigns.events import Excluded, Failed, Planned
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.messages import PLAN_MARKER, PlannedRepo, UnreadableRepo, render_plan
from bot.campaigns.parity_totals import totals_of_verdicts
from bot.campaigns.residual import residual_of_plan, unread_repository
from bot.campaigns.scope import in_scope
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.github.client import AnyGitHub
from bot.github.content import RepoSnapshot, RepoTooLargeError, read_snapshot
from bot.service.dashboard import request_dashboard_refresh
from bot.service.github_ops import split_repo
from bot.service.locking import campaign_lock
from bot.service.snapshots import keep
from bot.service.usage import read_usage, record_usage, tell_usage
from bot.settings import MAX_REPO_BYTES
from bot.spec import Campaign as CampaignSpec
from bot.store.campaigns import campaign_by_pk, get_target, record_event, spec_of, upsert_target
from bot.store.models import Campaign, Target
from bot.store.residual import store_residual

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Discovered:
    planned: list[PlannedRepo]
    unreadable: list[UnreadableRepo]
    default_branches: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Repository:
    """What the installation's repository listing says, which spares a request per repository."""

    full_name: str
    default_branch: str | None = None
    size_kb: int | None = None


SnapshotKeeper = Callable[[str, RepoSnapshot], None]


def _repositories(
    response: Response[InstallationRepositoriesGetResponse200, Any],
) -> list[InstalledRepo]:
    return response.parsed_data.repositories


def installation_repositories(gh: AnyGitHub) -> list[Repository]:
    """Every repository the installation can see, sorted by name, archived ones left out."""
    repos: list[InstalledRepo] = list(
        gh.rest.paginate(
            gh.rest.apps.list_repos_accessible_to_installation,
            map_func=_repositories,
            per_page=100,
        )
    )
    return sorted(
        (
            Repository(r.full_name, r.default_branch, r.size if isinstance(r.size, int) else None)
            for r in repos
            if not r.archived
        ),
        key=lambda r: r.full_name.lower(),
    )


def scan(
    gh: AnyGitHub,
    spec: CampaignSpec,
    repos: list[Repository],
    keep: SnapshotKeeper | None = None,
    *,
    max_repo_bytes: int = MAX_REPO_BYTES,
) -> Discovered:
    """Plan each repository; one that cannot be read (or is too large to) is reported, not fatal."""
    found = Discovered([], [])
    for repo in repos:
        owner, name = split_repo(repo.full_name)
        try:
            snapshot = read_snapshot(
                gh,
                owner,
                name,
                repo.default_branch,
                size_kb=repo.size_kb,
                max_total_bytes=max_repo_bytes,
            )
        except RepoTooLargeError as error:
            logger.warning("not reading %s: %s", repo.full_name, error)
            found.unreadable.append(UnreadableRepo(repo.full_name, str(error)))
            continue
        except GitHubException as error:
            logger.warning("could not read %s: %s", repo.full_name, error)
            found.unreadable.append(UnreadableRepo(repo.full_name, _reason(error)))
            continue
        if keep is not None:
            keep(repo.full_name, snapshot)
        plan = plan_repository(spec, snapshot.contents)
        found.planned.append(PlannedRepo(repo.full_name, plan, snapshot.commit_sha))
        if repo.default_branch is not None:
            found.default_branches[repo.full_name] = repo.default_branch
    return found


def _reason(error: GitHubException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]


def guardrail_count(plan: RepoPlan) -> int:
    return sum(1 for _ in plan.guardrails)


def parity_record(plan: RepoPlan, spec: CampaignSpec) -> dict[str, int] | None:
    """The plan's parity counts as the target keeps them; None when parity is off."""
    if not spec.verify.parity:
        return None
    return totals_of_verdicts(p.outcome.verdict for _, p in plan.parity).stored()


def all_guardrails(plan: RepoPlan) -> bool:
    """Every changed file only gains guardrail comments: the PR needs a person to finish it."""
    changed = [f for f in plan.files if f.changed]
    return bool(changed) and all(f.statements_rewritten == 0 for f in changed)


def record_plan(
    target: Target,
    planned: PlannedRepo,
    default_branch: str | None,
    services: AppServices,
    spec: CampaignSpec,
) -> None:
    plan = planned.plan
    target.default_branch = default_branch or target.default_branch
    target.files_changed = len(plan.changes)
    target.guardrails = guardrail_count(plan)
    target.parity = parity_record(plan, spec)
    target.needs_human = all_guardrails(plan)
    target.last_error = None
    residuals = residual_of_plan(planned.repo, plan, ref=planned.ref)
    store_residual(target, residuals, planned.ref)
    record_event(target, Planned(services.now(), has_changes=bool(plan.changes)))


def discover(services: AppServices, campaign_pk: int) -> None:
    """The discovery job for one campaign; two never run at once for the same campaign."""
    lock = services.lock(campaign_lock(campaign_pk))
    with lock, services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        if campaign is None or CampaignState(campaign.state) in {
            CampaignState.COMPLETED,
            CampaignState.CANCELLED,
        }:
            return
        spec = spec_of(campaign)
        overrides = dict(campaign.overrides)
        installation_id = campaign.installation_id
        session.commit()
        gh = services.github.installation_client(installation_id)
        visible = installation_repositories(gh)
        repos = [r for r in visible if in_scope(spec, r.full_name, overrides)]
        keeper = partial(keep_and_commit, session)
        found = scan(gh, spec, repos, keeper, max_repo_bytes=services.max_repo_bytes)
        usage = read_usage(gh, spec, found.planned, services.web_base)
        store_discovery(services, session, campaign, found)
        record_usage(campaign, usage)
        session.commit()
        body = render_plan(
            spec,
            found.planned,
            found.unreadable,
            web_base=services.web_base,
            visible=[] if repos else [r.full_name for r in visible],
        )
        ops = services.ops(session, installation_id)
        campaign.plan_comment_id = ops.upsert_comment(
            campaign.repo,
            campaign.issue_number,
            PLAN_MARKER,
            body,
            known_id=campaign.plan_comment_id,
        )
        tell_usage(services, session, campaign, usage)
        request_dashboard_refresh(services, session, campaign)
        session.commit()


def keep_and_commit(session: Session, repo: str, snapshot: RepoSnapshot) -> None:
    """Keep each snapshot in a transaction of its own: discovery holds none while reading."""
    keep(session, repo, snapshot)
    session.commit()


def store_discovery(
    services: AppServices, session: Session, campaign: Campaign, found: Discovered
) -> None:
    """Upsert a target per repository, record excluded ones, and move the campaign on."""
    spec = spec_of(campaign)
    for planned in found.planned:
        target = upsert_target(session, campaign, planned.repo)
        record_plan(target, planned, found.default_branches.get(planned.repo), services, spec)
    for unreadable in found.unreadable:
        target = upsert_target(session, campaign, unreadable.repo)
        target.last_error = unreadable.reason
        store_residual(target, [unread_repository(unreadable.repo, unreadable.reason)], None)
        record_event(target, Failed(services.now(), unreadable.reason))
    for repo, included in campaign.overrides.items():
        excluded = get_target(session, campaign, repo)
        if not included and excluded is not None:
            record_event(excluded, Excluded(services.now(), "by `/migrate exclude`"))
    # Re-planning a campaign under way leaves it running (or paused).
    with suppress(TransitionError):
        campaign.state = campaign_transition(CampaignState(campaign.state), "planned").value
