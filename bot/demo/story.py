"""The demo's script: a lead opens a campaign, owners review, comment, merge and push back.

Each scene acts in the sandbox as a person would, waits until Godwit and GitHub
have settled, then reads what Godwit did from GitHub before narrating it, so a
scene that did not happen stops the demo with a message instead of a happy story.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.campaigns.messages import PLAN_MARKER
from bot.demo.narration import Narrator
from bot.demo.outcome import (
    CampaignPull,
    Outcome,
    campaign_pulls,
    dashboard_text,
    read_outcome,
)
from bot.demo.stack import Stack
from bot.demo.world import (
    CAMPAIGN_LABEL,
    LEAD,
    ORG,
    OWNERS,
    Organisation,
    campaign_issue_body,
    campaign_issue_title,
)
from bot.rendering import templates_dir
from bot.spec import Campaign, load_campaign

FORM = Path("issue-form") / "godwit-campaign.yml"
EXPLAINED_REPO = "acme-bq-jobs"
DISPUTED_REPO = "acme-dbt-analytics"
ALSO_MERGED_REPO = "acme-scio-pipelines"


@dataclass(frozen=True)
class Played:
    """The story's end: the result, and the campaign issue a person can go on with."""

    outcome: Outcome
    issue: int


class DemoError(RuntimeError):
    """A scene's expected result is missing from GitHub; the message says which."""


@dataclass(frozen=True)
class Scene:
    """What every scene needs: the running servers, the people, the narrator, the deadline."""

    stack: Stack
    org: Organisation
    narrator: Narrator
    campaign: Campaign
    settle_timeout_s: float

    @property
    def bot(self) -> str:
        return f"{self.stack.app.slug}[bot]"

    def settle(self, what: str) -> None:
        self.stack.settling.wait(self.settle_timeout_s, what=what)

    def bot_comments(self, repo: str, number: int) -> list[str]:
        issue = self.stack.sandbox.issue(repo, number)
        return [comment.body for comment in issue.comments if comment.user.login == self.bot]

    def pull(self, name: str) -> CampaignPull:
        repo = f"{ORG}/{name}"
        for pull in campaign_pulls(self.stack.sandbox, self.campaign):
            if pull.repo == repo:
                return pull
        raise DemoError(f"Godwit opened no pull request on {repo}")

    def head_sha(self, pull: CampaignPull) -> str:
        found = self.stack.sandbox.issue(pull.repo, pull.number).pull
        assert found is not None
        return found.head_sha

    def owner_comment(self, pull: CampaignPull, login: str, command: str) -> str:
        """Comment ``command`` on a PR as ``login``; the reply Godwit gave (empty for none)."""
        before = len(self.bot_comments(pull.repo, pull.number))
        self.stack.sandbox.comment(pull.repo, pull.number, login, command)
        self.settle(f"Godwit to answer {command!r} on {pull.repo}#{pull.number}")
        replies = self.bot_comments(pull.repo, pull.number)[before:]
        return replies[-1] if replies else ""


def play(
    stack: Stack,
    org: Organisation,
    narrator: Narrator,
    campaign_yaml: str,
    *,
    settle_timeout_s: float,
) -> Played:
    """Run every scene in order and return what GitHub and the store say happened."""
    scene = Scene(stack, org, narrator, load_campaign(campaign_yaml), settle_timeout_s)
    narrator.step(
        "started",
        github_url=stack.github.url,
        godwit_url=stack.godwit_url,
        interval=stack.settings.mutation_interval,
        org=org,
        owners=OWNERS,
    )
    scene.settle("the installation to be recorded")
    issue = open_campaign(scene, campaign_yaml)
    start_campaign(scene, issue)
    review_explained(scene)
    dispute(scene)
    merge_another(scene)
    dashboard = dashboard_text(stack.sandbox, org.host, issue)
    if dashboard is None:
        raise DemoError(f"the campaign issue {org.host}#{issue} has no dashboard")
    narrator.quote(f"Dashboard in {org.host}#{issue}", dashboard)
    outcome = read_outcome(stack.sandbox, stack.services.engine, scene.campaign)
    narrator.step("finished", outcome=outcome, host=org.host, issue=issue)
    return Played(outcome, issue)


