"""Webhooks: every event Godwit handles arrives signed, parses with githubkit, and is logged."""

from __future__ import annotations

from githubkit import webhooks

from tests.sandbox.conftest import Received, SandboxEnv

EXPECTED = {
    ("installation", "created"),
    ("installation", "deleted"),
    ("installation_repositories", "added"),
    ("installation_repositories", "removed"),
    ("issues", "opened"),
    ("issues", "edited"),
    ("issues", "labeled"),
    ("issues", "closed"),
    ("issues", "reopened"),
    ("issue_comment", "created"),
    ("issue_comment", "edited"),
    ("pull_request", "opened"),
    ("pull_request", "edited"),
    ("pull_request", "labeled"),
    ("pull_request", "synchronize"),
    ("pull_request", "closed"),
    ("pull_request", "reopened"),
    ("pull_request_review", "submitted"),
    ("pull_request_review_comment", "created"),
    ("check_run", "completed"),
    ("check_suite", "completed"),
    ("push", None),
}


def act_out_every_event(world: SandboxEnv) -> None:
    sandbox, repo = world.sandbox, "acme/jobs"
    number = sandbox.open_issue(repo, "alice", "Retire legacy.events", "body")
    sandbox.edit_issue(repo, number, "alice", title="Retire legacy.events now")
    sandbox.add_label(repo, number, "alice", "migration")
    comment = sandbox.comment(repo, number, "alice", "first")
    sandbox.edit_comment(repo, comment, "alice", "edited")
    sandbox.edit_issue(repo, number, "alice", state="closed")
    sandbox.edit_issue(repo, number, "alice", state="open")
    sandbox.push(repo, "feature", {"sql/daily.sql": "SELECT 2\n"}, author="alice")
    pr = sandbox.open_pr(repo, "alice", "feature", "Change daily")
    sandbox.edit_issue(repo, pr, "alice", body="more words")
    sandbox.add_label(repo, pr, "alice", "godwit")
    head = sandbox.push(repo, "feature", {"b.txt": "b\n"}, author="alice")
    sandbox.review(repo, pr, "bob", "CHANGES_REQUESTED", "no", [("b.txt", 1, "why?")])
    sandbox.review_comment(repo, pr, "bob", "sql/daily.sql", 1, "hm")
    sandbox.complete_check_suite(repo, head, "success", [("tests", "success", "ok")])
    sandbox.close_pr(repo, pr, "alice")
    sandbox.reopen(repo, pr, "alice")
    sandbox.merge(repo, pr, "alice")
    sandbox.change_installation_repos(world.installation_id, add=["other"])
    sandbox.change_installation_repos(world.installation_id, remove=["other"])
    sandbox.uninstall(world.installation_id)


def test_each_event_is_signed_and_parses(world: SandboxEnv, receiver: tuple[str, Received]) -> None:
    act_out_every_event(world)
    assert world.sandbox.webhooks.wait_idle()
    seen = set()
    for headers, body in receiver[1].requests:
        assert headers["user-agent"].startswith("GitHub-Hookshot/")
        assert webhooks.verify(world.app.webhook_secret, body, headers["x-hub-signature-256"])
        assert not webhooks.verify("another secret", body, headers["x-hub-signature-256"])
        event = webhooks.parse(headers["x-github-event"], body)
        action = getattr(event, "action", None)
        seen.add((headers["x-github-event"], action))
        installation = getattr(event, "installation", None)
        assert installation is not None
        assert installation.id == world.installation_id
    assert seen >= EXPECTED


def test_merged_pull_request_closes_with_merged_true(world: SandboxEnv) -> None:
    sandbox, repo = world.sandbox, "acme/jobs"
    sandbox.push(repo, "one", {"a.txt": "1\n"}, author="alice")
    sandbox.push(repo, "two", {"b.txt": "2\n"}, author="alice")
    merged_pr = sandbox.open_pr(repo, "alice", "one", "one")
    closed_pr = sandbox.open_pr(repo, "alice", "two", "two")
    sandbox.merge(repo, merged_pr, "alice")
    sandbox.close_pr(repo, closed_pr, "alice")
    assert sandbox.webhooks.wait_idle()
    closed = {
        d.payload["number"]: d.payload["pull_request"]["merged"]
        for d in sandbox.deliveries("pull_request")
        if d.action == "closed"
    }
    assert closed == {merged_pr: True, closed_pr: False}


