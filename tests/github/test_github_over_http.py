"""Godwit's GitHub layer against the sandbox over HTTP: auth, reads, commits, retries, pacing."""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest

from bot.github.commits import BranchMovedError, branch_head, commit_changes
from bot.github.content import RepoTooLargeError, read_snapshot
from bot.github.metrics import counting_requests, endpoint_template
from bot.github.retry import RescheduleJob
from bot.sandbox import FaultRule, LimitConfig
from tests.github.conftest import ETL_FILES, INTERVAL, TEXT_FILES, World

BRANCH = "godwit/retire-acme-prod-sales-orders"
REWRITE = {
    "sql/daily_orders.sql": "SELECT order_id\nFROM `acme-prod.commerce.orders`\n",
    "sql/weekly.sql": None,
    "sql/NOTES.md": "Moved to acme-prod.commerce.orders.\n",
}


def main_sha(world: World) -> str:
    sha = world.sandbox.branch_sha("acme/etl", "main")
    assert sha is not None
    return sha


def commit_rewrite(world: World, expected_head: str | None = None, **changes: str | None) -> str:
    return commit_changes(
        world.app.installation_client(world.installation_id),
        "acme",
        "etl",
        branch=BRANCH,
        parent_sha=main_sha(world),
        changes=changes or REWRITE,
        message="Point consumers at acme-prod.commerce.orders",
        expected_head=expected_head,
    )


def test_installation_token_is_minted_once_and_reused(world: World) -> None:
    for _ in range(2):
        gh = world.app.installation_client(world.installation_id)
        assert gh.rest.repos.get("acme", "etl").parsed_data.full_name == "acme/etl"
    assert len(world.requests("POST", "/access_tokens")) == 1
    assert len(world.requests("GET", "/repos/acme/etl")) == 2


def test_app_client_authenticates_with_a_jwt(world: World) -> None:
    gh = world.app.app_client()
    installations = gh.rest.apps.list_installations().parsed_data
    assert [installation.id for installation in installations] == [world.installation_id]
    assert world.requests("POST", "/access_tokens") == []


def get_endpoints(world: World) -> list[str]:
    return [endpoint_template(r.path) for r in world.requests("GET")]


SNAPSHOT_START = [
    "/repos/{owner}/{repo}",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    "/repos/{owner}/{repo}/git/trees/{sha}",
]