def open_campaign(scene: Scene, campaign_yaml: str) -> int:
    sandbox, host = scene.stack.sandbox, scene.org.host
    body = campaign_issue_body(templates_dir() / FORM, campaign_yaml)
    title = campaign_issue_title(templates_dir() / FORM, scene.campaign.title)
    number = sandbox.open_issue(host, LEAD, title, body, labels=[CAMPAIGN_LABEL])
    scene.narrator.step(
        "campaign_opened", host=host, number=number, lead=LEAD, label=CAMPAIGN_LABEL
    )
    scene.settle("Godwit to plan the campaign")
    plans = [body for body in scene.bot_comments(host, number) if body.startswith(PLAN_MARKER)]
    if not plans:
        raise DemoError(f"Godwit did not comment a plan on {host}#{number}")
    scene.narrator.quote(f"Godwit on {host}#{number}", plans[-1])
    return number


def start_campaign(scene: Scene, issue: int) -> None:
    sandbox, host = scene.stack.sandbox, scene.org.host
    scene.narrator.step("start", lead=LEAD, host=host, number=issue)
    sandbox.comment(host, issue, LEAD, "/migrate start")
    scene.settle("Godwit to open the pull requests")
    pulls = campaign_pulls(sandbox, scene.campaign)
    if not pulls:
        raise DemoError("Godwit opened no pull request after /migrate start")
    scene.narrator.step(
        "pulls_opened", pulls=pulls, interval=scene.stack.settings.mutation_interval
    )


def review_explained(scene: Scene) -> None:
    """An owner asks why, asks for a fresh rewrite, sees CI pass, approves and merges."""
    owner = scene.org.owner_of(EXPLAINED_REPO).login
    pull = scene.pull(EXPLAINED_REPO)
    scene.narrator.step("explain", owner=owner, pull=pull)
    explanation = scene.owner_comment(pull, owner, "/migrate explain")
    if not explanation:
        raise DemoError(f"Godwit did not explain {pull.repo}#{pull.number}")
    scene.narrator.quote(f"Godwit on {pull.repo}#{pull.number}", explanation)
    head = scene.head_sha(pull)
    scene.narrator.step("rerun", owner=owner, pull=pull)
    scene.owner_comment(pull, owner, "/migrate rerun")
    scene.narrator.note("rerun_result", moved=scene.head_sha(pull) != head)
    approve_and_merge(scene, pull, owner)


def approve_and_merge(scene: Scene, pull: CampaignPull, owner: str) -> None:
    sandbox = scene.stack.sandbox
    sandbox.complete_check_suite(pull.repo, scene.head_sha(pull), "success", [("ci", "success")])
    sandbox.review(pull.repo, pull.number, owner, "APPROVED", "Looks right, thanks!")
    sandbox.merge(pull.repo, pull.number, owner, "squash")
    scene.settle(f"Godwit to track the merge of {pull.repo}#{pull.number}")
    if not scene.pull(pull.repo.partition("/")[2]).merged:
        raise DemoError(f"{pull.repo}#{pull.number} is not merged")
    scene.narrator.step("merged", owner=owner, pull=pull)


def dispute(scene: Scene) -> None:
    """Another owner wants a different rewrite: changes requested, the dashboard says so."""
    owner = scene.org.owner_of(DISPUTED_REPO).login
    pull = scene.pull(DISPUTED_REPO)
    scene.stack.sandbox.review(
        pull.repo,
        pull.number,
        owner,
        "CHANGES_REQUESTED",
        "stg_plays feeds the finance export: please keep the old column names as aliases.",
    )
    scene.settle(f"Godwit to track the review on {pull.repo}#{pull.number}")
    scene.narrator.step("changes_requested", owner=owner, pull=pull)


def merge_another(scene: Scene) -> None:
    """A second owner is happy as is; one repository (no owner, guardrails) stays for later."""
    owner = scene.org.owner_of(ALSO_MERGED_REPO).login
    approve_and_merge(scene, scene.pull(ALSO_MERGED_REPO), owner)
