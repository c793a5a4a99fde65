"""Open a campaign's pull request in one repository: idempotent, resumable, one PR at most.

The job asks where the default branch is now and re-plans there, so it always
proposes the change for the code as it is now (the files come from the snapshot
discovery kept while the branch has not moved). GitHub itself guards every
step: creating the branch fails when it exists, and then an open PR for it is
adopted rather than duplicated, and a branch an earlier attempt already wrote
(the worker died before the PR was created) is reused, so running the job
twice, late or after a crash yields one PR.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import PullRequest, PullRequestSimple
from sqlalchemy.orm import Session

from bot.agent import agent_enabled
from bot.campaigns.events import Failed, Planned, PrOpened, ReviewRequested
from bot.campaigns.lifecycle import CampaignState
from bot.campaigns.links import IssueRef
from bot.campaigns.owners import reviewers_for
from bot.campaigns.pr import (
    PullRequestTarget,
    branch_name,
    commit_message,
    pr_body,
    pr_labels,
    pr_title,
)
from bot.campaigns.states import RepoState
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.github.client import AnyGitHub
from bot.github.commits import BranchMovedError, commit_changes
from bot.github.content import RepoSnapshot
from bot.github.retry import RescheduleJob
from bot.service.dashboard import request_dashboard_refresh
from bot.service.discovery import all_guardrails, guardrail_count, parity_record
from bot.service.github_ops import GitHubOps, split_repo
from bot.service.locking import repo_lock
from bot.service.snapshots import snapshot_at
from bot.settings import MAX_REPO_BYTES
from bot.spec import Campaign as CampaignSpec
from bot.store.audit import add_audit_entry
from bot.store.campaigns import campaign_by_pk, facts_of, get_target, record_events, spec_of
from bot.store.models import Campaign, Target

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)

OpenPull = PullRequest | PullRequestSimple
PR_CREATIONS = 6
"""Content-creating requests of one PR at most: tree, commit, branch, PR, labels, reviewers."""


@dataclass(frozen=True)
class Proposal:
    """What the PR carries, planned on the default branch's current head."""

    spec: CampaignSpec
    repo: str
    default_branch: str
    snapshot: RepoSnapshot
    base_tree: str
    plan: RepoPlan
    issue: IssueRef


def propose(
    session: Session,
    gh: AnyGitHub,
    spec: CampaignSpec,
    target: Target,
    issue: IssueRef,
    *,
    max_repo_bytes: int = MAX_REPO_BYTES,
) -> Proposal:
    """Plan on the default branch as it is now; its files come from discovery while it is there."""
    owner, name = split_repo(target.repo)
    default_branch = (
        target.default_branch or gh.rest.repos.get(owner, name).parsed_data.default_branch
    )
    head = gh.rest.repos.get_branch(owner, name, default_branch).parsed_data.commit
    snapshot = snapshot_at(session, gh, target.repo, head.sha, max_repo_bytes=max_repo_bytes)
    plan = plan_repository(spec, snapshot.contents)
    return Proposal(spec, target.repo, default_branch, snapshot, head.commit.tree.sha, plan, issue)


def write_branch(gh: AnyGitHub, proposal: Proposal, head: str | None) -> str:
    """Commit the proposal on its base and point the campaign branch at it, from ``head``."""
    owner, name = split_repo(proposal.repo)
    return commit_changes(
        gh,
        owner,
        name,
        branch=branch_name(proposal.spec),
        parent_sha=proposal.snapshot.commit_sha,
        base_tree=proposal.base_tree,
        changes=proposal.plan.written_changes,
        executables=proposal.snapshot.executables,
        message=commit_message(proposal.spec, proposal.plan, proposal.issue),
        expected_head=head,
    )


def resume_branch(gh: AnyGitHub, proposal: Proposal, head: str | None) -> tuple[str, bool]:
    """The branch head to open the PR from when the branch already existed, and whether it moved.

    A head that is a commit with this very message on this very base is what an
    earlier attempt wrote (the worker died before the PR); any other head is left
    over from an earlier PR and is moved to the new commit.
    """
    owner, name = split_repo(proposal.repo)
    if head is not None:
        commit = gh.rest.git.get_commit(owner, name, head).parsed_data
        message = commit_message(proposal.spec, proposal.plan, proposal.issue)
        parents = [p.sha for p in commit.parents]
        if parents == [proposal.snapshot.commit_sha] and commit.message.strip() == message.strip():
            return head, False
    return write_branch(gh, proposal, head), True


def create_pull(ops: GitHubOps, proposal: Proposal, body: str) -> OpenPull:
    """Create the PR; a 422 because it exists already (a lost answer) adopts that PR."""
    owner, name = split_repo(proposal.repo)
    branch = branch_name(proposal.spec)
    try:
        return ops.gh.rest.pulls.create(
            owner,
            name,
            title=pr_title(proposal.spec),
            head=branch,
            base=proposal.default_branch,
            body=body,
            maintainer_can_modify=True,
        ).parsed_data
    except RequestFailed as error:
        if error.response.status_code != 422:
            raise
        existing = ops.open_pull_for_branch(proposal.repo, branch)
        if existing is None:
            raise
        return existing


