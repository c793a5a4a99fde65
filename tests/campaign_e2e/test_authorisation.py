"""Who may run a campaign, and who may command it: GitHub's permissions, read when it matters.

Anyone can open an issue, and the issue form labels it as a campaign for them;
Godwit must run only the campaigns of people who may push to the issue's
repository (or whom the operators list), and obey on a campaign PR only people
who may push to that PR's repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.stack import running_stack
from bot.demo.world import LEAD, ORG, examples_dir, seed_organisation
from bot.sandbox import FaultRule, Sandbox
from bot.service.reconcile import reconcile
from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_pr_commands import BRANCH
from tests.campaign_e2e.test_tracking import BQ, services_on, start

UNAUTHORISED = "<!-- godwit:unauthorised -->"
AUTHOR_REFUSED = "<!-- godwit:author-refused -->"
REFUSAL = "<!-- godwit:refusal -->"
LISTED = "listed-author"
MINUTES = "jobs/user_daily_minutes/query.sql"
"""A file the campaign PR of acme-bq-jobs changes, so a line comment can sit on it."""
_TOKENS = ("/app", "/app/installations/")


def requests_since(world: World) -> list[tuple[str, str]]:
    """Godwit's requests to the sandbox since the log was cleared, App-token housekeeping aside."""
    return [
        (r.method, r.path)
        for r in world.sandbox.requests.records()
        if not r.path.startswith(_TOKENS) and r.path != "/app"
    ]


def test_an_outsiders_campaign_gets_one_comment_and_nothing_else(world: World) -> None:
    world.sandbox.create_user("mallory")  # no access to any repository of acme
    world.sandbox.requests.clear()

    number = world.open_campaign(author="mallory")

    # Opened and labelled: two deliveries, each reading the issue, the permission and
    # Godwit's comments (to say it once); one comment is posted, nothing else is read.
    host = f"/repos/{world.host}"
    made = requests_since(world)
    assert set(made) == {
        ("GET", f"{host}/issues/{number}"),
        ("GET", f"{host}/collaborators/mallory/permission"),
        ("GET", f"{host}/issues/{number}/comments"),
        ("POST", f"{host}/issues/{number}/comments"),
    }
    assert [m for m, _ in made].count("POST") == 1
    [comment] = world.bot_comments(number)
    assert comment.body.startswith(UNAUTHORISED)
    assert f"write access to `{world.host}`" in comment.body
    assert "(mallory)" in comment.body
    assert world.campaigns() == []
    assert world.targets() == {}

    # Editing the YAML, breaking it, and commanding change nothing and say nothing more.
    world.sandbox.edit_issue(world.host, number, "mallory", body="```yaml\nid: [\n```\n")
    world.settle()
    world.command(number, "/migrate start", login="mallory")
    assert [c.body.splitlines()[0] for c in world.bot_comments(number)] == [UNAUTHORISED]
    assert world.campaigns() == []
    assert world.pulls() == []
    assert not any("tarball" in path for _, path in requests_since(world))


def test_a_triage_only_author_is_refused_like_an_outsider(world: World) -> None:
    world.sandbox.create_user("tess")
    world.sandbox.set_permission(world.host, "tess", "triage")
    # Triage on a consumer repository does not help either; only the host's permission counts.
    world.sandbox.set_permission(BQ, "tess", "write")

    number = world.open_campaign(author="tess")

    [comment] = world.bot_comments(number)
    assert comment.body.startswith(UNAUTHORISED)
    assert world.campaigns() == []


def test_a_writer_gains_nothing_by_waiting_and_a_refusal_is_withdrawn_once_allowed(
    world: World,
) -> None:
    world.sandbox.create_user("newcomer")
    world.sandbox.set_permission(world.host, "newcomer", "read")
    number = world.open_campaign(author="newcomer")
    assert world.campaigns() == []

    world.sandbox.set_permission(world.host, "newcomer", "write")
    world.sandbox.edit_issue(world.host, number, "newcomer", title="Retire plays_v1, please")
    world.settle()

    [campaign] = world.campaigns()
    assert (campaign.author, campaign.state) == ("newcomer", "planned")
    notices = [c.body for c in world.bot_comments(number) if c.body.startswith(UNAUTHORISED)]
    assert len(notices) == 1
    assert "Godwit runs this campaign now" in notices[0]


def test_an_author_who_lost_write_access_cannot_start_and_nothing_opens(world: World) -> None:
    number = world.open_campaign()
    assert [c.state for c in world.campaigns()] == ["planned"]
    world.sandbox.create_user("maya")
    world.sandbox.set_permission(world.host, "maya", "maintain")
    world.sandbox.set_permission(world.host, LEAD, "read")

    by_author = world.command(number, "/migrate start")
    by_maintainer = world.command(number, "/migrate start", login="maya")

    replies = [c.body for c in world.bot_comments(number)][-2:]
    assert replies[0].startswith(REFUSAL)  # the author may no longer command at all
    assert "Thanks, @data-platform-lead!" in replies[0]
    assert replies[1].startswith(AUTHOR_REFUSED)
    assert f"this campaign's author ({LEAD}) may no longer run campaigns" in replies[1]
    assert world.reactions(number, by_author) == []
    assert world.reactions(number, by_maintainer) == []
    assert world.pulls() == []
    assert all(world.sandbox.branch_sha(repo, BRANCH) is None for repo in world.org.repos)
    assert [c.state for c in world.campaigns()] == ["planned"]

    # What only stops or reports still works for people who may command.
    excluded = world.command(number, "/migrate exclude acme/acme-royalties", login="maya")
    assert world.reactions(number, excluded) == [f"+1 by {world.bot}"]
    assert world.targets()["acme-royalties"] == "excluded"


