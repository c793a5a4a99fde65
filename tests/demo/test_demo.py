"""``godwit demo`` end to end: the story really happens in the sandbox and the JSON line says so."""

from __future__ import annotations

import io
import json
import re

import httpx
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from bot.campaigns.residual import residual_of_plan
from bot.commands import demo
from bot.commands.demo import run_demo
from bot.demo.outcome import Outcome
from bot.demo.world import examples_dir
from bot.engine.planner import plan_repository
from bot.sandbox import Sandbox, serve
from bot.sandbox.state import Issue, PullRequest, Repo
from bot.spec import load_campaign_file

BOT = "godwit[bot]"


@pytest.fixture(scope="module")
def played() -> tuple[Sandbox, Outcome, str]:
    sandbox = Sandbox()
    output = io.StringIO()
    outcome = run_demo(
        sandbox, Console(file=output, width=120), speed=1000, settle_timeout=60, keep=False
    )
    return sandbox, outcome, output.getvalue()


def godwit_pull(sandbox: Sandbox, repo: str) -> tuple[Issue, PullRequest]:
    """Godwit's one pull request on ``repo``, as an issue and its pull request part."""
    pulls = [
        (issue, issue.pull)
        for issue in sandbox.state.repo_by_full_name(repo).issues.values()
        if issue.pull is not None and issue.user.login == BOT
    ]
    assert len(pulls) == 1, f"{repo} has {len(pulls)} pull requests by Godwit"
    return pulls[0]


def test_last_line_is_the_outcome_counted_from_the_sandbox(
    played: tuple[Sandbox, Outcome, str],
) -> None:
    sandbox, outcome, output = played
    summary = json.loads(output.rstrip("\n").splitlines()[-1])
    assert set(summary) == {
        "repos",
        "prs_opened",
        "prs_merged",
        "guardrails",
        "campaign_state",
        "residual_references",
        "safe_to_retire",
    }
    assert summary == outcome.__dict__
    by_godwit = [
        issue
        for repo in sandbox.state.repos.values()
        for issue in repo.issues.values()
        if issue.pull is not None and issue.user.login == BOT
    ]
    assert summary["prs_opened"] == len(by_godwit) == 4
    assert summary["prs_merged"] == sum(issue.pull.merged for issue in by_godwit if issue.pull) == 2
    # Every seeded repository is in the campaign's scope (acme/*), the host included.
    assert summary["repos"] == len(sandbox.state.repos) == 6
    assert summary["guardrails"] > 0
    assert summary["campaign_state"] == "running"
    # Counted again here from the default branches as the sandbox holds them now.
    spec = load_campaign_file(examples_dir() / "campaign.yml")
    reading = [
        residual
        for repo in sandbox.state.repos.values()
        for residual in residual_of_plan(repo.full_name, plan_repository(spec, _files(repo)))
    ]
    assert summary["residual_references"] == len(reading) > 0
    assert summary["safe_to_retire"] is False


def _files(repo: Repo) -> dict[str, str]:
    """The repository's default branch, as text."""
    tree = repo.objects.commit(repo.resolve(repo.default_branch)).tree
    return {
        path: repo.objects.blob(entry.sha).decode("utf-8")
        for path, entry in repo.objects.flatten(tree).items()
    }


def test_the_first_line_says_what_is_starting(played: tuple[Sandbox, Outcome, str]) -> None:
    first = " ".join(played[2].split("\n\n", 1)[0].split())  # the console wraps long lines
    assert first.startswith("Starting a GitHub sandbox and Godwit on this machine")
    assert "--speed" in first


def test_owner_explained_reran_approved_and_merged(played: tuple[Sandbox, Outcome, str]) -> None:
    sandbox, _, _ = played
    issue, pull = godwit_pull(sandbox, "acme/acme-bq-jobs")
    assert pull.merged
    assert pull.merged_by is not None
    assert pull.merged_by.login == "bruno-jobs"
    assert [(r.user.login, r.state) for r in pull.reviews] == [("bruno-jobs", "APPROVED")]
    commands = [c for c in issue.comments if c.user.login == "bruno-jobs"]
    assert [c.body for c in commands] == ["/migrate explain", "/migrate rerun"]
    assert all(any(r.user.login == BOT for r in c.reactions) for c in commands)
    assert any(c.user.login == BOT for c in issue.comments)


def test_another_owner_requested_changes_and_one_pr_waits(
    played: tuple[Sandbox, Outcome, str],
) -> None:
    sandbox, _, output = played
    disputed, disputed_pull = godwit_pull(sandbox, "acme/acme-dbt-analytics")
    assert disputed.state == "open"
    assert [(r.user.login, r.state) for r in disputed_pull.reviews] == [
        ("alice-analytics", "CHANGES_REQUESTED")
    ]
    assert godwit_pull(sandbox, "acme/acme-scio-pipelines")[1].merged
    waiting, waiting_pull = godwit_pull(sandbox, "acme/acme-royalties")
    assert waiting.state == "open"
    assert waiting_pull.requested_reviewers == []
    assert "Dashboard in acme/data-platform#1" in output


def test_command_offers_its_options() -> None:
    app = typer.Typer()
    demo.register(app)
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for option in ("--keep", "--speed", "--timeout"):
        assert option in result.output


WEB_LINK = re.compile(r"https?://127\.0\.0\.1:\d+/[^\s)\"'<>`]+")


def test_every_web_link_godwit_wrote_opens_a_page(played: tuple[Sandbox, Outcome, str]) -> None:
    """Plan comments, the dashboard and PR bodies link to files, lines, PRs and issues."""
    sandbox, _, _ = played
    origin = sandbox.state.base_url
    texts = [
        text
        for repo in sandbox.state.repos.values()
        for issue in repo.issues.values()
        for text in (issue.body or "", *(comment.body for comment in issue.comments))
    ]
    links = {link for text in texts for link in WEB_LINK.findall(text) if link.startswith(origin)}
    assert any("#L" in link for link in links)
    assert any("/pull/" in link for link in links)
    with serve(sandbox) as again:
        for link in sorted(links):
            path, _, anchor = link.removeprefix(origin).partition("#")
            answer = httpx.get(again.url + path, follow_redirects=True)
            assert answer.status_code == 200, link
            assert answer.headers["content-type"].startswith("text/html"), link
            if anchor:
                assert f'id="{anchor}"' in answer.text, link