def test_app_actions_send_webhooks_with_the_bot_as_sender(world: SandboxEnv) -> None:
    gh = world.client()
    issue = gh.rest.issues.create("acme", "jobs", data={"title": "From the app"}).parsed_data
    gh.rest.issues.create_comment("acme", "jobs", issue.number, data={"body": "Planned."})
    assert world.sandbox.webhooks.wait_idle()
    sent = [d for d in world.sandbox.deliveries() if d.event in ("issues", "issue_comment")]
    assert [(d.event, d.payload["sender"]["login"]) for d in sent] == [
        ("issues", "godwit[bot]"),
        ("issue_comment", "godwit[bot]"),
    ]
    comment = webhooks.parse("issue_comment", sent[1].body)
    assert comment.comment.performed_via_github_app is not None
    assert comment.comment.performed_via_github_app.slug == "godwit"


def test_events_of_uninstalled_repositories_are_not_sent(world: SandboxEnv) -> None:
    world.sandbox.open_issue("acme/other", "alice", "Not covered")
    world.sandbox.open_issue("acme/jobs", "alice", "Covered")
    assert world.sandbox.webhooks.wait_idle()
    titles = [d.payload["issue"]["title"] for d in world.sandbox.deliveries("issues")]
    assert titles == ["Covered"]


def test_redelivery_keeps_the_delivery_id(
    world: SandboxEnv, receiver: tuple[str, Received]
) -> None:
    receiver[1].status = 500
    world.sandbox.open_issue("acme/jobs", "alice", "Fails first")
    assert world.sandbox.webhooks.wait_idle()
    failed = world.sandbox.deliveries("issues")[0]
    assert failed.status_code == 500
    receiver[1].status = 200
    world.sandbox.redeliver(failed.id)
    assert world.sandbox.webhooks.wait_idle()
    attempts = [d for d in world.sandbox.deliveries() if d.id == failed.id]
    assert [(d.status_code, d.redelivery) for d in attempts] == [(500, False), (200, True)]
    delivered_ids = [h["x-github-delivery"] for h, _ in receiver[1].requests[-2:]]
    assert delivered_ids == [failed.id, failed.id]


def test_failed_deliveries_are_not_retried(
    world: SandboxEnv, receiver: tuple[str, Received]
) -> None:
    assert world.sandbox.webhooks.wait_idle()
    receiver[1].status = 503
    before = len(receiver[1].requests)
    world.sandbox.open_issue("acme/jobs", "alice", "Once")
    assert world.sandbox.webhooks.wait_idle()
    assert len(receiver[1].requests) == before + 1


def test_force_push_rewrites_the_branch_and_synchronizes_its_pull_request(
    world: SandboxEnv,
) -> None:
    sandbox, repo = world.sandbox, "acme/jobs"
    first = sandbox.push(repo, "fix", {"a.txt": "a\n"}, author="alice")
    number = sandbox.open_pr(repo, "alice", "fix", "Fix")
    rewritten = sandbox.push(repo, "fix", {"b.txt": "b\n"}, author="alice", onto="main")
    assert sandbox.webhooks.wait_idle()
    pushes = [d.payload for d in sandbox.deliveries("push") if d.payload["after"] == rewritten]
    assert [(p["before"], p["forced"]) for p in pushes] == [(first, True)]
    synced = [d.payload for d in sandbox.deliveries("pull_request") if d.action == "synchronize"]
    assert [(p["number"], p["before"], p["after"]) for p in synced] == [(number, first, rewritten)]
    gh = world.client()
    files = gh.rest.pulls.list_files("acme", "jobs", number).parsed_data
    assert [item.filename for item in files] == ["b.txt"]


def test_a_sandbox_can_be_served_again_and_still_delivers(
    world: SandboxEnv, receiver: tuple[str, Received]
) -> None:
    assert world.sandbox.webhooks.wait_idle()
    world.sandbox.webhooks.close()
    world.sandbox.open_issue("acme/jobs", "alice", "After a restart")
    assert world.sandbox.webhooks.wait_idle()
    assert webhooks.parse("issues", receiver[1].requests[-1][1]).action == "opened"
