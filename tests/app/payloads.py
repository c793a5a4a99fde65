"""Webhook payloads shaped like GitHub's, complete enough for githubkit's typed parse.

Builders share the pieces GitHub repeats everywhere (users, repositories,
installations) so each event stays short and realistic.
"""

from __future__ import annotations

from typing import Any

API = "https://api.github.com"
WEB = "https://github.com"
CREATED = "2026-03-02T09:14:11Z"

Json = dict[str, Any]


def user(login: str = "dana-ops", id: int = 5210331, kind: str = "User") -> Json:
    api = f"{API}/users/{login}"
    return {
        "login": login,
        "id": id,
        "node_id": f"U_kgDOAE{id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": kind,
        "site_admin": False,
    }


ORG = user("acme-data", 88120455, "Organization")
BOT = user("godwit[bot]", 149210873, "Bot")

_REPO_URL_TEMPLATES = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def repository(full_name: str = "acme-data/warehouse-jobs", id: int = 702115538) -> Json:
    owner = ORG if full_name.startswith("acme-data/") else user(full_name.split("/")[0])
    api = f"{API}/repos/{full_name}"
    return {
        "id": id,
        "node_id": f"R_kgDOKd{id}",
        "name": full_name.split("/")[1],
        "full_name": full_name,
        "private": True,
        "owner": owner,
        "html_url": f"{WEB}/{full_name}",
        "description": "Scheduled BigQuery jobs and dbt models for the warehouse",
        "fork": False,
        "url": api,
        **{key: api + suffix for key, suffix in _REPO_URL_TEMPLATES.items()},
        "git_url": f"git://github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "clone_url": f"{WEB}/{full_name}.git",
        "svn_url": f"{WEB}/{full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "license": None,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 3,
        "watchers": 3,
        "watchers_count": 3,
        "size": 1834,
        "default_branch": "main",
        "open_issues": 2,
        "open_issues_count": 2,
        "has_issues": True,
        "has_projects": False,
        "has_downloads": True,
        "has_wiki": False,
        "has_pages": False,
        "archived": False,
        "disabled": False,
        "visibility": "private",
        "topics": [],
        "pushed_at": "2026-03-02T08:55:40Z",
        "created_at": "2023-10-05T12:01:09Z",
        "updated_at": "2026-03-01T17:20:03Z",
    }


def installation(
    id: int = 48112233, *, updated_at: str = CREATED, suspended_at: str | None = None
) -> Json:
    return {
        "id": id,
        "account": ORG,
        "repository_selection": "selected",
        "access_tokens_url": f"{API}/app/installations/{id}/access_tokens",
        "repositories_url": f"{API}/installation/repositories",
        "html_url": f"{WEB}/organizations/acme-data/settings/installations/{id}",
        "app_id": 912233,
        "app_slug": "godwit",
        "target_id": ORG["id"],
        "target_type": "Organization",
        "permissions": {
            "checks": "read",
            "contents": "write",
            "issues": "write",
            "metadata": "read",
            "pull_requests": "write",
        },
        "events": ["check_suite", "issue_comment", "issues", "pull_request", "push"],
        "created_at": CREATED,
        "updated_at": updated_at,
        "single_file_name": None,
        "suspended_by": user() if suspended_at else None,
        "suspended_at": suspended_at,
    }


def short_repository(full_name: str, id: int) -> Json:
    return {
        "id": id,
        "node_id": f"R_kgDOKd{id}",
        "name": full_name.split("/")[1],
        "full_name": full_name,
        "private": True,
    }


def installation_event(
    action: str,
    id: int = 48112233,
    *,
    updated_at: str = CREATED,
    repositories: list[tuple[str, int]] = (),  # type: ignore[assignment]
) -> Json:
    suspended_at = updated_at if action == "suspend" else None
    payload: Json = {
        "action": action,
        "installation": installation(id, updated_at=updated_at, suspended_at=suspended_at),
        "sender": user(),
    }
    if action == "created":
        payload["repositories"] = [short_repository(name, rid) for name, rid in repositories]
        payload["requester"] = None
    return payload


