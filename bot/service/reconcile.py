"""Rebuild the store from GitHub, so losing the database loses nothing.

Everything Godwit needs is on GitHub: the campaign issues (label
``godwit:campaign``, the YAML in the body, the commands in the comments), the
plan (discovery is deterministic: the engine is run again), and each campaign
PR (label ``godwit:<id>`` with the signed metadata marker naming campaign,
spec hash and base commit; commits, reviews and checks on GitHub). Reconcile
upserts, so running it on a store that is intact changes nothing of substance.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from githubkit_schemas.latest.models import (
    Commit,
    Issue,
    IssueComment,
    PullRequest,
    PullRequestReview,
)
from sqlalchemy.orm import Session

from bot.campaigns.commands import Command, Context, parse_command
from bot.campaigns.events import Event, Excluded, Included, PrOpened, Pushed, ReviewRequested
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.meta import FoundPull, PrMeta, decode_meta, refusal
from bot.campaigns.parity_totals import totals_of_marker
from bot.campaigns.permissions import Decision
from bot.campaigns.pr import LABEL, branch_name
from bot.campaigns.scope import apply_scope_command, in_scope
from bot.github.client import AnyGitHub
from bot.service.authority import Authority
from bot.service.context import AppServices
from bot.service.dashboard import request_dashboard_refresh
from bot.service.discovery import (
    Repository,
    installation_repositories,
    scan,
    store_discovery,
)
from bot.service.github_ops import GitHubOps, split_repo
from bot.service.pr_commands import SKIPPED_MARKER, exclusion_reason
from bot.service.snapshots import keep
from bot.service.tracking import refresh_target
from bot.spec import CampaignError, campaign_from_markdown, spec_hash
from bot.store.campaigns import get_target, record_events, save_campaign, upsert_target
from bot.store.models import Campaign

CAMPAIGN_LABEL = f"{LABEL}:campaign"
_TICK = timedelta(microseconds=1)


@dataclass
class ReconcileReport:
    """What was found, for the command's output and for tests."""

    campaigns: list[str] = field(default_factory=list)  # owner/repo#number
    pull_requests: list[str] = field(default_factory=list)  # owner/repo#number
    skipped_issues: list[str] = field(default_factory=list)  # labelled, but not valid YAML
    refused_issues: list[str] = field(default_factory=list)  # its author may not run campaigns
    unadopted: list[str] = field(default_factory=list)  # "owner/repo#number: why"


def reconcile(services: AppServices, installation_ids: Iterable[int]) -> ReconcileReport:
    """Rebuild every campaign of the given installations; safe to run again."""
    report = ReconcileReport()
    for installation_id in installation_ids:
        with services.sessions() as session:
            ops = services.ops(session, installation_id)
            _Installation(services, session, ops, report).reconcile()
            session.commit()
    return report


def all_installations(services: AppServices) -> list[int]:
    app = services.github.app_client()
    return [i.id for i in app.rest.paginate(app.rest.apps.list_installations, per_page=100)]


@dataclass(frozen=True)
class _Accepted:
    """A command Godwit obeyed on the campaign issue, with who wrote it and when."""

    command: Command
    login: str
    at: datetime


