"""The coding agent in Godwit's flows: guarded code, review comments and failing checks.

This module only gathers GitHub's current state into ``bot.agent``'s plain
tasks and acts on the outcome: it builds no prompt text, so nothing from a
comment, a file or a check reaches the model except through the core's fences,
and only changes that passed the core's scope check and verifier are committed.

Each task commits at most one commit, on top of the head Godwit itself last
wrote: once a person has pushed to the branch, Godwit says why it does not
push instead. Every task is stored with what triggered it, so a redelivered
webhook never runs it twice, and with what it spent.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from githubkit_schemas.latest.models import (
    WebhookCheckSuiteCompleted,
    WebhookPullRequestReviewCommentCreated,
    WebhookPullRequestReviewSubmitted,
)
from sqlalchemy.orm import Session

from bot.agent import (
    AgentOutcome,
    CheckFailure,
    CheckTask,
    MigrateTask,
    ReviewComment,
    ReviewTask,
    agent_enabled,
    disabled_outcome,
    fix_failing_checks,
    migrate_files,
    rate_limit,
    revise_from_review,
)
from bot.agent.budget import HOUR
from bot.campaigns.commands import Context, parse_command
from bot.campaigns.events import Pushed
from bot.campaigns.links import IssueRef
from bot.campaigns.permissions import may_write
from bot.campaigns.pr import AgentMigration, PullRequestTarget, branch_name, pr_body
from bot.campaigns.states import PrStatus
from bot.engine.edits import JINJA_COMMENT, SCALA_COMMENT, SQL_COMMENT
from bot.engine.model import Framework
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.engine.snapshot import UnwritableChangeError, encode_changes
from bot.github.commits import BranchMovedError, commit_changes
from bot.github.content import RepoSnapshot
from bot.rendering import render
from bot.service.agent.reads import failing_checks, pull_request_files, review_thread
from bot.service.agent.requests import (
    CheckSuiteRequest,
    ReviewRequest,
    check_suite_request,
    review_comment_request,
    review_request,
)
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.github_ops import GitHubOps, split_repo
from bot.service.locking import repo_lock
from bot.service.pr_commands import godwit_head
from bot.service.pr_ops import PullRequestOps
from bot.service.snapshots import snapshot_at
from bot.spec import Campaign as CampaignSpec
from bot.store.agent_tasks import attempts_on, record_task, task_exists, task_starts
from bot.store.audit import add_audit_entry
from bot.store.campaigns import (
    campaign_by_pk,
    facts_of,
    get_target,
    record_events,
    spec_of,
    target_by_pr,
)
from bot.store.models import Campaign, Target

logger = logging.getLogger(__name__)

MAX_FIX_ATTEMPTS = 2
"""Fix attempts per head commit: a third failure on the same commit goes to the owners."""
CHECKS_MARKER = "<!-- godwit:agent-checks -->"
_COMMENT_SYNTAXES = (SQL_COMMENT, SCALA_COMMENT, JINJA_COMMENT)


def remaining_guardrails(text: str) -> int:
    return sum(
        1 for line in text.splitlines() if any(s.is_guardrail(line) for s in _COMMENT_SYNTAXES)
    )


def migrate_guarded_job(services: AppServices, campaign_pk: int, repo: str) -> None:
    """The owed job after a PR opened: plan its base again and hand the guarded files on.

    The plan is rebuilt from the snapshot the PR was built on (kept, so nothing
    is read again), which gives the same files the PR's first commit holds; a
    run that already happened for the branch's head is recorded and not repeated.
    """
    with services.lock(repo_lock(repo)), services.sessions() as session:
        campaign = campaign_by_pk(session, campaign_pk)
        target = None if campaign is None else get_target(session, campaign, repo)
        if campaign is None or target is None or target.base_sha is None:
            return
        gh = services.github.installation_client(campaign.installation_id)
        snapshot = snapshot_at(session, gh, repo, target.base_sha)
        plan = plan_repository(spec_of(campaign), snapshot.contents)
        after_pr_opened(services, session, campaign, target, plan, snapshot)
        session.commit()


def after_pr_opened(
    services: AppServices,
    session: Session,
    campaign: Campaign,
    target: Target,
    plan: RepoPlan,
    snapshot: RepoSnapshot,
) -> None:
    """Hand the files the engine guarded to the agent, when the campaign asks for it.

    ``plan`` is what the PR's first commit holds, planned on ``snapshot``. A
    verified result becomes a second commit and its guardrails are gone; an
    unverified one changes nothing, so the guardrails stay for a person.
    """
    spec = spec_of(campaign)
    if not spec.agent.migrate_guardrails or not agent_enabled(services.agent):
        return
    guarded = {
        f.path: f.new_text or f.original
        for f in plan.files
        if f.guardrails and f.framework is not Framework.DBT_SOURCES
    }
    head = godwit_head(facts_of(target))
    if not guarded or head is None or target.pr_number is None:
        return
    trigger = f"migrate:{head}"
    if task_exists(session, target.repo, trigger):
        return
    ops = services.ops(session, campaign.installation_id)
    run = AgentRun(services, session, ops, campaign, target, spec)
    started = services.now()
    session.commit()  # no transaction stays open while the model works
    task = MigrateTask(spec, guarded, repository=snapshot.files)
    outcome = migrate_files(task, services.agent)
    sha, _ = run.commit_or_explain(outcome, head, "guarded code", snapshot)
    if sha is not None:
        target.guardrails = sum(
            remaining_guardrails(outcome.changes.get(path, text)) for path, text in guarded.items()
        ) + sum(len(f.guardrails) for f in plan.files if f.path not in guarded)
        migrated = frozenset(
            path for path, text in outcome.changes.items() if remaining_guardrails(text) == 0
        )
        run.describe(plan, AgentMigration(sha, migrated))
    run.finish("migrate", trigger, head, started, outcome, sha, url=target.pr_url)


def on_review_comment_event(services: AppServices | None, session: Session, event: object) -> bool:
    """``pull_request_review_comment``: a new line comment may ask for a revision."""
    if services is None or not isinstance(event, WebhookPullRequestReviewCommentCreated):
        return False
    request = review_comment_request(event)
    return request is not None and on_review(services, session, request)


def on_review_event(services: AppServices | None, session: Session, event: object) -> bool:
    """``pull_request_review``: a submitted review's body may ask for a revision."""
    if services is None or not isinstance(event, WebhookPullRequestReviewSubmitted):
        return False
    request = review_request(event)
    return request is not None and on_review(services, session, request)