def test_snapshot_of_a_small_repository_reads_blobs(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    snapshot = read_snapshot(gh, "acme", "etl")
    assert snapshot.commit_sha == main_sha(world)
    assert snapshot.files == TEXT_FILES
    # Five blobs: the binary one is read, then left out.
    assert get_endpoints(world) == [*SNAPSHOT_START, *["/repos/{owner}/{repo}/git/blobs/{sha}"] * 5]


def test_snapshot_of_a_large_repository_reads_one_tarball(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    snapshot = read_snapshot(gh, "acme", "etl", blob_request_limit=3)
    assert snapshot.commit_sha == main_sha(world)
    assert snapshot.files == TEXT_FILES
    assert get_endpoints(world) == [*SNAPSHOT_START, "/repos/{owner}/{repo}/tarball/{ref}"]


def test_snapshot_of_a_repository_of_known_moderate_size_is_one_tarball_request(
    world: World,
) -> None:
    gh = world.app.installation_client(world.installation_id)
    snapshot = read_snapshot(gh, "acme", "etl", "main", size_kb=12)
    assert snapshot.commit_sha == main_sha(world)
    assert snapshot.files == TEXT_FILES
    assert get_endpoints(world) == ["/repos/{owner}/{repo}/tarball/{ref}"]


def test_snapshot_of_a_repository_too_big_for_one_archive_reads_the_tree_first(
    world: World,
) -> None:
    gh = world.app.installation_client(world.installation_id)
    snapshot = read_snapshot(gh, "acme", "etl", "main", size_kb=10_000_000)
    assert snapshot.files == TEXT_FILES
    assert get_endpoints(world)[:2] == SNAPSHOT_START[1:]


def test_snapshot_of_wanted_files_keeps_oversized_ones_as_skipped(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    snapshot = read_snapshot(
        gh, "acme", "etl", "main", wanted=lambda path: path.endswith(".sql"), max_file_bytes=30
    )
    assert snapshot.files == {"sql/weekly.sql": "SELECT 1\n"}
    # Oversized files are still read, so the prefilter can see whether they name an old table.
    assert len([r for r in world.requests("GET") if "/git/blobs/" in r.path]) == 3
    assert [s.reason.value for s in snapshot.skipped] == ["too-large", "too-large"]
    assert all(s.path.endswith(".sql") and s.size > 30 for s in snapshot.skipped)


def test_commit_on_a_new_branch_is_verified_and_built_on_the_base(world: World) -> None:
    base = main_sha(world)
    sha = commit_rewrite(world)
    assert world.sandbox.branch_sha("acme/etl", BRANCH) == sha
    gh = world.app.installation_client(world.installation_id)
    commit = gh.rest.git.get_commit("acme", "etl", sha).parsed_data
    assert [parent.sha for parent in commit.parents] == [base]
    assert commit.verification is not None
    assert commit.verification.verified is True
    assert commit.author.name == "godwit[bot]"
    expected = {**TEXT_FILES, **REWRITE}
    del expected["sql/weekly.sql"]
    assert read_snapshot(gh, "acme", "etl", BRANCH).files == expected
    assert world.sandbox.branch_sha("acme/etl", "main") == base


def test_second_commit_fast_forwards_the_branch(world: World) -> None:
    first = commit_rewrite(world)
    gh = world.app.installation_client(world.installation_id)
    second = commit_changes(
        gh,
        "acme",
        "etl",
        branch=BRANCH,
        parent_sha=first,
        changes={"sql/NOTES.md": "Moved.\n"},
        message="Shorter note",
        expected_head=first,
    )
    commit = gh.rest.git.get_commit("acme", "etl", second).parsed_data
    assert [parent.sha for parent in commit.parents] == [first]
    assert world.sandbox.read_file("acme/etl", BRANCH, "sql/NOTES.md") == b"Moved.\n"


def test_a_branch_a_person_pushed_to_is_never_moved(world: World) -> None:
    ours = commit_rewrite(world)
    theirs = world.sandbox.push(
        "acme/etl", BRANCH, {"sql/weekly.sql": "SELECT 2\n"}, author="alice", message="Keep weekly"
    )
    mutations_before = len(world.requests("POST"))
    with pytest.raises(BranchMovedError) as raised:
        commit_rewrite(world, expected_head=ours)
    assert (raised.value.expected, raised.value.actual) == (ours, theirs)
    assert world.sandbox.branch_sha("acme/etl", BRANCH) == theirs
    assert len(world.requests("POST")) == mutations_before


def test_an_existing_branch_is_not_taken_over(world: World) -> None:
    theirs = world.sandbox.push("acme/etl", BRANCH, {"x.sql": "SELECT 3\n"}, author="alice")
    with pytest.raises(BranchMovedError):
        commit_rewrite(world)
    gh = world.app.installation_client(world.installation_id)
    assert branch_head(gh, "acme", "etl", BRANCH) == theirs


@pytest.mark.parametrize(
    "fault",
    [
        FaultRule("error", status=502, count=2, method="POST", path="/git/trees$"),
        FaultRule("secondary_no_retry_after", count=2, method="POST", path="/git/commits$"),
        FaultRule("secondary", retry_after=0, method="POST", path="/git/refs$"),
        FaultRule("too_many", retry_after=0, method="GET", path="/git/commits/"),
        FaultRule("error", status=503, method="POST", path="/access_tokens$"),
    ],
    ids=["5xx", "secondary without retry-after", "secondary", "429", "5xx minting a token"],
)
def test_faults_are_retried_and_nothing_is_created_twice(world: World, fault: FaultRule) -> None:
    world.sandbox.faults.add(fault)
    sha = commit_rewrite(world)
    assert world.sandbox.faults.injected[fault.kind] >= 1
    assert world.sandbox.branch_sha("acme/etl", BRANCH) == sha
    created = [r for r in world.requests("POST") if r.status == 201]
    assert sorted(r.path.rsplit("/", 1)[-1] for r in created) == [
        "access_tokens",
        "commits",
        "refs",
        "trees",
    ]


def test_a_long_secondary_limit_hands_the_job_back(world: World) -> None:
    world.sandbox.faults.add(FaultRule("secondary", retry_after=600, method="POST"))
    with pytest.raises(RescheduleJob) as raised:
        commit_rewrite(world)
    assert raised.value.after_seconds == 600
    assert world.sandbox.branch_sha("acme/etl", BRANCH) is None


def mutation_times(world: World) -> list[float]:
    return sorted(
        r.timestamp
        for r in world.requests()
        if r.method in {"POST", "PATCH", "PUT", "DELETE"} and not r.path.endswith("/access_tokens")
    )


def test_mutations_of_concurrent_jobs_take_turns(world: World) -> None:
    world.sandbox.limits.configure(LimitConfig(enabled=True, min_mutation_interval_s=INTERVAL))
    gh = world.app.installation_client(world.installation_id)
    gh.rest.repos.get("acme", "etl")  # mint the token before the race
    base = main_sha(world)

    def job(number: int) -> None:
        commit_changes(
            world.app.installation_client(world.installation_id),
            "acme",
            "etl",
            branch=f"godwit/job-{number}",
            parent_sha=base,
            changes={f"sql/job_{number}.sql": f"SELECT {number}\n"},
            message=f"Job {number}",
            expected_head=None,
        )

    threads = [threading.Thread(target=job, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = mutation_times(world)
    assert len(times) == 9
    assert min(b - a for a, b in itertools.pairwise(times)) >= INTERVAL
    assert world.sandbox.limits.counters.close_mutations == 0


def test_async_requests_are_counted_and_paced_too(world: World) -> None:
    world.sandbox.limits.configure(LimitConfig(enabled=True, min_mutation_interval_s=INTERVAL))
    gh = world.app.installation_client(world.installation_id)
    gh.rest.repos.get("acme", "etl")  # mint the token before the race

    async def create_blob(number: int) -> str:
        created = await gh.rest.git.async_create_blob(
            "acme", "etl", content=f"SELECT {number}\n", encoding="utf-8"
        )
        return created.parsed_data.sha

    async def create_blobs() -> list[str]:
        return await asyncio.gather(*(create_blob(n) for n in range(4)))

    with counting_requests() as counts:
        shas = asyncio.run(create_blobs())
    assert len(set(shas)) == 4
    assert counts.by_endpoint == {("POST", "/repos/{owner}/{repo}/git/blobs"): 4}
    times = mutation_times(world)
    assert len(times) == 4
    assert min(b - a for a, b in itertools.pairwise(times)) >= INTERVAL
    assert world.sandbox.limits.counters.close_mutations == 0


def test_without_pacing_the_sandbox_sees_mutations_too_close(world: World) -> None:
    """The control for the test above: the sandbox does notice unpaced mutations."""
    world.sandbox.limits.configure(LimitConfig(enabled=True, min_mutation_interval_s=INTERVAL))
    world.app.mutation_interval = 0.0
    commit_rewrite(world)
    assert world.sandbox.limits.counters.close_mutations >= 1


def test_request_counts_match_what_github_saw(world: World) -> None:
    with counting_requests() as counts:
        commit_rewrite(world)
    assert counts.total == len(world.requests())
    assert counts.by_endpoint == {
        ("POST", "/app/installations/{id}/access_tokens"): 1,
        # A new branch is not looked up first: creating it fails if it exists.
        ("GET", "/repos/{owner}/{repo}/git/commits/{sha}"): 1,
        ("POST", "/repos/{owner}/{repo}/git/trees"): 1,
        ("POST", "/repos/{owner}/{repo}/git/commits"): 1,
        ("POST", "/repos/{owner}/{repo}/git/refs"): 1,
    }
    assert counts.mutations == 4


@pytest.mark.parametrize("size_kb", [None, 12], ids=["tree-and-blobs", "tarball"])
def test_an_executable_file_stays_executable_through_snapshot_and_commit(
    world: World, size_kb: int | None
) -> None:
    gh = world.app.installation_client(world.installation_id)
    script = "sql/run.sh"
    created = commit_changes(
        gh,
        "acme",
        "etl",
        branch="scripts",
        parent_sha=main_sha(world),
        changes={script: "bq query < sql/weekly.sql\n"},
        message="Add the runner",
        expected_head=None,
        executables={script},
    )
    snapshot = read_snapshot(
        gh, "acme", "etl", created if size_kb is None else "scripts", size_kb=size_kb
    )
    assert snapshot.executables == frozenset({script})

    rewritten = commit_changes(
        gh,
        "acme",
        "etl",
        branch="scripts",
        parent_sha=created,
        changes={script: "bq query < sql/daily_orders.sql\n", "sql/weekly.sql": "SELECT 2\n"},
        message="Run the daily query",
        expected_head=created,
        executables=snapshot.executables,
    )
    tree = gh.rest.git.get_tree("acme", "etl", rewritten, recursive="1").parsed_data
    modes = {entry.path: entry.mode for entry in tree.tree}
    assert (modes[script], modes["sql/weekly.sql"]) == ("100755", "100644")


def test_a_repository_over_the_read_cap_is_refused_from_its_tarball(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)

    with pytest.raises(RepoTooLargeError) as refused:
        read_snapshot(gh, "acme", "etl", "main", size_kb=12, max_total_bytes=40)

    assert str(refused.value).startswith("too large to read: at least ")
    assert "> limit 40 bytes (GODWIT_MAX_REPO_BYTES)" in str(refused.value)
    assert get_endpoints(world) == ["/repos/{owner}/{repo}/tarball/{ref}"]


def test_a_repository_over_the_read_cap_is_refused_from_its_tree_before_any_download(
    world: World,
) -> None:
    gh = world.app.installation_client(world.installation_id)
    listed = sum(len(text.encode()) for text in ETL_FILES.values() if isinstance(text, str)) + len(
        ETL_FILES["assets/logo.png"]
    )

    with pytest.raises(RepoTooLargeError) as refused:
        read_snapshot(gh, "acme", "etl", max_total_bytes=40)

    assert str(refused.value) == (
        f"too large to read: {listed:,} bytes of text > limit 40 bytes (GODWIT_MAX_REPO_BYTES)"
    )
    assert get_endpoints(world) == SNAPSHOT_START  # no blob, no tarball


def test_a_repository_within_the_read_cap_streams_its_tarball_whole(world: World) -> None:
    gh = world.app.installation_client(world.installation_id)
    total = sum(len(text.encode()) for text in TEXT_FILES.values()) + len(
        ETL_FILES["assets/logo.png"]
    )

    snapshot = read_snapshot(gh, "acme", "etl", "main", size_kb=12, max_total_bytes=total)

    assert snapshot.files == TEXT_FILES