@dataclass
class _Installation:
    services: AppServices
    session: Session
    ops: GitHubOps
    report: ReconcileReport
    authority: Authority = field(init=False)

    def __post_init__(self) -> None:
        self.authority = self.services.authority(self.ops)

    @property
    def gh(self) -> AnyGitHub:
        return self.ops.gh

    def reconcile(self) -> None:
        repos = installation_repositories(self.gh)
        for repo in repos:
            for issue in self._labelled(repo.full_name, CAMPAIGN_LABEL):
                if not issue.pull_request:
                    self._campaign(repo.full_name, issue, repos)

    def _labelled(self, repo: str, label: str) -> list[Issue]:
        owner, name = split_repo(repo)
        return list(
            self.gh.rest.paginate(
                self.gh.rest.issues.list_for_repo,
                owner=owner,
                repo=name,
                labels=label,
                state="all",
                per_page=100,
            )
        )

    def _campaign(self, repo: str, issue: Issue, repos: list[Repository]) -> None:
        body = issue.body or ""
        try:
            spec = campaign_from_markdown(body)
        except CampaignError:
            self.report.skipped_issues.append(f"{repo}#{issue.number}")
            return
        author = issue.user.login if issue.user is not None else None
        bot = issue.user is not None and issue.user.type == "Bot"
        if not self.authority.runs_campaign(repo, author, bot=bot):
            # Not rebuilt (nor discovered) for an author Godwit would refuse today.
            self.report.refused_issues.append(f"{repo}#{issue.number}")
            return
        campaign, _ = save_campaign(
            self.session,
            installation_id=self.ops.installation_id,
            repo=repo,
            issue_number=issue.number,
            spec=spec,
            spec_hash=spec_hash(spec),
            body=body,
            author=author,
            state=CampaignState.DISCOVERING.value,
        )
        self.report.campaigns.append(f"{repo}#{issue.number}")
        accepted = self._accepted_commands(repo, issue)
        commands = [item.command for item in accepted]
        # Discovery ran before the scope commands; they are replayed on its targets.
        campaign.overrides = {}
        included = {r.lower() for c in commands if c.name == "include" for r in c.repos}
        scanned = [
            r for r in repos if in_scope(spec, r.full_name) or r.full_name.lower() in included
        ]
        found = scan(
            self.gh,
            spec,
            scanned,
            partial(keep, self.session),
            max_repo_bytes=self.services.max_repo_bytes,
        )
        store_discovery(self.services, self.session, campaign, found)
        for item in accepted:
            self._replay_scope(campaign, item)
        campaign.state = _replayed_state(campaign, commands, issue)
        for command in commands:
            if command.name == "start" and command.batch is not None:
                campaign.batch_size = command.batch
        for other in repos:
            self._pull_requests(campaign, other.full_name, issue, branch_name(spec))
        self.session.flush()
        request_dashboard_refresh(self.services, self.session, campaign)

    def _replay_scope(self, campaign: Campaign, item: _Accepted) -> None:
        command = item.command
        if command.name not in {"exclude", "include"}:
            return
        campaign.overrides = apply_scope_command(campaign.overrides or {}, command)
        for repo in command.repos:
            target = get_target(self.session, campaign, repo)
            if target is None:
                continue
            event: Event = (
                Excluded(item.at, exclusion_reason(item.login))
                if command.name == "exclude"
                else Included(item.at)
            )
            record_events(target, [event])

    def _accepted_commands(self, repo: str, issue: Issue) -> list[_Accepted]:
        """The issue's commands in order, from the people Godwit obeys (as it would now)."""
        owner, name = split_repo(repo)
        comments: list[IssueComment] = list(
            self.gh.rest.paginate(
                self.gh.rest.issues.list_comments,
                owner=owner,
                repo=name,
                issue_number=issue.number,
                per_page=100,
            )
        )
        accepted: list[_Accepted] = []
        for comment in comments:
            parsed = parse_command(comment.body or "", Context.ISSUE)
            if not isinstance(parsed, Command) or comment.user is None:
                continue
            login = comment.user.login
            decision = self.authority.command(
                repo, login, comment.user.type == "Bot", on_issue=True
            )
            if decision is Decision.ACCEPT:
                accepted.append(_Accepted(parsed, login, comment.created_at))
        return accepted

    def _pull_requests(self, campaign: Campaign, repo: str, issue: Issue, branch: str) -> None:
        """The newest PR in ``repo`` that Godwit opened for this campaign, by its signed marker.

        A labelled PR whose marker does not verify, or verifies but was not opened
        by the App in this repository on this branch (``bot.campaigns.meta.refusal``),
        is reported and left alone.
        """
        spec_id = campaign.campaign_id
        found: list[tuple[PullRequest, PrMeta]] = []
        owner, name = split_repo(repo)
        for labelled in self._labelled(repo, f"{LABEL}:{spec_id}"):
            if not labelled.pull_request:
                continue
            pr = self.gh.rest.pulls.get(owner, name, labelled.number).parsed_data
            meta = decode_meta(pr.body or "", keys=self.services.marker_keys)
            why = (
                "no marker Godwit signed"
                if meta is None
                else refusal(
                    meta,
                    _found_pull(repo, pr),
                    bot_login=self.services.bot_login,
                    campaign=spec_id,
                    issue=f"{campaign.repo}#{issue.number}",
                    branch=branch,
                )
            )
            if meta is None or why is not None:
                self.report.unadopted.append(f"{repo}#{pr.number}: {why}")
                continue
            found.append((pr, meta))
        if not found:
            return
        pr, meta = max(found, key=lambda item: item[0].created_at)
        target = upsert_target(self.session, campaign, repo)
        target.branch = pr.head.ref
        target.base_sha = meta.base_sha
        target.spec_hash = meta.spec_hash
        target.installation_id = self.ops.installation_id
        history = self._history(repo, pr)
        if any(isinstance(event, Excluded) for event in history):
            campaign.overrides = {**(campaign.overrides or {}), repo.lower(): False}
        record_events(target, history)
        refresh_target(self.gh, target, observed=self.services.now())
        proven = totals_of_marker(meta.parity)
        if proven is not None:  # what parity proved of the PR's rewrite, gone once merged
            target.parity = proven.stored()
        self.report.pull_requests.append(f"{repo}#{pr.number}")

    def _history(self, repo: str, pr: PullRequest) -> list[Event]:
        """The PR's opening and who wrote each commit since; a skip is read from its comment."""
        owner, name = split_repo(repo)
        commits: Iterable[Commit] = self.gh.rest.paginate(
            self.gh.rest.pulls.list_commits,
            owner=owner,
            repo=name,
            pull_number=pr.number,
            per_page=100,
        )
        bot = self.services.bot_login.lower()
        events: list[Event] = []
        opened = False
        last = pr.created_at
        for commit in commits:
            login = getattr(commit.author, "login", None)
            by_godwit = isinstance(login, str) and login.lower() == bot
            if not opened and by_godwit:
                events.append(PrOpened(pr.created_at, pr.number, pr.html_url, commit.sha))
                opened = True
            elif opened:
                # Commit dates have whole seconds; later commits must still count as later.
                at = max(_commit_time(commit.commit.committer, last), last + _TICK)
                events.append(Pushed(at, commit.sha, by_human=not by_godwit))
                last = at
        if not opened:
            events.append(PrOpened(pr.created_at, pr.number, pr.html_url, pr.head.sha))
        events += self._reviewers(repo, pr)
        skipped = self.ops.find_own_comment(repo, pr.number, SKIPPED_MARKER)
        if skipped is not None and pr.state == "closed" and pr.merged_at is None:
            at = pr.closed_at or pr.updated_at
            events.append(Excluded(at, _skip_reason(skipped[1])))
        return events

    def _reviewers(self, repo: str, pr: PullRequest) -> list[Event]:
        """Whom the PR asked for review when it was opened: those still asked and those who did."""
        owner, name = split_repo(repo)
        reviews: Iterable[PullRequestReview] = self.gh.rest.paginate(
            self.gh.rest.pulls.list_reviews, owner=owner, repo=name, pull_number=pr.number
        )
        users = [user.login for user in pr.requested_reviewers or []]
        users += [f"{owner}/{team.slug}" for team in pr.requested_teams or []]
        users += [review.user.login for review in reviews if review.user is not None]
        return [ReviewRequested(pr.created_at, user) for user in dict.fromkeys(users)]


