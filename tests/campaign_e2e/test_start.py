"""``/migrate start``: one pull request per repository with changes, and never a second one."""

from __future__ import annotations

from bot.campaigns.meta import decode_meta
from bot.demo.world import LEAD
from bot.sandbox import FaultRule
from bot.spec import spec_hash
from tests.campaign_e2e.conftest import World

CHANGED = ("acme-bq-jobs", "acme-dbt-analytics", "acme-royalties", "acme-scio-pipelines")
BRANCH = "godwit/plays-v2"


def test_start_opens_one_labelled_reviewed_pull_request_per_repository(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate start")

    pulls = world.pulls()
    assert [(p.repo, p.state) for p in pulls] == [(f"acme/{r}", "open") for r in CHANGED]
    assert {p.repo: p.reviewers for p in pulls} == {
        "acme/acme-bq-jobs": ("bruno-jobs",),
        "acme/acme-dbt-analytics": ("alice-analytics",),
        "acme/acme-royalties": (),
        "acme/acme-scio-pipelines": ("chen-pipelines",),
    }
    bq = world.sandbox.issue("acme/acme-bq-jobs", pulls[0].number)
    assert sorted(label.name for label in bq.labels) == ["godwit", "godwit:plays-v2"]
    assert bq.pull is not None
    assert (bq.pull.head_ref, bq.pull.base_ref) == (BRANCH, "main")
    assert bq.title == "Move consumers of plays_v1 to plays_v2 [godwit:plays-v2]"
    meta = decode_meta(bq.body or "", keys=world.stack.settings.marker_keys())
    assert meta is not None
    assert (meta.campaign, meta.spec_hash, meta.issue) == (
        "plays-v2",
        spec_hash(world.spec),
        f"acme/data-platform#{number}",
    )
    assert meta.base_sha == world.sandbox.branch_sha("acme/acme-bq-jobs", "main")
    assert f"/acme/acme-bq-jobs/blob/{BRANCH}/" in (bq.body or "")  # guardrail links
    assert world.targets() == {
        **dict.fromkeys(CHANGED, "pr_open"),
        "acme-web-frontend": "no_changes",
        "data-platform": "no_changes",
    }
    dashboard = world.dashboard(number) or ""
    assert "is **running**" in dashboard
    assert "3 guardrails to resolve by hand; no reviewer" in dashboard  # acme-royalties


def test_code_owners_github_asked_already_are_not_asked_again(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate start")

    asked = [
        r.path.split("/")[3]
        for r in world.sandbox.requests.records()
        if r.method == "POST" and r.path.endswith("/requested_reviewers")
    ]
    # CODEOWNERS names the owners of bq-jobs and dbt-analytics, whom GitHub asks itself when
    # the PR opens; the scio pipelines' owner comes from the catalog, which GitHub does not read.
    assert asked == ["acme-scio-pipelines"]
    assert {p.repo: p.reviewers for p in world.pulls()}["acme/acme-scio-pipelines"] == (
        "chen-pipelines",
    )


def test_start_again_and_repeated_deliveries_open_nothing_more(world: World) -> None:
    number = world.open_campaign()
    world.command(number, "/migrate start")
    first = world.pulls()

    world.command(number, "/migrate start")
    [start, _] = world.deliveries("issue_comment", "created", by=LEAD)
    world.sandbox.redeliver(start.id)  # the same delivery id: Godwit answers "duplicate"
    world.settle()
    assert world.replay(start) == 202  # the same event under a new id runs again

    assert world.pulls() == first
    assert sum(1 for a in world.audit_actions() if a == "pull_request.created") == 4


def test_start_with_a_batch_opens_a_first_cohort_then_the_rest(world: World) -> None:
    number = world.open_campaign()

    world.command(number, "/migrate start --batch 2")

    assert [p.repo for p in world.pulls()] == ["acme/acme-bq-jobs", "acme/acme-dbt-analytics"]

    world.command(number, "/migrate start")

    assert [p.repo for p in world.pulls()] == [f"acme/{r}" for r in CHANGED]


def test_a_worker_dying_between_branch_and_pull_request_leaves_one_pull_request(
    world: World,
) -> None:
    number = world.open_campaign()
    # Creating the PR fails once, after the job has written the branch.
    world.sandbox.faults.add(
        FaultRule(kind="error", status=403, method="POST", path=r"/repos/acme/acme-bq-jobs/pulls$")
    )

    world.command(number, "/migrate start")

    assert world.sandbox.faults.injected  # the first attempt did fail
    pulls = [p for p in world.pulls() if p.repo == "acme/acme-bq-jobs"]
    assert len(pulls) == 1
    head = world.sandbox.branch_sha("acme/acme-bq-jobs", BRANCH)
    base = world.sandbox.branch_sha("acme/acme-bq-jobs", "main")
    commit = world.sandbox.state.repo_by_full_name("acme/acme-bq-jobs").objects.commit(head or "")
    assert list(commit.parents) == [base]  # the retry reused the branch: one commit on main
    assert world.audit_actions().count("branch.written") == 4  # one per repository, no rewrite
    assert world.targets()["acme-bq-jobs"] == "pr_open"


CONTENT_READS = ("/tarball/", "/git/blobs/", "/git/trees/", "/contents/")


def content_reads(world: World) -> list[str]:
    return [
        r.path
        for r in world.sandbox.requests.records()
        if r.method == "GET" and any(part in r.path for part in CONTENT_READS)
    ]


def test_pull_requests_are_built_from_the_files_discovery_read(world: World) -> None:
    number = world.open_campaign()
    # Discovery read each repository once, as a single tarball.
    reads = content_reads(world)
    assert all("/tarball/" in path for path in reads)
    assert len(reads) == len(set(reads)) == 6
    world.sandbox.requests.clear()

    world.command(number, "/migrate start")

    assert len(world.pulls()) == 4
    assert content_reads(world) == []


def test_a_default_branch_that_moved_after_discovery_is_read_again_and_planned_there(
    world: World,
) -> None:
    number = world.open_campaign()
    added = "jobs/weekly_top.sql"
    moved = world.sandbox.push(
        "acme/acme-bq-jobs",
        "main",
        {added: "SELECT user_id FROM `legacy-proj.music.plays_v1`\n"},
        author="bruno-jobs",
    )
    world.sandbox.requests.clear()

    world.command(number, "/migrate start")

    [bq] = [p for p in world.pulls() if p.repo == "acme/acme-bq-jobs"]
    assert world.sandbox.read_file("acme/acme-bq-jobs", BRANCH, added) == (
        b"SELECT user_id FROM `core-proj.music.plays_v2`\n"
    )
    meta = decode_meta(
        world.sandbox.issue("acme/acme-bq-jobs", bq.number).body or "",
        keys=world.stack.settings.marker_keys(),
    )
    assert meta is not None
    assert meta.base_sha == moved
    assert [path for path in content_reads(world) if "acme-bq-jobs" in path]
    assert not [path for path in content_reads(world) if "acme-dbt-analytics" in path]


def test_a_worker_dying_right_after_the_pull_request_adopts_it_on_the_retry(world: World) -> None:
    number = world.open_campaign()
    # Labelling fails once: the PR exists on GitHub, but the job's record of it was rolled back.
    world.sandbox.faults.add(
        FaultRule(
            kind="error",
            status=403,
            method="POST",
            path=r"/repos/acme/acme-bq-jobs/issues/\d+/labels$",
        )
    )

    world.command(number, "/migrate start")

    assert world.sandbox.faults.injected
    pulls = [p for p in world.pulls() if p.repo == "acme/acme-bq-jobs"]
    assert len(pulls) == 1
    labels = world.sandbox.issue("acme/acme-bq-jobs", pulls[0].number).labels
    assert sorted(label.name for label in labels) == ["godwit", "godwit:plays-v2"]
    # The first attempt's record was rolled back with it; the retry adopted its PR.
    assert world.audit_actions().count("pull_request.created") == 3
    assert world.audit_actions().count("pull_request.adopted") == 1
    assert world.targets()["acme-bq-jobs"] == "pr_open"


def test_a_consumer_in_ci_configuration_is_listed_in_the_pr_and_never_changed(
    world: World,
) -> None:
    workflow_sql = "SELECT user_id, track_uri\nFROM `legacy-proj.music.plays_v1`\n"
    world.sandbox.push(
        "acme/acme-bq-jobs",
        "main",
        {".github/workflows/x.sql": workflow_sql},
        author="bruno-jobs",
    )
    world.settle()
    number = world.open_campaign()

    [plan] = world.bot_comments(number)
    assert "#### Protected files: migrate by hand" in plan.body
    assert "acme/acme-bq-jobs: [`.github/workflows/x.sql`]" in plan.body
    world.command(number, "/migrate start")

    bq = next(p for p in world.pulls() if p.repo == "acme/acme-bq-jobs")
    pull = world.sandbox.issue("acme/acme-bq-jobs", bq.number)
    body = pull.body or ""
    assert "### Protected files: migrate by hand" in body
    assert "[`.github/workflows/x.sql`](" in body
    assert "[line 2](" in body
    assert "`` `legacy-proj.music.plays_v1` ``" in body
    head = world.sandbox.read_file("acme/acme-bq-jobs", BRANCH, ".github/workflows/x.sql")
    assert head.decode() == workflow_sql
    changed = world.sandbox.read_file(
        "acme/acme-bq-jobs", BRANCH, "jobs/daily_top_tracks/query.sql"
    )
    assert b"plays_v2" in changed


def _parity_cell(counts: dict[str, int]) -> str:
    if not sum(counts.values()):
        return "no rewritten statement"
    differs = counts["differs"]
    return (
        f"{counts['proven']} proven, {differs} differ{'s' if differs == 1 else ''} "
        f"(guardrailed), {counts['not checkable']} not checkable"
    )


def test_the_dashboard_shows_each_repositorys_parity_and_the_total(world: World) -> None:
    from bot.checkout import read_checkout
    from bot.demo.world import examples_dir
    from bot.engine.planner import plan_repository
    from bot.parity.outcome import Verdict

    expected: dict[str, dict[str, int]] = {}
    for name in CHANGED:
        plan = plan_repository(world.spec, read_checkout(examples_dir() / "repos" / name))
        expected[name] = {v.value: plan.parity_count(v) for v in Verdict}
    assert sum(c["proven"] for c in expected.values()) >= 8  # the examples do get proven
    number = world.open_campaign()

    planned = world.dashboard(number) or ""  # discovery's plans record the counts already
    world.command(number, "/migrate start")

    dashboard = world.dashboard(number) or ""
    for text in (planned, dashboard):
        rows = {
            line.split(" | ")[0].removeprefix("| "): line.rstrip(" |").rsplit(" | ", 1)[1]
            for line in text.splitlines()
            if line.startswith("| acme/")
        }
        for name, counts in expected.items():
            assert rows[f"acme/{name}"] == _parity_cell(counts), name
        assert rows["acme/acme-web-frontend"] == "no rewritten statement"
        total = {v: sum(c[v] for c in expected.values()) for v in expected[CHANGED[0]]}
        heading = "**Parity** (rewritten statements run old against new on synthetic data)"
        assert f"{heading}: {_parity_cell(total)}, over 6 repositories planned." in text
