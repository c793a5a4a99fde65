"""What ``/migrate`` commands do on a campaign pull request, and cancelling a campaign's PRs.

The pipeline (``bot.service.command_pipeline``) has parsed, permitted, audited
and acknowledged the command by the time it gets here; Godwit replies when
there is something to say (an explain, or why a rerun pushed nothing).
Commits people pushed to a Godwit branch are never overwritten:
``commit_changes`` moves the branch only from the head Godwit last wrote,
unless the command says ``--force``; and a rerun that would give the branch
the files it already has pushes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from bot.campaigns.events import Event, Excluded, Planned, PrClosed, Pushed
from bot.campaigns.explain import render_explain
from bot.campaigns.links import IssueRef
from bot.campaigns.pr import PullRequestTarget, branch_name, commit_message, pr_body
from bot.campaigns.states import OPEN
from bot.campaigns.states import Target as TargetFacts
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.github.commits import BranchMovedError, branch_head, commit_changes, reproduces
from bot.github.content import RepoSnapshot, read_snapshot
from bot.rendering import render
from bot.service.command_run import CommandComment
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.discovery import parity_record
from bot.service.github_ops import GitHubOps, split_repo
from bot.service.pr_ops import PullRequestOps
from bot.spec import Campaign as CampaignSpec
from bot.store.audit import add_audit_entry
from bot.store.campaigns import (
    facts_of,
    list_targets,
    record_events,
    spec_of,
)
from bot.store.models import Campaign, Target

EXPLAIN_MARKER = "<!-- godwit:explain -->"
SKIPPED_MARKER = "<!-- godwit:skipped -->"
CANCELLED_MARKER = "<!-- godwit:cancelled -->"


def _reply(template_outcome: str, **context: Any) -> str:
    return render("campaign/pr_reply.md.j2", outcome=template_outcome, **context)


def exclusion_reason(author: str) -> str:
    """Why ``/migrate exclude`` took a repository out, as the dashboard shows it."""
    return f"by @{author}"


def skip_reason(author: str, reason: str | None) -> str:
    """Why ``/migrate skip`` took a repository out; reconcile reads it back from the PR."""
    return f"skipped by @{author}" + (f": {reason}" if reason else "")


def godwit_head(facts: TargetFacts) -> str | None:
    """The last commit Godwit itself wrote on the branch."""
    return next((p.sha for p in reversed(facts.pushes) if not p.by_human), None)


@dataclass(frozen=True)
class PrCommandRun:
    """One accepted command on one campaign PR."""

    services: AppServices
    session: Session
    ops: GitHubOps
    campaign: Campaign
    target: Target
    comment: CommandComment

    @cached_property
    def spec(self) -> CampaignSpec:
        return spec_of(self.campaign)

    @property
    def issue(self) -> IssueRef:
        return IssueRef(self.campaign.repo, self.campaign.issue_number)

    def say(self, outcome: str, **context: Any) -> None:
        text = _reply(outcome, author=self.comment.author, **context)
        self.ops.comment(self.comment.repo, self.comment.number, text)

    def record(self, *events: Event) -> None:
        record_events(self.target, events)
        request_dashboard_refresh(self.services, self.session, self.campaign)

    def read_at(self, ref: str) -> RepoSnapshot:
        owner, name = split_repo(self.target.repo)
        return read_snapshot(
            self.ops.gh, owner, name, ref, max_total_bytes=self.services.max_repo_bytes
        )

    def plan_at(self, ref: str) -> RepoPlan:
        return plan_repository(self.spec, self.read_at(ref).contents)

    def regenerate(self, *, replay: bool, force: bool) -> None:
        """``rerun``: plan again from the newest base and the current campaign.

        ``rebase`` (``replay``) replays the same changes on the newest base,
        which the engine reproduces exactly as long as the campaign is unchanged.
        """
        gh, repo = self.ops.gh, self.target.repo
        owner, name = split_repo(repo)
        command = "rebase" if replay else "rerun"
        pr = gh.rest.pulls.get(owner, name, self.comment.number).parsed_data
        branch = branch_name(self.spec)
        facts = facts_of(self.target)
        ours = godwit_head(facts)
        head = branch_head(gh, owner, name, branch)
        if head != ours and not force:
            self.say("human_commits", command=command, head=head or "", godwit_head=ours)
            return
        base_sha = branch_head(gh, owner, name, pr.base.ref) or pr.base.sha
        if replay and self.target.spec_hash not in (None, self.campaign.spec_hash):
            self.say("spec_changed")
            return
        if replay and base_sha == self.target.base_sha and head == ours:
            self.say("up_to_date", base=pr.base.ref, base_sha=base_sha)
            return
        snapshot = self.read_at(base_sha)
        plan = plan_repository(self.spec, snapshot.contents)
        now = self.services.now()
        if not plan.changes:
            self.say("nothing_to_change", base=pr.base.ref, base_sha=base_sha)
            self.record(Planned(now, has_changes=False))
            return
        where = PullRequestTarget(
            repo, base_sha, self.issue, self.services.web_base, number=pr.number
        )
        body = pr_body(self.spec, plan, where, keys=self.services.marker_keys)
        if head is not None and reproduces(
            gh,
            owner,
            name,
            head,
            parent_sha=base_sha,
            changes=plan.written_changes,
            executables=snapshot.executables,
        ):
            # Nothing to push; the description still follows the current campaign.
            if (pr.body or "") != body:
                PullRequestOps(self.ops).update_body(repo, pr.number, body)
            self.target.spec_hash = self.campaign.spec_hash
            self.say("same_tree", command=command, base=pr.base.ref, base_sha=base_sha)
            return
        try:
            sha = commit_changes(
                gh,
                owner,
                name,
                branch=branch,
                parent_sha=base_sha,
                changes=plan.written_changes,
                message=commit_message(self.spec, plan, self.issue),
                expected_head=head,
                executables=snapshot.executables,
            )
        except BranchMovedError as moved:
            self.say("human_commits", command=command, head=moved.actual or "", godwit_head=ours)
            return
        PullRequestOps(self.ops).update_body(repo, pr.number, body)
        self.target.base_sha = base_sha
        self.target.spec_hash = self.campaign.spec_hash
        self.target.files_changed = sum(1 for f in plan.files if f.changed)
        self.target.guardrails = sum(1 for _ in plan.guardrails)
        self.target.parity = parity_record(plan, self.spec)
        add_audit_entry(
            self.session,
            action=f"pull_request.{command}",
            installation_id=self.ops.installation_id,
            repo=repo,
            target_number=pr.number,
            target_url=pr.html_url,
            detail=f"{sha} on {base_sha}" + (" (forced)" if force and head != ours else ""),
        )
        self.record(Planned(now, has_changes=True), Pushed(now, sha, by_human=False))

    def skip(self, reason: str | None) -> None:
        """Close the PR and take the repository out of the campaign, saying who and why."""
        repo, number = self.target.repo, self.comment.number
        text = _reply(
            "skipped",
            author=self.comment.author,
            reason=reason,
            repo=repo,
            issue_url=self.issue.url(self.services.web_base),
        )
        self.ops.upsert_comment(repo, number, SKIPPED_MARKER, text)
        PullRequestOps(self.ops).close(repo, number)
        overrides = dict(self.campaign.overrides or {})
        overrides[repo.lower()] = False
        self.campaign.overrides = overrides
        self.record(Excluded(self.services.now(), skip_reason(self.comment.author, reason)))

    def explain(self) -> None:
        """Walk through the changes as they were planned on the commit the PR is built on."""
        plan = self.plan_at(self.target.base_sha or branch_name(self.spec))
        text = render_explain(
            self.spec, plan, repo=self.target.repo, web_base=self.services.web_base
        )
        self.ops.upsert_comment(self.target.repo, self.comment.number, EXPLAIN_MARKER, text)


def cancel_campaign(
    services: AppServices, session: Session, campaign: Campaign, *, installation_id: int
) -> int:
    """Close every open campaign PR with a comment and delete its branch; how many were closed.

    A branch that holds commits people pushed is kept: closing the PR is enough
    to stop the campaign, and their work stays where they left it.
    """
    ops = services.ops(session, installation_id)
    gh = ops.gh
    pulls = PullRequestOps(ops)
    issue = IssueRef(campaign.repo, campaign.issue_number)
    branch = branch_name(spec_of(campaign))
    closed = 0
    for target in list_targets(session, campaign):
        facts = facts_of(target)
        if facts.state not in OPEN or target.pr_number is None:
            continue
        owner, name = split_repo(target.repo)
        kept = branch_head(gh, owner, name, branch) not in (None, godwit_head(facts))
        text = _reply("cancelled", kept_branch=kept, issue_url=issue.url(services.web_base))
        ops.upsert_comment(target.repo, target.pr_number, CANCELLED_MARKER, text)
        pulls.close(target.repo, target.pr_number)
        if not kept:
            pulls.delete_branch(target.repo, branch)
        record_events(target, [PrClosed(services.now(), merged=False)])
        closed += 1
    if closed:
        request_dashboard_refresh(services, session, campaign)
    return closed