def test_the_campaign_author_has_no_say_on_prs_where_they_cannot_push(world: World) -> None:
    _, pulls = start(world)
    number = pulls[BQ].number
    before = world.sandbox.branch_sha(BQ, BRANCH)

    world.command(number, "/migrate skip not needed", login=LEAD, repo=BQ)
    line = world.sandbox.review_comment(BQ, number, LEAD, MINUTES, 11, "/migrate rerun --force")
    world.settle()

    assert world.sandbox.issue(BQ, number).state == "open"
    assert world.targets()["acme-bq-jobs"] == "pr_open"
    assert world.sandbox.branch_sha(BQ, BRANCH) == before
    refusals = [c.body for c in world.bot_comments(number, BQ) if c.body.startswith(REFUSAL)]
    assert len(refusals) == 2
    assert all("Thanks, @data-platform-lead!" in text for text in refusals)
    assert all("campaign authors" not in text for text in refusals)
    pull = world.sandbox.issue(BQ, number).pull
    assert pull is not None
    assert next(c for c in pull.review_comments if c.id == line).reactions == []

    # With write access to that repository, the same person is obeyed there.
    world.sandbox.set_permission(BQ, LEAD, "write")
    world.command(number, "/migrate skip not needed", login=LEAD, repo=BQ)
    assert world.sandbox.issue(BQ, number).state == "closed"


def test_a_review_comment_command_is_acknowledged_on_the_line(world: World) -> None:
    _, pulls = start(world)
    number = pulls[BQ].number

    line = world.sandbox.review_comment(BQ, number, "bruno-jobs", MINUTES, 11, "/migrate explain")
    world.settle()

    explain = [c.body for c in world.bot_comments(number, BQ)]
    assert any(body.startswith("<!-- godwit:explain -->") for body in explain)
    pull = world.sandbox.issue(BQ, number).pull
    assert pull is not None
    comment = next(c for c in pull.review_comments if c.id == line)
    assert [(r.content, r.user.login) for r in comment.reactions] == [("+1", world.bot)]


def test_a_failed_reaction_does_not_stop_an_accepted_command(world: World) -> None:
    number = world.open_campaign()
    world.sandbox.faults.add(FaultRule(kind="error", status=403, count=None, path=r"/reactions$"))

    comment = world.command(number, "/migrate start --batch 1")

    assert world.reactions(number, comment) == []
    pulls = {pull.repo: pull for pull in world.pulls()}
    assert list(pulls) == [BQ]
    pr = pulls[BQ].number
    world.command(pr, "/migrate explain", login="bruno-jobs", repo=BQ)
    world.sandbox.review_comment(BQ, pr, "bruno-jobs", MINUTES, 11, "/migrate help")
    world.settle()

    bodies = [c.body.splitlines()[0] for c in world.bot_comments(pr, BQ)]
    assert "<!-- godwit:explain -->" in bodies
    assert "<!-- godwit:help -->" in bodies
    assert world.audit_actions().count("reaction.failed") == 3
    assert "reaction.+1" not in world.audit_actions()
    assert world.sandbox.faults.injected["error"] == 3


@pytest.fixture
def listed_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The ``world`` of conftest, with operators who list campaign authors."""
    monkeypatch.setenv("GODWIT_DASHBOARD_DELAY", "0")
    monkeypatch.setenv("GODWIT_CAMPAIGN_AUTHORS", f"someone-else, {LISTED.upper()}")
    sandbox = Sandbox()
    org = seed_organisation(sandbox, examples_dir() / "repos")
    with running_stack(sandbox, ORG, tmp_path, mutation_interval=0.0) as stack:
        world = World(stack, org)
        world.settle()
        yield world


def test_operators_list_campaign_authors_who_need_no_write_access(listed_world: World) -> None:
    world = listed_world
    world.sandbox.create_user(LISTED)
    world.sandbox.create_user("unlisted")
    world.sandbox.requests.clear()

    listed = world.open_campaign(author=LISTED)
    unlisted = world.open_campaign(author="unlisted")

    assert [(c.issue_number, c.author, c.state) for c in world.campaigns()] == [
        (listed, LISTED, "planned")
    ]
    permission_reads = [p for _, p in requests_since(world) if p.endswith("/permission")]
    assert set(permission_reads) == {f"/repos/{world.host}/collaborators/unlisted/permission"}
    [refusal] = world.bot_comments(unlisted)
    assert refusal.body.startswith(UNAUTHORISED)
    world.command(listed, "/migrate start --batch 1", login=LISTED)
    assert [p.repo for p in world.pulls()] == ["acme/acme-bq-jobs"]


def test_reconcile_does_not_rebuild_an_outsiders_campaign(world: World, tmp_path: Path) -> None:
    world.sandbox.create_user("mallory")
    number = world.open_campaign(author="mallory")

    rebuilt = services_on(world, f"sqlite:///{tmp_path / 'rebuilt.db'}")
    report = reconcile(rebuilt, [world.stack.installation_id])

    assert report.campaigns == []
    assert report.refused_issues == [f"{world.host}#{number}"]
    assert not any("tarball" in r.path for r in world.sandbox.requests.records())