def finish_pull(ops: GitHubOps, proposal: Proposal, pull: OpenPull) -> tuple[str, ...]:
    """Labels and reviewers (both idempotent on GitHub); returns who was asked to review.

    GitHub itself asks the code owners of a ready PR's files when it opens it, and
    says so in its answer; only the owners that answer does not list (a catalog's
    owners, or ones GitHub left out) are requested here.
    """
    owner, _ = split_repo(proposal.repo)
    ops.add_labels(proposal.repo, pull.number, pr_labels(proposal.spec))
    reviewers = reviewers_for(proposal.snapshot.files, proposal.plan.changes, org=owner)
    teams = reviewers.team_slugs(owner)
    asked_users = {user.login.lower() for user in pull.requested_reviewers or []}
    asked_teams = {team.slug.lower() for team in pull.requested_teams or []}
    ops.request_reviewers(
        proposal.repo,
        pull.number,
        [user for user in reviewers.users if user.lower() not in asked_users],
        [slug for slug in teams if slug.lower() not in asked_teams],
    )
    return (*reviewers.users, *(f"{owner}/{slug}" for slug in teams))


def open_pull_request(
    services: AppServices, campaign_pk: int, repo: str, *, final_attempt: bool = True
) -> None:
    """The PR job for one repository; holds the repository's lock like its webhooks do."""
    lock = services.lock(repo_lock(repo))
    with lock, services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        target = None if campaign is None else get_target(session, campaign, repo)
        if campaign is None or target is None or not _wanted(campaign, target):
            return
        session.commit()
        try:
            _open(services, session, campaign, target)
        except RescheduleJob:
            raise  # a long rate-limit pause is waiting, not failing
        except Exception as error:
            session.rollback()
            if not final_attempt:
                raise
            logger.exception("could not open the pull request for %s", repo)
            target.last_error = f"{type(error).__name__}: {error}"[:500]
            record_events(target, [Failed(services.now(), "the pull request could not be opened")])
            request_dashboard_refresh(services, session, campaign)
        session.commit()


def _wanted(campaign: Campaign, target: Target) -> bool:
    """A paused or finished campaign opens nothing; a repository is done once it has a PR."""
    return (
        CampaignState(campaign.state) is CampaignState.RUNNING
        and facts_of(target).state is RepoState.PENDING
    )


def _open(services: AppServices, session: Session, campaign: Campaign, target: Target) -> None:
    # With the budget spent, go back to the queue before reading anything, not halfway through.
    services.github.pacer(campaign.installation_id).check_room(PR_CREATIONS)
    spec = spec_of(campaign)
    ops = services.ops(session, campaign.installation_id)
    issue = IssueRef(campaign.repo, campaign.issue_number)
    proposal = propose(session, ops.gh, spec, target, issue, max_repo_bytes=services.max_repo_bytes)
    if not proposal.plan.changes:
        record_events(target, [Planned(services.now(), has_changes=False)])
        request_dashboard_refresh(services, session, campaign)
        return
    try:
        # Creating the branch is the check that no earlier attempt or PR has it.
        head = write_branch(ops.gh, proposal, None)
    except BranchMovedError as existing:
        pull: OpenPull | None = ops.open_pull_for_branch(target.repo, branch_name(spec))
        if pull is None:
            head, written = resume_branch(ops.gh, proposal, existing.actual)
            pull = _create(services, session, ops, campaign, target, proposal, head, written)
        else:  # an earlier attempt opened it and died before recording it
            _audit_pull(session, campaign, target, "pull_request.adopted", pull)
    else:
        pull = _create(services, session, ops, campaign, target, proposal, head, True)
    reviewers = finish_pull(ops, proposal, pull)
    now = services.now()
    record_events(
        target,
        [
            PrOpened(now, pull.number, pull.html_url, pull.head.sha),
            *(ReviewRequested(now, reviewer) for reviewer in reviewers),
        ],
    )
    target.branch = branch_name(spec)
    target.files_changed = len(proposal.plan.changes)
    target.guardrails = guardrail_count(proposal.plan)
    target.parity = parity_record(proposal.plan, spec)
    target.needs_human = all_guardrails(proposal.plan)
    target.last_error = None
    request_dashboard_refresh(services, session, campaign)
    if spec.agent.migrate_guardrails and agent_enabled(services.agent):
        # Owed with the PR's record, so a worker dying while the model works costs a rerun.
        services.jobs.migrate_guarded(campaign.id, target.repo, session=session)


def _create(
    services: AppServices,
    session: Session,
    ops: GitHubOps,
    campaign: Campaign,
    target: Target,
    proposal: Proposal,
    head: str,
    written: bool,
) -> OpenPull:
    """The PR from the branch at ``head`` (written now or by an earlier attempt)."""
    branch = branch_name(proposal.spec)
    if written:
        add_audit_entry(
            session,
            action="branch.written",
            installation_id=campaign.installation_id,
            repo=target.repo,
            detail=f"{branch} at {head}",
        )
    _remember_branch(session, target, proposal, head, campaign.spec_hash)
    where = PullRequestTarget(
        target.repo, proposal.snapshot.commit_sha, proposal.issue, services.web_base
    )
    pull = create_pull(
        ops, proposal, pr_body(proposal.spec, proposal.plan, where, keys=services.marker_keys)
    )
    _audit_pull(session, campaign, target, "pull_request.created", pull)
    return pull


def _audit_pull(
    session: Session, campaign: Campaign, target: Target, action: str, pull: OpenPull
) -> None:
    add_audit_entry(
        session,
        action=action,
        installation_id=campaign.installation_id,
        repo=target.repo,
        target_url=pull.html_url,
        target_number=pull.number,
    )


def _remember_branch(
    session: Session, target: Target, proposal: Proposal, head: str, spec_hash: str
) -> None:
    """Stored before the PR exists, so a crash right after still knows what was pushed."""
    target.branch = branch_name(proposal.spec)
    target.base_sha = proposal.snapshot.commit_sha
    target.head_sha = head
    target.spec_hash = spec_hash
    session.commit()
