"""The sandbox's HTML pages, over HTTP: what a person opening Godwit's links sees."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.sandbox.routes_control import ENDPOINTS
from bot.sandbox.routes_control import router as control_router
from tests.sandbox.conftest import SandboxEnv

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def get(env: SandboxEnv, path: str) -> httpx.Response:
    return httpx.get(env.server.url + path, follow_redirects=False)


@pytest.fixture
def pull(world: SandboxEnv) -> int:
    sandbox = world.sandbox
    sandbox.push(
        "acme/jobs",
        "godwit/plays",
        {"sql/daily.sql": "SELECT id\nFROM `proj.core.events`\nWHERE day = CURRENT_DATE()\n"},
        author="alice",
    )
    number = sandbox.open_pr(
        "acme/jobs", "alice", "godwit/plays", f"Migrate {HOSTILE}", f"Changes **here**\n\n{HOSTILE}"
    )
    sandbox.add_label("acme/jobs", number, "alice", "godwit")
    sandbox.review("acme/jobs", number, "bob", "CHANGES_REQUESTED", "Please keep `legacy`")
    sandbox.comment("acme/jobs", number, "bob", f"a comment {HOSTILE}")
    return number


def test_repositories_and_files_link_to_each_other(world: SandboxEnv) -> None:
    index = get(world, "/")
    assert index.status_code == 200
    assert 'href="/acme/jobs"' in index.text
    assert 'href="/acme/other"' in index.text
    files = get(world, "/acme/jobs")
    assert 'href="/acme/jobs/blob/main/sql/daily.sql"' in files.text
    assert get(world, "/acme").status_code == 200


def test_blob_has_an_anchor_per_line_and_escapes_the_text(world: SandboxEnv) -> None:
    world.sandbox.push(
        "acme/jobs", "main", {"odd.sql": f"SELECT 1\n-- {HOSTILE}\n"}, author="alice"
    )
    page = get(world, "/acme/jobs/blob/main/sql/daily.sql")
    assert page.status_code == 200
    for line in (1, 2, 3):
        assert f'id="L{line}"' in page.text
    assert 'id="L4"' not in page.text
    assert "FROM `proj.legacy.events`" in page.text
    odd = get(world, "/acme/jobs/blob/main/odd.sql")
    assert "<script>" not in odd.text
    assert "&lt;script&gt;" in odd.text


def test_blob_at_a_branch_with_slashes_and_at_a_commit(world: SandboxEnv, pull: int) -> None:
    page = get(world, "/acme/jobs/blob/godwit/plays/sql/daily.sql")
    assert page.status_code == 200
    assert "proj.core.events" in page.text
    sha = world.sandbox.branch_sha("acme/jobs", "main")
    assert get(world, f"/acme/jobs/blob/{sha}/sql/daily.sql").status_code == 200
    assert get(world, f"/acme/jobs/commit/{sha}").status_code == 200


def test_pull_request_shows_body_reviews_labels_and_comments_escaped(
    world: SandboxEnv, pull: int
) -> None:
    page = get(world, f"/acme/jobs/pull/{pull}")
    assert page.status_code == 200
    text = page.text
    assert "<strong>here</strong>" in text  # Markdown rendered
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    assert "godwit</span>" in text  # the label
    assert "changes requested" in text
    assert "Please keep <code>legacy</code>" in text
    assert "godwit/plays" in text


def test_reactions_are_counted(world: SandboxEnv) -> None:
    number = world.sandbox.open_issue("acme/jobs", "alice", "Campaign", "body")
    comment_id = world.sandbox.comment("acme/jobs", number, "alice", "/migrate start")
    gh = world.client()
    gh.rest.reactions.create_for_issue_comment("acme", "jobs", comment_id, content="+1")
    page = get(world, f"/acme/jobs/issues/{number}")
    assert f'id="issuecomment-{comment_id}"' in page.text
    assert re.search(r'title="\+1">👍 1<', page.text)


def test_pull_request_files_show_the_diff(world: SandboxEnv, pull: int) -> None:
    page = get(world, f"/acme/jobs/pull/{pull}/files")
    assert page.status_code == 200
    assert 'class="del"><td>-FROM `proj.legacy.events`' in page.text
    assert 'class="add"><td>+FROM `proj.core.events`' in page.text


def test_issue_number_of_a_pull_request_redirects_to_it(world: SandboxEnv, pull: int) -> None:
    answer = get(world, f"/acme/jobs/issues/{pull}")
    assert answer.status_code == 302
    assert answer.headers["location"] == f"/acme/jobs/pull/{pull}"


@pytest.mark.parametrize(
    "path",
    ["/acme/missing", "/acme/jobs/issues/99", "/acme/jobs/pull/99", "/acme/jobs/blob/main/no.sql"],
)
def test_missing_things_are_an_html_404(world: SandboxEnv, path: str) -> None:
    answer = get(world, path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


def test_api_paths_are_not_taken_by_the_pages(world: SandboxEnv) -> None:
    answer = get(world, "/api/v3/repos/acme/jobs")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/json")


def test_control_index_lists_every_control_route(world: SandboxEnv) -> None:
    page = get(world, "/_sandbox/")
    assert page.status_code == 200
    listed = {(method, path.replace("{id}", "{delivery_id}")) for method, path, _ in ENDPOINTS}
    routes = {
        (method, route.path)  # type: ignore[attr-defined]
        for route in control_router.routes
        for method in route.methods  # type: ignore[attr-defined]
    }
    assert routes == listed
    assert 'href="/_sandbox/deliveries"' in page.text
    assert "open_issue" in page.text


def test_compare_and_app_pages(world: SandboxEnv, pull: int) -> None:
    page = get(world, "/acme/jobs/compare/main...godwit/plays")
    assert page.status_code == 200
    assert 'class="add"><td>+FROM `proj.core.events`' in page.text
    assert get(world, "/acme/jobs/compare/main...nope").status_code == 404
    app = get(world, f"/apps/{world.app.slug}")
    assert app.status_code == 200
    assert "acme" in app.text