def installation_repositories_event(
    action: str,
    repositories: list[tuple[str, int]],
    id: int = 48112233,
    *,
    updated_at: str = CREATED,
) -> Json:
    changed = [short_repository(name, rid) for name, rid in repositories]
    return {
        "action": action,
        "installation": installation(id, updated_at=updated_at),
        "repository_selection": "selected",
        "repositories_added": changed if action == "added" else [],
        "repositories_removed": changed if action == "removed" else [],
        "requester": None,
        "sender": user(),
    }


def _reactions(url: str) -> Json:
    counts = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": url + "/reactions", "total_count": 0, **dict.fromkeys(counts, 0)}


def issue(number: int = 41, full_name: str = "acme-data/warehouse-jobs") -> Json:
    api = f"{API}/repos/{full_name}/issues/{number}"
    return {
        "url": api,
        "repository_url": f"{API}/repos/{full_name}",
        "labels_url": api + "/labels{/name}",
        "comments_url": api + "/comments",
        "events_url": api + "/events",
        "html_url": f"{WEB}/{full_name}/issues/{number}",
        "id": 2290017000 + number,
        "node_id": f"I_kwDOKd{number}",
        "number": number,
        "title": "Migrate consumers of analytics.events_v1",
        "user": user(),
        "labels": [],
        "state": "open",
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": 0,
        "created_at": CREATED,
        "updated_at": CREATED,
        "closed_at": None,
        "author_association": "MEMBER",
        "active_lock_reason": None,
        "body": "### Campaign\n\n```yaml\ntables: []\n```",
        "reactions": _reactions(api),
        "timeline_url": api + "/timeline",
        "performed_via_github_app": None,
        "state_reason": None,
    }


def with_installation(payload: Json, id: int = 48112233) -> Json:
    payload["installation"] = {"id": id, "node_id": f"MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{id}"}
    return payload


def issues_event(action: str = "opened", number: int = 41) -> Json:
    return with_installation(
        {"action": action, "issue": issue(number), "repository": repository(), "sender": user()}
    )


def issue_comment_event(number: int = 41, comment_id: int = 1988201) -> Json:
    full_name = "acme-data/warehouse-jobs"
    api = f"{API}/repos/{full_name}/issues/comments/{comment_id}"
    comment = {
        "url": api,
        "html_url": f"{WEB}/{full_name}/issues/{number}#issuecomment-{comment_id}",
        "issue_url": f"{API}/repos/{full_name}/issues/{number}",
        "id": comment_id,
        "node_id": f"IC_kwDOKd{comment_id}",
        "user": user(),
        "created_at": CREATED,
        "updated_at": CREATED,
        "author_association": "MEMBER",
        "body": "/godwit plan",
        "reactions": _reactions(api),
        "performed_via_github_app": None,
    }
    return with_installation(
        {
            "action": "created",
            "issue": issue(number),
            "comment": comment,
            "repository": repository(),
            "sender": user(),
        }
    )


def _commit(sha: str, message: str, full_name: str) -> Json:
    person = {"name": "Dana Ops", "email": "dana@acme-data.example", "username": "dana-ops"}
    return {
        "id": sha,
        "tree_id": sha[::-1],
        "distinct": True,
        "message": message,
        "timestamp": "2026-03-02T09:20:00+01:00",
        "url": f"{WEB}/{full_name}/commit/{sha}",
        "author": person,
        "committer": person,
        "added": [],
        "removed": [],
        "modified": ["jobs/daily_events.sql"],
    }


def push_event(before: str = "a" * 40, after: str = "b" * 40, ref: str = "refs/heads/main") -> Json:
    full_name = "acme-data/warehouse-jobs"
    head = _commit(after, "Tidy the daily events job", full_name)
    repo = repository(full_name)
    repo.update(created_at=1696507269, pushed_at=1772441980, stargazers=3, master_branch="main")
    return with_installation(
        {
            "ref": ref,
            "before": before,
            "after": after,
            "base_ref": None,
            "compare": f"{WEB}/{full_name}/compare/{before[:12]}...{after[:12]}",
            "created": False,
            "deleted": False,
            "forced": False,
            "commits": [head],
            "head_commit": head,
            "pusher": {"name": "dana-ops", "email": "dana@acme-data.example"},
            "repository": repo,
            "sender": user(),
        }
    )