def on_check_suite_event(services: AppServices | None, session: Session, event: object) -> bool:
    """``check_suite``: a failed suite on a Godwit PR's head may get a fix."""
    if services is None or not isinstance(event, WebhookCheckSuiteCompleted):
        return False
    request = check_suite_request(event)
    return request is not None and on_check_suite(services, session, request)


def on_review(services: AppServices, session: Session, request: ReviewRequest) -> bool:
    """Answer a review comment on a Godwit PR; False when it is not one for the agent.

    ``/migrate`` commands, Godwit's own words, empty reviews and people
    without write permission are left alone.
    """
    if request.author_is_bot or request.author.lower() == services.bot_login.lower():
        return False
    if not request.body.strip() or parse_command(request.body, Context.PR) is not None:
        return False
    found = _open_target(session, request.repo, (request.pr_number,))
    if found is None:
        return False
    campaign, target = found
    if task_exists(session, request.repo, request.key):
        return True
    ops = services.ops(session, request.installation_id)
    if not may_write(ops.permission(request.repo, request.author)):
        return False
    AgentRun(services, session, ops, campaign, target, spec_of(campaign)).review(request)
    return True


def on_check_suite(services: AppServices, session: Session, request: CheckSuiteRequest) -> bool:
    """Try to fix a failed check suite on a Godwit PR's current head, or say what failed."""
    if request.conclusion != "failure":
        return False
    found = _open_target(session, request.repo, request.pr_numbers)
    if found is None:
        return False
    campaign, target = found
    trigger = f"checks:{request.suite_id}"
    if task_exists(session, request.repo, trigger):
        return True
    ops = services.ops(session, request.installation_id)
    AgentRun(services, session, ops, campaign, target, spec_of(campaign)).checks(request, trigger)
    return True


def _open_target(
    session: Session, repo: str, pr_numbers: tuple[int, ...]
) -> tuple[Campaign, Target] | None:
    for number in pr_numbers:
        target = target_by_pr(session, repo, number)
        if target is None or facts_of(target).pr_status is not PrStatus.OPEN:
            continue
        campaign = campaign_by_pk(session, target.campaign_id)
        if campaign is not None:
            return campaign, target
    return None


