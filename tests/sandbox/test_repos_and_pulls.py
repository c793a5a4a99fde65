"""Repository content, merges, permissions and checks as the app sees them over HTTP."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import httpx
import pytest
from githubkit.exception import RequestFailed

from bot.sandbox import Sandbox, serve
from tests.sandbox.conftest import SandboxEnv


def test_seeded_repositories_serve_tarballs_with_githubs_top_folder(tmp_path: Path) -> None:
    (tmp_path / "dbt-models" / "models").mkdir(parents=True)
    (tmp_path / "dbt-models" / "models" / "a.sql").write_text("select 1\n")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "run.sql").write_text("select 2\n")
    sandbox = Sandbox()
    sandbox.create_org("acme")
    repos = sandbox.seed_from_directory("acme", tmp_path)
    assert [repo.full_name for repo in repos] == ["acme/dbt-models", "acme/jobs"]
    app = sandbox.create_app("godwit")
    installation = sandbox.install(app.app_id, "acme")
    token = sandbox.tokens.issue(sandbox.state.installations[installation]).token
    with serve(sandbox) as server:
        answer = httpx.get(
            f"{server.api_url}repos/acme/dbt-models/tarball/main",
            headers={"authorization": f"token {token}"},
        )
    sha = sandbox.branch_sha("acme/dbt-models", "main") or ""
    with tarfile.open(fileobj=io.BytesIO(answer.content), mode="r:gz") as archive:
        member = archive.extractfile(f"acme-dbt-models-{sha[:7]}/models/a.sql")
        assert member is not None
        assert member.read() == b"select 1\n"


def test_directory_contents_list_files_and_folders(world: SandboxEnv) -> None:
    gh = world.client()
    listing = gh.rest.repos.get_content("acme", "jobs", "").parsed_data
    assert isinstance(listing, list)
    assert [(item.name, item.type) for item in listing] == [("README.md", "file"), ("sql", "dir")]
    folder = next(item for item in listing if item.name == "sql")
    tree = gh.rest.git.get_tree("acme", "jobs", folder.sha).parsed_data
    assert [item.path for item in tree.tree] == ["daily.sql", "weekly.sql"]


@pytest.mark.parametrize(
    ("method", "parents", "title"),
    [("merge", 2, "Merge pull request #1 from acme/fix"), ("squash", 1, "Fix daily (#1)")],
)
def test_merge_writes_a_real_commit_on_the_base(
    world: SandboxEnv, method: str, parents: int, title: str
) -> None:
    world.sandbox.push("acme/jobs", "fix", {"sql/daily.sql": "SELECT 2\n"}, author="alice")
    world.sandbox.push("acme/jobs", "main", {"README.md": "# new\n"}, author="bob")
    gh = world.client()
    gh.rest.pulls.create("acme", "jobs", data={"title": "Fix daily", "head": "fix", "base": "main"})
    merged = gh.rest.pulls.merge("acme", "jobs", 1, data={"merge_method": method}).parsed_data
    commit = gh.rest.git.get_commit("acme", "jobs", merged.sha or "").parsed_data
    assert len(commit.parents) == parents
    assert commit.message.splitlines()[0] == title
    assert world.sandbox.branch_sha("acme/jobs", "main") == merged.sha
    assert world.sandbox.read_file("acme/jobs", "main", "sql/daily.sql") == b"SELECT 2\n"
    assert world.sandbox.read_file("acme/jobs", "main", "README.md") == b"# new\n"
    assert gh.rest.pulls.get("acme", "jobs", 1).parsed_data.merged is True


def test_conflicting_pull_request_is_not_mergeable(world: SandboxEnv) -> None:
    world.sandbox.push("acme/jobs", "fix", {"sql/daily.sql": "SELECT 2\n"}, author="alice")
    world.sandbox.push("acme/jobs", "main", {"sql/daily.sql": "SELECT 3\n"}, author="bob")
    number = world.sandbox.open_pr("acme/jobs", "alice", "fix", "Fix")
    gh = world.client()
    pull = gh.rest.pulls.get("acme", "jobs", number).parsed_data
    assert (pull.mergeable, pull.mergeable_state) == (False, "dirty")
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.merge("acme", "jobs", number)
    assert failure.value.response.status_code == 405


def test_compare_reports_diverged_branches(world: SandboxEnv) -> None:
    world.sandbox.push("acme/jobs", "fix", {"a.txt": "a\n"}, author="alice")
    world.sandbox.push("acme/jobs", "main", {"b.txt": "b\n"}, author="bob")
    gh = world.client()
    comparison = gh.rest.repos.compare_commits("acme", "jobs", "main...fix").parsed_data
    assert (comparison.status, comparison.ahead_by, comparison.behind_by) == ("diverged", 1, 1)
    assert [f.filename for f in comparison.files or []] == ["a.txt"]


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        ("admin", "admin"),
        ("maintain", "write"),
        ("write", "write"),
        ("triage", "read"),
        ("read", "read"),
        ("none", "none"),
    ],
)
def test_collaborator_permission_levels(world: SandboxEnv, role: str, permission: str) -> None:
    world.sandbox.set_permission("acme/jobs", "bob", role)
    gh = world.client()
    answer = gh.rest.repos.get_collaborator_permission_level("acme", "jobs", "bob").parsed_data
    assert (answer.permission, answer.role_name) == (permission, role)


def test_app_without_contents_write_gets_403(world: SandboxEnv) -> None:
    world.sandbox.state.apps[world.app.app_id].permissions["contents"] = "read"
    gh = world.client()
    sha = world.sandbox.branch_sha("acme/jobs", "main") or ""
    with pytest.raises(RequestFailed) as failure:
        gh.rest.git.create_ref("acme", "jobs", data={"ref": "refs/heads/x", "sha": sha})
    assert failure.value.response.status_code == 403
    assert failure.value.response.json()["message"] == "Resource not accessible by integration"


def test_expired_installation_token_is_bad_credentials(world: SandboxEnv) -> None:
    world.sandbox.tokens.lifetime_s = 0
    token = world.sandbox.tokens.issue(world.sandbox.state.installations[world.installation_id])
    answer = httpx.get(
        f"{world.server.api_url}repos/acme/jobs", headers={"authorization": f"token {token.token}"}
    )
    assert answer.status_code == 401


def test_check_suite_names_the_pull_request_and_its_annotations(world: SandboxEnv) -> None:
    head = world.sandbox.push("acme/jobs", "fix", {"a.txt": "a\n"}, author="alice")
    number = world.sandbox.open_pr("acme/jobs", "alice", "fix", "Fix")
    runs = [("dbt build", "failure", "1 error", [("a.txt", 1, "failure", "bad column")])]
    world.sandbox.complete_check_suite("acme/jobs", head, "failure", runs)
    gh = world.client()
    suite = gh.rest.checks.list_suites_for_ref("acme", "jobs", "fix").parsed_data.check_suites[0]
    assert [pr.number for pr in suite.pull_requests or []] == [number]
    run = gh.rest.checks.list_for_ref("acme", "jobs", head).parsed_data.check_runs[0]
    notes = gh.rest.checks.list_annotations("acme", "jobs", run.id).parsed_data
    assert [(n.path, n.start_line, n.annotation_level, n.message) for n in notes] == [
        ("a.txt", 1, "failure", "bad column")
    ]


def test_deleting_the_head_branch_closes_its_pull_request(world: SandboxEnv) -> None:
    world.sandbox.push("acme/jobs", "fix", {"a.txt": "a\n"}, author="alice")
    number = world.sandbox.open_pr("acme/jobs", "alice", "fix", "Fix")
    gh = world.client()
    gh.rest.git.delete_ref("acme", "jobs", "heads/fix")
    assert world.sandbox.issue("acme/jobs", number).state == "closed"
    assert gh.rest.pulls.list("acme", "jobs", head="acme:fix").parsed_data == []


CODEOWNERS = "* @bob\n/sql/ @alice @carol\n/README.md\n"


@pytest.mark.parametrize(
    ("changed", "draft", "requested"),
    [
        # The last matching pattern wins, and carol has no access to the repository.
        ({"sql/daily.sql": "SELECT 2\n"}, False, ["alice"]),
        ({"sql/daily.sql": "SELECT 2\n"}, True, []),
        ({"docs/x.md": "x\n"}, False, ["bob"]),
        # A pattern without owners un-owns the file.
        ({"README.md": "# changed\n"}, False, []),
    ],
)
def test_opening_a_ready_pull_request_asks_the_code_owners_of_its_files(
    world: SandboxEnv, changed: dict[str, str], draft: bool, requested: list[str]
) -> None:
    sandbox = world.sandbox
    sandbox.create_user("carol")
    sandbox.set_permission("acme/jobs", "bob", "write")
    sandbox.push("acme/jobs", "main", {".github/CODEOWNERS": CODEOWNERS}, author="alice")
    sandbox.push("acme/jobs", "fix", changed, author="alice")
    gh = world.client()
    pull = gh.rest.pulls.create(
        "acme", "jobs", title="Fix", head="fix", base="main", draft=draft
    ).parsed_data
    assert [user.login for user in pull.requested_reviewers or []] == requested


def test_the_author_of_a_pull_request_is_not_asked_to_review_it(world: SandboxEnv) -> None:
    sandbox = world.sandbox
    sandbox.push("acme/jobs", "main", {"CODEOWNERS": "* @alice\n"}, author="alice")
    sandbox.push("acme/jobs", "fix", {"sql/daily.sql": "SELECT 2\n"}, author="alice")
    number = sandbox.open_pr("acme/jobs", "alice", "fix", "Fix")
    gh = world.client()
    pull = gh.rest.pulls.get("acme", "jobs", number).parsed_data
    assert pull.requested_reviewers == []


def test_code_owners_come_from_the_base_branch(world: SandboxEnv) -> None:
    world.sandbox.set_permission("acme/jobs", "bob", "write")
    world.sandbox.push("acme/jobs", "fix", {"CODEOWNERS": "* @bob\n"}, author="alice")
    gh = world.client()
    pull = gh.rest.pulls.create("acme", "jobs", title="Fix", head="fix", base="main").parsed_data
    assert pull.requested_reviewers == []