def _ref(full_name: str, branch: str, sha: str) -> Json:
    return {
        "label": f"{full_name.split('/')[0]}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": ORG,
        "repo": repository(full_name),
    }


def pull_request(number: int = 88, head_sha: str = "c" * 40, base_sha: str = "a" * 40) -> Json:
    full_name = "acme-data/warehouse-jobs"
    api = f"{API}/repos/{full_name}"
    links = {
        "self": f"{api}/pulls/{number}",
        "html": f"{WEB}/{full_name}/pull/{number}",
        "issue": f"{api}/issues/{number}",
        "comments": f"{api}/issues/{number}/comments",
        "review_comments": f"{api}/pulls/{number}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{api}/pulls/{number}/commits",
        "statuses": f"{api}/statuses/{head_sha}",
    }
    return {
        "url": links["self"],
        "id": 1790440000 + number,
        "node_id": f"PR_kwDOKd{number}",
        "html_url": links["html"],
        "diff_url": links["html"] + ".diff",
        "patch_url": links["html"] + ".patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": number,
        "state": "open",
        "locked": False,
        "title": "Move analytics.events_v1 consumers to analytics.events_v2",
        "user": BOT,
        "body": "Rewrites two BigQuery jobs.",
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": CREATED,
        "updated_at": CREATED,
        "closed_at": None,
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "draft": False,
        "head": _ref(full_name, "godwit/events-v2", head_sha),
        "base": _ref(full_name, "main", base_sha),
        "_links": {key: {"href": href} for key, href in links.items()},
        "author_association": "NONE",
        "auto_merge": None,
        "merged": False,
        "mergeable": True,
        "rebaseable": True,
        "mergeable_state": "clean",
        "merged_by": None,
        "comments": 0,
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": 1,
        "additions": 4,
        "deletions": 4,
        "changed_files": 2,
    }


def pull_request_event(action: str = "opened", number: int = 88) -> Json:
    return with_installation(
        {
            "action": action,
            "number": number,
            "pull_request": pull_request(number),
            "repository": repository(),
            "sender": BOT,
        }
    )


def pull_request_review_event(number: int = 88, review_id: int = 2210554) -> Json:
    pr = pull_request(number)
    html = f"{pr['html_url']}#pullrequestreview-{review_id}"
    review = {
        "id": review_id,
        "node_id": f"PRR_kwDOKd{review_id}",
        "user": user(),
        "body": "Looks right; the TIMESTAMP cast is what we want.",
        "commit_id": pr["head"]["sha"],
        "submitted_at": "2026-03-02T11:02:00Z",
        "state": "approved",
        "html_url": html,
        "pull_request_url": pr["url"],
        "author_association": "MEMBER",
        "_links": {"html": {"href": html}, "pull_request": {"href": pr["url"]}},
    }
    return with_installation(
        {
            "action": "submitted",
            "review": review,
            "pull_request": pr,
            "repository": repository(),
            "sender": user(),
        }
    )


def pull_request_review_comment_event(number: int = 88, comment_id: int = 1507731) -> Json:
    pr = pull_request(number)
    api = f"{API}/repos/acme-data/warehouse-jobs/pulls/comments/{comment_id}"
    html = f"{pr['html_url']}#discussion_r{comment_id}"
    comment = {
        "url": api,
        "pull_request_review_id": 2210554,
        "id": comment_id,
        "node_id": f"PRRC_kwDOKd{comment_id}",
        "diff_hunk": "@@ -3,7 +3,7 @@ SELECT\n-FROM `acme-prod.analytics.events_v1`",
        "path": "jobs/daily_events.sql",
        "position": 4,
        "original_position": 4,
        "commit_id": pr["head"]["sha"],
        "original_commit_id": pr["head"]["sha"],
        "user": user(),
        "body": "Should this keep the partition filter?",
        "created_at": CREATED,
        "updated_at": CREATED,
        "html_url": html,
        "pull_request_url": pr["url"],
        "author_association": "MEMBER",
        "_links": {
            "self": {"href": api},
            "html": {"href": html},
            "pull_request": {"href": pr["url"]},
        },
        "start_line": None,
        "original_start_line": None,
        "start_side": None,
        "line": 6,
        "original_line": 6,
        "side": "RIGHT",
        "reactions": _reactions(api),
        "subject_type": "line",
    }
    return with_installation(
        {
            "action": "created",
            "comment": comment,
            "pull_request": pr,
            "repository": repository(),
            "sender": user(),
        }
    )