@dataclass(frozen=True)
class AgentRun:
    """One agent task on one campaign PR."""

    services: AppServices
    session: Session
    ops: GitHubOps
    campaign: Campaign
    target: Target
    spec: CampaignSpec

    @property
    def pr_number(self) -> int:
        assert self.target.pr_number is not None  # only PR targets get here
        return self.target.pr_number

    def review(self, request: ReviewRequest) -> None:
        started = self.services.now()
        owner, name = split_repo(self.target.repo)
        head = self.ops.gh.rest.pulls.get(owner, name, self.pr_number).parsed_data.head.sha
        blocked = self._blocked(head, started, request="review comment")
        if blocked is not None:
            self._answer(request, blocked.reply)
            self.finish("review", request.key, head, started, blocked, None, url=request.url)
            return
        snapshot = pull_request_files(
            self.ops.gh, self.target.repo, self.pr_number, head, also=_paths(request.path)
        )
        thread = (
            review_thread(self.ops.gh, self.target.repo, self.pr_number, request.comment_id)
            if request.comment_id is not None
            else ()
        )
        comment = ReviewComment(
            request.body, request.author, request.path or "", request.line, request.url, thread
        )
        self.session.commit()  # no transaction stays open while the model works
        task = ReviewTask(self.spec, comment, snapshot.files)
        outcome = revise_from_review(task, self.services.agent)
        sha, reply = self.commit_or_explain(outcome, head, "review comment", snapshot)
        self._answer(request, reply)
        self.finish("review", request.key, head, started, outcome, sha, url=request.url)

    def checks(self, request: CheckSuiteRequest, trigger: str) -> None:
        started = self.services.now()
        owner, name = split_repo(self.target.repo)
        pr = self.ops.gh.rest.pulls.get(owner, name, self.pr_number).parsed_data
        if pr.state != "open" or pr.head.sha != request.head_sha:
            return  # a newer commit's checks decide; this suite is history
        head = pr.head.sha
        failures = failing_checks(self.ops.gh, self.target.repo, head, request.suite_id)
        attempts = attempts_on(self.session, self.target, "checks", head)
        if agent_enabled(self.services.agent) and attempts >= MAX_FIX_ATTEMPTS:
            blocked: AgentOutcome | None = _not_run("attempts_used", head=head, checks=failures)
        else:
            blocked = self._blocked(head, started, request="failing check", checks=failures)
        if blocked is not None:
            self._say_checks(blocked.reply)
            self.finish("checks", trigger, head, started, blocked, None, url=pr.html_url)
            return
        paths = tuple(a.path for failure in failures for a in failure.annotations)
        snapshot = pull_request_files(
            self.ops.gh, self.target.repo, self.pr_number, head, also=paths
        )
        self.session.commit()  # no transaction stays open while the model works
        task = CheckTask(self.spec, failures, snapshot.files)
        outcome = fix_failing_checks(task, self.services.agent)
        sha, reply = self.commit_or_explain(outcome, head, "failing check", snapshot, failures)
        if sha is None:
            self._say_checks(reply)
        self.finish("checks", trigger, head, started, outcome, sha, url=pr.html_url)

    def _blocked(
        self,
        head: str,
        now: datetime,
        *,
        request: str,
        checks: tuple[CheckFailure, ...] = (),
    ) -> AgentOutcome | None:
        """Why the agent does not run for this request, as the outcome to post; None if it runs."""
        settings = self.services.agent
        if not agent_enabled(settings):
            action = "fixing the failing checks" if checks else "answering this review comment"
            return disabled_outcome(action)
        starts = task_starts(self.session, self.target, now - HOUR)
        decision = rate_limit(starts, now, settings.max_tasks_per_pr_per_hour)
        if not decision.allowed:
            return _not_run(
                "rate_limited",
                request=request,
                limit=settings.max_tasks_per_pr_per_hour,
                retry_at=decision.retry_at,
                checks=checks,
            )
        if head != godwit_head(facts_of(self.target)):
            return _not_run("human_commits", request=request, head=head, checks=checks)
        return None

    def commit_or_explain(
        self,
        outcome: AgentOutcome,
        head: str,
        request: str,
        snapshot: RepoSnapshot,
        checks: tuple[CheckFailure, ...] = (),
    ) -> tuple[str | None, str]:
        """The commit of the outcome's changes and the reply; a moved branch gets no commit.

        ``snapshot``: the files the agent worked on, whose modes and encodings the
        commit keeps. A change a file's encoding cannot hold is not committed at all.
        """
        if not outcome.worth_committing:
            return None, outcome.reply
        try:
            written = encode_changes(outcome.changes, snapshot.encodings)
        except UnwritableChangeError as unwritable:
            why = _not_run(
                "unwritable",
                request=request,
                path=unwritable.path,
                encoding=unwritable.encoding,
                checks=checks,
            )
            return None, why.reply
        try:
            return self.push(outcome, head, written, snapshot.executables), outcome.reply
        except BranchMovedError as moved:
            why = _not_run("human_commits", request=request, head=moved.actual or "", checks=checks)
            return None, why.reply

    def push(
        self,
        outcome: AgentOutcome,
        head: str,
        written: Mapping[str, str | bytes],
        executables: Collection[str],
    ) -> str:
        """Commit ``written`` (the outcome's changes, encoded) on ``head``.

        Raises ``BranchMovedError`` when a person moved the branch.
        """
        owner, name = split_repo(self.target.repo)
        assert outcome.commit_message is not None  # set whenever there are changes
        sha = commit_changes(
            self.ops.gh,
            owner,
            name,
            branch=self.target.branch or branch_name(self.spec),
            parent_sha=head,
            changes=written,
            message=outcome.commit_message,
            expected_head=head,
            executables=executables,
        )
        self.target.head_sha = sha
        record_events(self.target, [Pushed(self.services.now(), sha, by_human=False)])
        return sha

    def describe(self, plan: RepoPlan, agent: AgentMigration) -> None:
        """Re-render the PR description so its guardrail list matches the branch again."""
        assert self.target.base_sha is not None  # recorded before the PR was opened
        where = PullRequestTarget(
            self.target.repo,
            self.target.base_sha,
            IssueRef(self.campaign.repo, self.campaign.issue_number),
            self.services.web_base,
            number=self.pr_number,
        )
        body = pr_body(self.spec, plan, where, keys=self.services.marker_keys, agent=agent)
        PullRequestOps(self.ops).update_body(self.target.repo, self.pr_number, body)

    def _answer(self, request: ReviewRequest, reply: str) -> None:
        owner, name = split_repo(self.target.repo)
        if request.comment_id is None:
            self.ops.comment(self.target.repo, self.pr_number, reply)
            return
        posted = self.ops.gh.rest.pulls.create_reply_for_review_comment(
            owner, name, self.pr_number, request.comment_id, body=reply
        ).parsed_data
        self._audit("review_comment.replied", posted.html_url, None)

    def _say_checks(self, reply: str) -> None:
        body = f"{CHECKS_MARKER}\n{reply}"
        self.ops.upsert_comment(self.target.repo, self.pr_number, CHECKS_MARKER, body)

    def finish(
        self,
        kind: str,
        trigger: str,
        head: str | None,
        started: datetime,
        outcome: AgentOutcome,
        sha: str | None,
        *,
        url: str | None,
    ) -> None:
        """Store and audit the task and what it spent, and refresh the dashboard."""
        record_task(
            self.session,
            campaign=self.campaign,
            target=self.target,
            kind=kind,
            trigger=trigger,
            head_sha=head,
            started_at=started,
            outcome=outcome,
            commit_sha=sha,
        )
        usage = outcome.usage
        detail = (
            f"{outcome.stop_reason}; commit {sha or 'none'}; "
            f"tokens in {usage.input_tokens} out {usage.output_tokens} "
            f"cache read {usage.cache_read_tokens} write {usage.cache_write_tokens}; "
            f"cost {outcome.cost_usd if outcome.cost_usd is not None else 'unpriced'} USD; "
            f"rejected {outcome.rejected_edits} ({outcome.rejected_out_of_scope} out of scope)"
        )
        self._audit(f"agent.{kind}", url, detail)
        request_dashboard_refresh(self.services, self.session, self.campaign)
        self.session.commit()

    def _audit(self, action: str, url: str | None, detail: str | None) -> None:
        add_audit_entry(
            self.session,
            action=action,
            installation_id=self.ops.installation_id,
            repo=self.target.repo,
            target_url=url,
            target_number=self.target.pr_number,
            detail=detail,
        )


def _not_run(reason: str, **context: Any) -> AgentOutcome:
    context = {
        "request": "",
        "head": "",
        "limit": 0,
        "retry_at": None,
        "checks": (),
        "path": "",
        "encoding": "",
        **context,
    }
    return AgentOutcome(
        {}, "", render("agent/not_run.md.j2", reason=reason, **context), None, reason
    )


def _paths(path: str | None) -> tuple[str, ...]:
    return (path,) if path else ()
