"""Git ids, auth, GitHub's error answers, faults and secondary limits, over real HTTP."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import jwt
import pytest
from githubkit import AppAuthStrategy, GitHub
from githubkit.exception import RequestFailed

from bot.sandbox import FaultRule, LimitConfig
from bot.sandbox.auth import generate_key_pair
from bot.sandbox.limits import SECONDARY_LIMIT_MESSAGE
from tests.sandbox.conftest import FILES, SandboxEnv


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_tree_and_blob_ids_equal_gits(world: SandboxEnv, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    for path, content in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(content)
    git(tmp_path, "add", ".")
    repo = world.sandbox.state.repo("acme", "jobs")
    tree = repo.objects.commit(repo.branch_sha("main") or "").tree
    assert tree == git(tmp_path, "write-tree")
    blob = repo.objects.flatten(tree)["sql/daily.sql"].sha
    assert blob == git(tmp_path, "hash-object", "sql/daily.sql")


def test_commit_ids_equal_gits(world: SandboxEnv, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("a\n")
    git(tmp_path, "add", ".")
    tree = git(tmp_path, "write-tree")
    gh = world.client()
    blob = gh.rest.git.create_blob("acme", "jobs", data={"content": "a\n"}).parsed_data
    made = gh.rest.git.create_tree(
        "acme", "jobs", data={"tree": [{"path": "a.txt", "mode": "100644", "sha": blob.sha}]}
    ).parsed_data
    assert made.sha == tree
    person = {"name": "Ann", "email": "ann@example.com", "date": "2026-01-02T03:04:05Z"}
    commit = gh.rest.git.create_commit(
        "acme",
        "jobs",
        data={"message": "m\n", "tree": tree, "parents": [], "author": person},
    ).parsed_data
    env = {
        "GIT_AUTHOR_NAME": "Ann",
        "GIT_AUTHOR_EMAIL": "ann@example.com",
        "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.com",
        "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
        "PATH": "/usr/bin:/bin",
    }
    expected = subprocess.run(
        ["git", "commit-tree", tree, "-m", "m"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert commit.sha == expected
    assert commit.verification.verified is False


def test_jwt_signed_with_another_key_is_rejected(world: SandboxEnv) -> None:
    other_key, _ = generate_key_pair()
    with (
        GitHub(
            AppAuthStrategy(str(world.app.app_id), other_key), base_url=world.server.api_url
        ) as gh,
        pytest.raises(RequestFailed) as failure,
    ):
        gh.rest.apps.get_authenticated()
    assert failure.value.response.status_code == 401


def test_expired_jwt_is_rejected(world: SandboxEnv) -> None:
    token = jwt.encode(
        {"iss": str(world.app.app_id), "iat": 1_000_000, "exp": 1_000_600},
        world.app.private_key_pem,
        algorithm="RS256",
    )
    answer = httpx.get(f"{world.server.api_url}app", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 401


def test_jwt_expiring_more_than_ten_minutes_ahead_is_rejected(world: SandboxEnv) -> None:
    issued = int(time.time()) - 60
    token = jwt.encode(
        {"iss": str(world.app.app_id), "iat": issued, "exp": issued + 3600},
        world.app.private_key_pem,
        algorithm="RS256",
    )
    answer = httpx.get(f"{world.server.api_url}app", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 401


def test_installation_token_sees_only_its_repositories(world: SandboxEnv) -> None:
    gh = world.client()
    assert gh.rest.repos.get("acme", "jobs").status_code == 200
    with pytest.raises(RequestFailed) as failure:
        gh.rest.repos.get("acme", "other")
    assert failure.value.response.status_code == 404
    bad = httpx.get(
        f"{world.server.api_url}repos/acme/jobs", headers={"authorization": "token ghs_nope"}
    )
    assert (bad.status_code, bad.json()["message"]) == (401, "Bad credentials")


def test_duplicate_pull_request_is_422(world: SandboxEnv) -> None:
    world.sandbox.push("acme/jobs", "fix", {"a.txt": "a\n"}, author="alice")
    gh = world.client()
    gh.rest.pulls.create("acme", "jobs", data={"title": "t", "head": "fix", "base": "main"})
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.create("acme", "jobs", data={"title": "t", "head": "fix", "base": "main"})
    body = failure.value.response.json()
    assert failure.value.response.status_code == 422
    assert body["errors"][0]["message"] == "A pull request already exists for acme:fix."


def test_non_fast_forward_ref_update_needs_force(world: SandboxEnv) -> None:
    first = world.sandbox.push("acme/jobs", "fix", {"a.txt": "a\n"}, author="alice")
    main = world.sandbox.branch_sha("acme/jobs", "main")
    gh = world.client()
    with pytest.raises(RequestFailed) as failure:
        gh.rest.git.update_ref("acme", "jobs", "heads/fix", data={"sha": main or ""})
    assert failure.value.response.json()["message"] == "Update is not a fast forward"
    gh.rest.git.update_ref("acme", "jobs", "heads/fix", data={"sha": main or "", "force": True})
    assert world.sandbox.branch_sha("acme/jobs", "fix") == main != first


def test_empty_repository_is_409(world: SandboxEnv) -> None:
    world.sandbox.create_repo("acme", "empty")
    world.sandbox.change_installation_repos(world.installation_id, add=["empty"])
    gh = world.client()
    with pytest.raises(RequestFailed) as failure:
        gh.rest.repos.get_commit("acme", "empty", "main")
    assert failure.value.response.json()["message"] == "Git Repository is empty."


def test_injected_faults_answer_like_github(world: SandboxEnv) -> None:
    gh = world.client()
    gh.rest.repos.get("acme", "jobs")
    world.sandbox.faults.add(FaultRule("error", status=502, count=1, method="GET"))
    world.sandbox.faults.add(FaultRule("secondary", count=1, retry_after=7, method="GET"))
    url = f"{world.server.api_url}repos/acme/jobs"
    token = world.sandbox.tokens.issue(world.sandbox.state.installations[world.installation_id])
    headers = {"authorization": f"token {token.token}"}
    first, second, third = (httpx.get(url, headers=headers) for _ in range(3))
    assert first.status_code == 502
    assert (second.status_code, second.headers["retry-after"]) == (403, "7")
    assert second.json()["message"] == SECONDARY_LIMIT_MESSAGE
    assert third.status_code == 200


def test_content_creation_limit_is_enforced_and_counted(world: SandboxEnv) -> None:
    world.sandbox.limits.configure(LimitConfig(enabled=True, content_per_minute=3))
    token = world.sandbox.tokens.issue(world.sandbox.state.installations[world.installation_id])
    headers = {"authorization": f"token {token.token}"}
    url = f"{world.server.api_url}repos/acme/jobs/issues"
    answers = [httpx.post(url, json={"title": f"issue {n}"}, headers=headers) for n in range(5)]
    assert [a.status_code for a in answers] == [201, 201, 201, 403, 403]
    assert answers[3].headers["retry-after"] == "60"
    assert world.sandbox.limits.counters.violations["content_per_minute"] == 2
    logged = [r.status for r in world.sandbox.requests.records() if r.method == "POST"]
    assert logged == [201, 201, 201, 403, 403]