def _app() -> Json:
    return {
        "id": 912233,
        "slug": "godwit",
        "node_id": "A_kwHOBSHvR84ADe1p",
        "client_id": "Iv23liGodwit0000",
        "owner": ORG,
        "name": "Godwit",
        "description": "Migrates every consumer of a retired dataset",
        "external_url": "https://godwit.acme-data.example",
        "html_url": f"{WEB}/apps/godwit",
        "created_at": "2026-01-10T08:00:00Z",
        "updated_at": "2026-01-10T08:00:00Z",
        "permissions": {"checks": "read", "contents": "write"},
        "events": ["check_suite", "push"],
    }


def _pull_request_minimal(number: int, head_sha: str, base_sha: str) -> Json:
    repo = {
        "id": 702115538,
        "url": f"{API}/repos/acme-data/warehouse-jobs",
        "name": "warehouse-jobs",
    }
    return {
        "url": f"{API}/repos/acme-data/warehouse-jobs/pulls/{number}",
        "id": 1790440000 + number,
        "number": number,
        "head": {"ref": "godwit/events-v2", "sha": head_sha, "repo": repo},
        "base": {"ref": "main", "sha": base_sha, "repo": repo},
    }


def check_suite(head_sha: str = "c" * 40, suite_id: int = 23380012) -> Json:
    head = _commit(head_sha, "Move analytics.events_v1 consumers", "acme-data/warehouse-jobs")
    return {
        "id": suite_id,
        "node_id": f"CS_kwDOKd{suite_id}",
        "head_branch": "godwit/events-v2",
        "head_sha": head_sha,
        "status": "completed",
        "conclusion": "success",
        "url": f"{API}/repos/acme-data/warehouse-jobs/check-suites/{suite_id}",
        "before": "a" * 40,
        "after": head_sha,
        "pull_requests": [_pull_request_minimal(88, head_sha, "a" * 40)],
        "app": _app(),
        "created_at": CREATED,
        "updated_at": CREATED,
        "rerequestable": True,
        "runs_rerequestable": True,
        "latest_check_runs_count": 1,
        "check_runs_url": f"{API}/repos/acme-data/warehouse-jobs/check-suites/{suite_id}"
        + "/check-runs",
        "head_commit": {
            "id": head_sha,
            "tree_id": head["tree_id"],
            "message": head["message"],
            "timestamp": "2026-03-02T09:20:00Z",
            "author": {"name": "Godwit", "email": "godwit@acme-data.example"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
    }


def check_suite_event(action: str = "completed") -> Json:
    return with_installation(
        {
            "action": action,
            "check_suite": check_suite(),
            "repository": repository(),
            "sender": BOT,
        }
    )


def check_run_event(action: str = "completed", run_id: int = 60112901) -> Json:
    head_sha = "c" * 40
    suite = check_suite(head_sha)
    api = f"{API}/repos/acme-data/warehouse-jobs/check-runs/{run_id}"
    run = {
        "id": run_id,
        "name": "dbt build",
        "node_id": f"CR_kwDOKd{run_id}",
        "head_sha": head_sha,
        "external_id": "",
        "url": api,
        "html_url": f"{WEB}/acme-data/warehouse-jobs/runs/{run_id}",
        "details_url": f"{WEB}/acme-data/warehouse-jobs/runs/{run_id}",
        "status": "completed",
        "conclusion": "failure",
        "started_at": "2026-03-02T09:21:00Z",
        "completed_at": "2026-03-02T09:24:31Z",
        "output": {
            "title": "1 model failed",
            "summary": "events_daily: column event_ts not found",
            "text": None,
            "annotations_count": 0,
            "annotations_url": api + "/annotations",
        },
        "check_suite": {key: suite[key] for key in ("id", "node_id", "head_branch", "head_sha")}
        | {"status": "completed", "conclusion": "failure", "url": suite["url"]},
        "app": _app(),
        "pull_requests": suite["pull_requests"],
    }
    return with_installation(
        {"action": action, "check_run": run, "repository": repository(), "sender": BOT}
    )
