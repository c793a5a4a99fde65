"""``/migrate`` on a campaign pull request: rerun, rebase, skip, explain, help and refusals."""

from __future__ import annotations

from bot.sandbox.gitobjects import Commit
from tests.campaign_e2e.conftest import World
from tests.campaign_e2e.test_tracking import BQ, DBT, ROYALTIES, SCIO, start

BRANCH = "godwit/plays-v2"


def head_commit(world: World, repo: str) -> Commit:
    sha = world.sandbox.branch_sha(repo, BRANCH)
    assert sha is not None
    return world.sandbox.state.repo_by_full_name(repo).objects.commit(sha)


def replies(world: World, repo: str, number: int) -> list[str]:
    return [comment.body for comment in world.bot_comments(number, repo)]


def test_rerun_refuses_to_drop_a_persons_commit_unless_forced(world: World) -> None:
    _, pulls = start(world)
    number = pulls[BQ].number
    pushed = world.sandbox.push(
        BQ, BRANCH, {"jobs/NOTE.md": "checked by hand\n"}, author="bruno-jobs"
    )
    world.settle()

    world.command(number, "/migrate rerun", login="bruno-jobs", repo=BQ)
    assert world.sandbox.branch_sha(BQ, BRANCH) == pushed
    refusal = replies(world, BQ, number)[-1]
    assert "commits Godwit did not write" in refusal
    assert "`/migrate rerun --force`" in refusal

    comment = world.command(number, "/migrate rerun --force", login="bruno-jobs", repo=BQ)
    assert world.reactions(number, comment, BQ) == [f"+1 by {world.bot}"]
    rewritten = head_commit(world, BQ)
    assert rewritten.sha != pushed
    assert rewritten.parents == (world.sandbox.branch_sha(BQ, "main"),)
    assert rewritten.author.name == world.bot
    assert world.targets()["acme-bq-jobs"] == "pr_open"


def test_rebase_replays_the_change_on_the_new_base(world: World) -> None:
    _, pulls = start(world)
    number = pulls[SCIO].number
    before = head_commit(world, SCIO)
    moved = world.sandbox.push(SCIO, "main", {"NOTES.md": "moved on\n"}, author="chen-pipelines")
    world.settle()
    assert world.targets()["acme-scio-pipelines"] == "out_of_date"

    world.command(number, "/migrate rebase", login="chen-pipelines", repo=SCIO)
    after = head_commit(world, SCIO)
    assert after.parents == (moved,)
    objects = world.sandbox.state.repo_by_full_name(SCIO).objects
    migrated = {path: entry.sha for path, entry in objects.flatten(before.tree).items()}
    replayed = {path: entry.sha for path, entry in objects.flatten(after.tree).items()}
    assert replayed == {**migrated, "NOTES.md": replayed["NOTES.md"]}
    assert world.targets()["acme-scio-pipelines"] == "pr_open"

    world.command(number, "/migrate rebase", login="chen-pipelines", repo=SCIO)
    assert "already built on the newest `main`" in replies(world, SCIO, number)[-1]


def test_skip_closes_the_pr_and_excludes_the_repository(world: World) -> None:
    _, pulls = start(world)
    number = pulls[ROYALTIES].number
    world.command(
        number, "/migrate skip finance owns this table", login="dana-finance", repo=ROYALTIES
    )

    assert world.sandbox.issue(ROYALTIES, number).state == "closed"
    assert world.targets()["acme-royalties"] == "excluded"
    skipped = replies(world, ROYALTIES, number)[-1]
    assert skipped.startswith("<!-- godwit:skipped -->")
    assert "Skipped by @dana-finance: finance owns this table." in skipped
    assert "/migrate include acme/acme-royalties" in skipped


def test_explain_help_and_refusal(world: World) -> None:
    _, pulls = start(world)
    number = pulls[DBT].number
    world.sandbox.create_user("passer-by")

    world.command(number, "/migrate explain", login="alice-analytics", repo=DBT)
    explain = replies(world, DBT, number)[-1]
    assert explain.startswith("<!-- godwit:explain -->")
    assert "legacy-proj.music.plays_v1" in explain

    world.command(number, "/migrate frobnicate", login="alice-analytics", repo=DBT)
    assert "`frobnicate` is not a command here" in replies(world, DBT, number)[-1]

    before = world.sandbox.branch_sha(DBT, BRANCH)
    world.command(number, "/migrate rerun --force", login="passer-by", repo=DBT)
    refusal = replies(world, DBT, number)[-1]
    assert refusal.startswith("<!-- godwit:refusal -->")
    assert "@passer-by" in refusal
    assert world.sandbox.branch_sha(DBT, BRANCH) == before


def test_a_rerun_that_would_give_the_same_files_pushes_nothing(world: World) -> None:
    _, pulls = start(world)
    number = pulls[BQ].number
    before = world.sandbox.branch_sha(BQ, BRANCH)

    comment = world.command(number, "/migrate rerun", login="bruno-jobs", repo=BQ)

    assert world.reactions(number, comment, BQ) == [f"+1 by {world.bot}"]
    assert world.sandbox.branch_sha(BQ, BRANCH) == before
    reply = replies(world, BQ, number)[-1]
    assert "already up to date" in reply
    assert "Godwit pushed nothing" in reply
    assert "pull_request.rerun" not in world.audit_actions()

    # Once the default branch moves, the same command does push, onto the new base.
    moved = world.sandbox.push(BQ, "main", {"NOTES.md": "moved on\n"}, author="bruno-jobs")
    world.settle()
    world.command(number, "/migrate rerun", login="bruno-jobs", repo=BQ)
    assert head_commit(world, BQ).parents == (moved,)
    assert world.audit_actions().count("pull_request.rerun") == 1


def test_pr_and_issue_commands_share_one_pipeline(world: World) -> None:
    number, pulls = start(world)
    pr = pulls[DBT].number
    world.sandbox.create_user("passer-by")
    audited = len(world.audit_actions())

    typo = world.command(pr, "/migrate explian", login="alice-analytics", repo=DBT)
    first = replies(world, DBT, pr)[-1]
    world.command(pr, "/migrate rerum", login="alice-analytics", repo=DBT)
    refused_pr = world.command(pr, "/migrate explain", login="passer-by", repo=DBT)
    refused_issue = world.command(number, "/migrate status", login="passer-by")

    answers = replies(world, DBT, pr)
    assert answers[-3] == first  # the typo's answer was not edited by the next one
    assert first.startswith("<!-- godwit:not-understood -->")
    assert "Did you mean `/migrate explain`?" in first
    assert "Did you mean `/migrate rerun`" in answers[-2]
    assert answers[-1].startswith("<!-- godwit:refusal -->")
    assert world.bot_comments(number)[-1].body.startswith("<!-- godwit:refusal -->")
    for comment, where, repo in [(typo, pr, DBT), (refused_pr, pr, DBT)]:
        assert world.reactions(where, comment, repo) == []
    assert world.reactions(number, refused_issue) == []
    commands = [a for a in world.audit_actions()[audited:] if a.startswith("command.")]
    assert commands == ["command.accept", "command.accept", "command.refuse", "command.refuse"]
