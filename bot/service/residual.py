"""Re-read a target's default branch after a merge or a push, and record what still reads.

A merged PR says nothing about what the default branch reads: a guardrail may
have been merged unresolved, and people keep adding code. So every merge of a
campaign PR and every push to a target's default branch marks the target's
residual references as owed (the campaign cannot complete meanwhile) and queues
this job, which plans the branch as it is now and stores the result.

A repository whose PR already merged and which gains references it did not have
gets one comment on that merged PR, edited in place as the branch changes: the
people who just added the code are the ones watching it, and a comment asks
them to decide, where a second bot PR for a few fresh lines would not.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from githubkit.exception import GitHubException
from sqlalchemy.orm import Session

from bot.campaigns.lifecycle import FINISHED, CampaignState
from bot.campaigns.residual import (
    ResidualKind,
    ResidualReference,
    residual_of_plan,
    unread_repository,
)
from bot.campaigns.states import RepoState
from bot.engine.planner import plan_repository
from bot.github.client import AnyGitHub
from bot.github.commits import branch_head
from bot.rendering import render
from bot.service.github_ops import split_repo
from bot.service.locking import repo_lock
from bot.service.snapshots import snapshot_at
from bot.store.audit import add_audit_entry
from bot.store.campaigns import campaign_by_pk, get_target, spec_of
from bot.store.models import Campaign, Target
from bot.store.residual import residual_of_target, store_residual

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)

NEW_CONSUMER_MARKER = "<!-- godwit:residual -->"
_READING = frozenset({ResidualKind.READS, ResidualKind.NEEDS_PERSON})


def request_rescan(services: AppServices, session: Session, target: Target) -> None:
    """Mark the target's residual references owed and queue the scan once this commits."""
    target.residual_due = True
    services.jobs.rescan_repository(target.campaign_id, target.repo, session=session)


def rescan_repository(services: AppServices, campaign_pk: int, repo: str) -> None:
    """The rescan job: plan the default branch as it is now and store what still reads."""
    with services.lock(repo_lock(repo)), services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        target = None if campaign is None else get_target(session, campaign, repo)
        if campaign is None or target is None or CampaignState(campaign.state) in FINISHED:
            return
        before = residual_of_target(target)
        installation = target.installation_id or campaign.installation_id
        gh = services.github.installation_client(installation)
        owner, name = split_repo(repo)
        branch = target.default_branch or _default_branch(gh, owner, name)
        session.commit()  # no transaction stays open across GitHub reads
        try:
            head = branch_head(gh, owner, name, branch)
            if head is None:
                raise LookupError(f"the default branch {branch} does not exist")
            snapshot = snapshot_at(session, gh, repo, head)
        except (GitHubException, LookupError) as error:
            logger.warning("could not read %s again: %s", repo, error)
            store_residual(target, [unread_repository(repo, _reason(error))], None)
            _finish(services, session, campaign, target)
            return
        plan = plan_repository(spec_of(campaign), snapshot.contents)
        after = residual_of_plan(repo, plan, ref=snapshot.commit_sha)
        store_residual(target, after, snapshot.commit_sha)
        added = _new_references(before, after)
        if added and RepoState(target.state) is RepoState.MERGED and target.pr_number:
            _tell_merged_pr(services, session, campaign, target, after, snapshot.commit_sha)
        add_audit_entry(
            session,
            action="target.rescanned",
            installation_id=installation,
            repo=repo,
            target_number=target.pr_number,
            detail=f"{snapshot.commit_sha[:12]}: {len(after)} residual reference(s)",
        )
        _finish(services, session, campaign, target)


def _finish(services: AppServices, session: Session, campaign: Campaign, target: Target) -> None:
    # Imported here: completion renders the dashboard, which reads the residual store.
    from bot.service.completion import complete_if_done
    from bot.service.dashboard import request_dashboard_refresh

    request_dashboard_refresh(services, session, campaign)
    complete_if_done(services, session, campaign)
    session.commit()


def _new_references(
    before: tuple[ResidualReference, ...], after: tuple[ResidualReference, ...]
) -> tuple[ResidualReference, ...]:
    """References in files that read nothing before (line numbers move with every edit)."""
    known = {(r.path, r.table) for r in before if r.kind in _READING}
    return tuple(r for r in after if r.kind in _READING and (r.path, r.table) not in known)


def _tell_merged_pr(
    services: AppServices,
    session: Session,
    campaign: Campaign,
    target: Target,
    residuals: tuple[ResidualReference, ...],
    commit_sha: str,
) -> None:
    assert target.pr_number is not None
    body = render(
        "campaign/new_consumer.md.j2",
        marker=NEW_CONSUMER_MARKER,
        campaign=spec_of(campaign),
        issue=f"{campaign.repo}#{campaign.issue_number}",
        residuals=[r for r in residuals if r.kind in _READING],
        web_base=services.web_base,
        repo=target.repo,
        commit_sha=commit_sha,
    )
    ops = services.ops(session, target.installation_id or campaign.installation_id)
    ops.upsert_comment(target.repo, target.pr_number, NEW_CONSUMER_MARKER, body)


def _default_branch(gh: AnyGitHub, owner: str, name: str) -> str:
    """Only for targets stored before the default branch was recorded with them."""
    return gh.rest.repos.get(owner, name).parsed_data.default_branch


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return "could not be read: " + text.splitlines()[0][:200]
