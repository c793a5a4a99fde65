"""Every endpoint the sandbox serves, called through githubkit over HTTP; each body must parse.

githubkit validates ``parsed_data`` against GitHub's schema, so a missing or mistyped field
anywhere fails here, before Godwit's client layer ever sees it.
"""

from __future__ import annotations

import io
import json
import tarfile

import httpx
from githubkit import GitHub

from tests.sandbox.conftest import SandboxEnv


def test_every_endpoint_parses_with_githubkit(world: SandboxEnv) -> None:
    sandbox, org, repo = world.sandbox, "acme", "jobs"
    app_gh = world.app_client()
    assert app_gh.rest.apps.get_authenticated().parsed_data.slug == "godwit"
    installations = app_gh.rest.apps.list_installations().parsed_data
    assert [i.id for i in installations] == [world.installation_id]
    one = app_gh.rest.apps.get_installation(world.installation_id).parsed_data
    assert one.repository_selection == "selected"
    token = app_gh.rest.apps.create_installation_access_token(world.installation_id).parsed_data
    assert token.token.startswith("ghs_")
    repo_installation = app_gh.rest.apps.get_repo_installation(org, repo).parsed_data
    assert repo_installation.id == world.installation_id
    assert app_gh.rest.apps.get_org_installation(org).parsed_data.account is not None

    gh = world.client()
    listed = gh.rest.apps.list_repos_accessible_to_installation().parsed_data
    assert [r.full_name for r in listed.repositories] == ["acme/jobs"]
    assert gh.rest.repos.get(org, repo).parsed_data.default_branch == "main"
    main_sha = gh.rest.repos.get_branch(org, repo, "main").parsed_data.commit.sha
    ref = gh.rest.git.get_ref(org, repo, "heads/main").parsed_data
    assert ref.object_.sha == main_sha
    assert [r.ref for r in gh.rest.git.list_matching_refs(org, repo, "heads/").parsed_data] == [
        "refs/heads/main"
    ]
    base = gh.rest.git.get_commit(org, repo, main_sha).parsed_data
    tree = gh.rest.git.get_tree(org, repo, base.tree.sha, recursive="1").parsed_data
    assert sorted(item.path for item in tree.tree if item.type == "blob") == [
        "README.md",
        "sql/daily.sql",
        "sql/weekly.sql",
    ]
    blob = gh.rest.git.create_blob(org, repo, data={"content": "bmV3Cg==", "encoding": "base64"})
    assert gh.rest.git.get_blob(org, repo, blob.parsed_data.sha).parsed_data.size == 4
    new_tree = gh.rest.git.create_tree(
        org,
        repo,
        data={
            "base_tree": base.tree.sha,
            "tree": [
                {
                    "path": "sql/daily.sql",
                    "mode": "100644",
                    "type": "blob",
                    "content": "SELECT 2\n",
                },
                {"path": "sql/weekly.sql", "mode": "100644", "type": "blob", "sha": None},
                {"path": "new.txt", "mode": "100644", "type": "blob", "sha": blob.parsed_data.sha},
            ],
        },
    ).parsed_data
    commit = gh.rest.git.create_commit(
        org, repo, data={"message": "Migrate", "tree": new_tree.sha, "parents": [main_sha]}
    ).parsed_data
    assert commit.verification.verified is True
    created = gh.rest.git.create_ref(
        org, repo, data={"ref": "refs/heads/godwit/x", "sha": main_sha}
    ).parsed_data
    assert created.ref == "refs/heads/godwit/x"
    moved = gh.rest.git.update_ref(org, repo, "heads/godwit/x", data={"sha": commit.sha})
    assert moved.parsed_data.object_.sha == commit.sha
    assert gh.rest.repos.get_commit(org, repo, commit.sha).parsed_data.files is not None
    comparison = gh.rest.repos.compare_commits(org, repo, f"main...{commit.sha}").parsed_data
    assert (comparison.status, comparison.ahead_by) == ("ahead", 1)
    archive = gh.rest.repos.download_tarball_archive(org, repo, "main")
    with tarfile.open(fileobj=io.BytesIO(archive.content), mode="r:gz") as tar:
        assert f"acme-jobs-{main_sha[:7]}/sql/daily.sql" in tar.getnames()
    content = gh.rest.repos.get_content(org, repo, "sql/daily.sql", ref="main").parsed_data
    assert not isinstance(content, list)

    pull = gh.rest.pulls.create(
        org, repo, data={"title": "Migrate", "head": "godwit/x", "base": "main", "body": "b"}
    ).parsed_data
    assert pull.changed_files == 3
    listed_pulls = gh.rest.pulls.list(org, repo, head="acme:godwit/x").parsed_data
    assert [p.number for p in listed_pulls] == [pull.number]
    assert gh.rest.pulls.get(org, repo, pull.number).parsed_data.mergeable is True
    updated = gh.rest.pulls.update(org, repo, pull.number, data={"body": "new body"})
    assert updated.parsed_data.body == "new body"
    files = gh.rest.pulls.list_files(org, repo, pull.number).parsed_data
    assert {f.filename: f.status for f in files} == {
        "new.txt": "added",
        "sql/daily.sql": "modified",
        "sql/weekly.sql": "removed",
    }
    assert len(gh.rest.pulls.list_commits(org, repo, pull.number).parsed_data) == 1
    review = gh.rest.pulls.create_review(
        org,
        repo,
        pull.number,
        data={
            "event": "COMMENT",
            "body": "notes",
            "comments": [{"path": "sql/daily.sql", "line": 1, "body": "check this"}],
        },
    ).parsed_data
    assert review.state == "COMMENTED"
    assert len(gh.rest.pulls.list_reviews(org, repo, pull.number).parsed_data) == 1
    comments = gh.rest.pulls.list_review_comments(org, repo, pull.number).parsed_data
    reply = gh.rest.pulls.create_reply_for_review_comment(
        org, repo, pull.number, comments[0].id, data={"body": "done"}
    ).parsed_data
    assert reply.in_reply_to_id == comments[0].id
    requested_on = gh.rest.pulls.request_reviewers(
        org, repo, pull.number, data={"reviewers": ["alice"]}
    ).parsed_data
    assert [u.login for u in requested_on.requested_reviewers or []] == ["alice"]
    inline = gh.rest.pulls.create_review_comment(
        org,
        repo,
        pull.number,
        data={"body": "and here", "path": "new.txt", "line": 1, "commit_id": commit.sha},
    ).parsed_data
    assert (inline.path, inline.line) == ("new.txt", 1)
    liked = gh.rest.reactions.create_for_pull_request_review_comment(
        org, repo, inline.id, content="+1"
    )
    again = gh.rest.reactions.create_for_pull_request_review_comment(
        org, repo, inline.id, content="+1"
    )
    assert (liked.status_code, again.status_code) == (201, 200)
    assert liked.parsed_data.id == again.parsed_data.id
    assert liked.parsed_data.user is not None
    assert liked.parsed_data.user.login == "godwit[bot]"
    relisted = gh.rest.pulls.list_review_comments(org, repo, pull.number).parsed_data
    rollup = next(c for c in relisted if c.id == inline.id).reactions
    assert rollup is not None
    assert (rollup.total_count, rollup.plus_one) == (1, 1)
    requested = gh.rest.pulls.list_requested_reviewers(org, repo, pull.number).parsed_data
    assert [u.login for u in requested.users] == ["alice"]

    issue = gh.rest.issues.create(
        org, repo, data={"title": "Retire legacy.events", "labels": ["migration"]}
    ).parsed_data
    assert issue.number == pull.number + 1
    listed_issues = gh.rest.issues.list_for_repo(org, repo, labels="migration").parsed_data
    assert [i.number for i in listed_issues] == [issue.number]
    assert gh.rest.issues.get(org, repo, pull.number).parsed_data.pull_request is not None
    closed = gh.rest.issues.update(
        org, repo, issue.number, data={"state": "closed", "state_reason": "not_planned"}
    ).parsed_data
    assert closed.state_reason == "not_planned"
    comment = gh.rest.issues.create_comment(org, repo, pull.number, data={"body": "hi"})
    comment_id = comment.parsed_data.id
    assert len(gh.rest.issues.list_comments(org, repo, pull.number).parsed_data) == 1
    assert gh.rest.issues.get_comment(org, repo, comment_id).parsed_data.body == "hi"
    edited = gh.rest.issues.update_comment(org, repo, comment_id, data={"body": "hello"})
    assert edited.parsed_data.body == "hello"
    reaction = gh.rest.reactions.create_for_issue_comment(
        org, repo, comment_id, data={"content": "eyes"}
    ).parsed_data
    assert reaction.content == "eyes"
    on_issue = gh.rest.reactions.create_for_issue(org, repo, issue.number, data={"content": "+1"})
    assert on_issue.parsed_data.content == "+1"
    gh.rest.issues.delete_comment(org, repo, comment_id)
    added = gh.rest.issues.add_labels(org, repo, pull.number, data={"labels": ["godwit"]})
    assert [label.name for label in added.parsed_data] == ["godwit"]
    assert len(gh.rest.issues.list_labels_on_issue(org, repo, pull.number).parsed_data) == 1
    assert gh.rest.issues.remove_label(org, repo, pull.number, "godwit").parsed_data == []
    label = gh.rest.issues.create_label(org, repo, data={"name": "blocked", "color": "d73a4a"})
    assert label.parsed_data.name == "blocked"
    names = {label.name for label in gh.rest.issues.list_labels_for_repo(org, repo).parsed_data}
    assert names == {"migration", "godwit", "blocked"}
    assert gh.rest.issues.get_label(org, repo, "blocked").parsed_data.color == "d73a4a"

    permission = gh.rest.repos.get_collaborator_permission_level(org, repo, "alice").parsed_data
    assert (permission.permission, permission.role_name) == ("write", "write")
    sandbox.create_team(org, "data-eng", ["alice", "bob"])
    members = gh.rest.teams.list_members_in_org(org, "data-eng").parsed_data
    assert [member.login for member in members] == ["alice", "bob"]

    sandbox.complete_check_suite(
        "acme/jobs", commit.sha, "failure", [("dbt build", "failure", "1 error")]
    )
    suites = gh.rest.checks.list_suites_for_ref(org, repo, commit.sha).parsed_data
    assert suites.check_suites[0].conclusion == "failure"
    runs = gh.rest.checks.list_for_ref(org, repo, commit.sha).parsed_data
    run = gh.rest.checks.get(org, repo, runs.check_runs[0].id).parsed_data
    assert run.name == "dbt build"
    assert gh.rest.checks.list_annotations(org, repo, run.id).parsed_data == []

    merged = gh.rest.pulls.merge(org, repo, pull.number, data={"merge_method": "squash"})
    assert merged.parsed_data.merged is True
    gh.rest.git.delete_ref(org, repo, "heads/godwit/x")
    assert gh.rest.rate_limit.get().parsed_data.resources.core.limit == 5000

    manifest = {"name": "other-app", "url": "http://x", "redirect_url": "http://back/here"}
    answer = httpx.post(
        f"{world.server.url}/settings/apps/new", data={"manifest": json.dumps(manifest)}
    )
    assert answer.status_code == 302
    code = httpx.URL(answer.headers["location"]).params["code"]
    anonymous = GitHub(base_url=world.server.api_url)
    converted = anonymous.rest.apps.create_from_manifest(code).parsed_data
    assert converted.slug == "other-app"
    assert "PRIVATE KEY" in converted.pem