def _found_pull(repo: str, pr: PullRequest) -> FoundPull:
    head_repo = pr.head.repo.full_name if pr.head.repo is not None else None
    return FoundPull(
        repo=repo,
        number=pr.number,
        head_ref=pr.head.ref,
        head_repo=head_repo,
        author=pr.user.login if pr.user is not None else None,
        author_type=pr.user.type if pr.user is not None else None,
    )


def _commit_time(signature: object, default: datetime) -> datetime:
    date = getattr(signature, "date", None)
    return date if isinstance(date, datetime) else default


def _skip_reason(body: str) -> str:
    """``Skipped by @someone: why.`` as the live ``/migrate skip`` records it."""
    lines = body.replace(SKIPPED_MARKER, "").strip().splitlines()
    first = lines[0].rstrip(".") if lines else "skipped"
    return first[:1].lower() + first[1:]


def _replayed_state(campaign: Campaign, commands: list[Command], issue: Issue) -> CampaignState:
    """The campaign state the accepted commands led to; a closed issue is finished."""
    state = CampaignState(campaign.state)
    for command in commands:
        # ``plan`` starts a discovery whose end ("planned") moves the campaign on again.
        for action in (command.name, "planned") if command.name == "plan" else (command.name,):
            with suppress(TransitionError):  # refused then as now
                state = campaign_transition(state, action)
    if issue.state == "closed" and issue.state_reason == "completed":
        return CampaignState.COMPLETED
    return state
