"""Request counting by endpoint, per job."""

from __future__ import annotations

import threading

import pytest

from bot.github.metrics import counting_requests, endpoint_template, record_request

SHA = "3f786850e387550fdab836ed7e6dc881de23001b"


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/repos/acme/etl", "/repos/{owner}/{repo}"),
        (f"/repos/acme/etl/git/trees/{SHA}", "/repos/{owner}/{repo}/git/trees/{sha}"),
        ("/repos/acme/etl/git/refs/heads/godwit/retire-x", "/repos/{owner}/{repo}/git/refs/{ref}"),
        ("/repos/acme/etl/git/ref/heads/main", "/repos/{owner}/{repo}/git/ref/{ref}"),
        ("/repos/acme/etl/git/refs", "/repos/{owner}/{repo}/git/refs"),
        ("/repos/acme/etl/tarball/main", "/repos/{owner}/{repo}/tarball/{ref}"),
        ("/repos/acme/etl/contents/models/a.sql", "/repos/{owner}/{repo}/contents/{path}"),
        ("/repos/acme/refs/pulls/17/comments", "/repos/{owner}/{repo}/pulls/{id}/comments"),
        ("/app/installations/42/access_tokens", "/app/installations/{id}/access_tokens"),
        ("/orgs/acme/teams/data/members", "/orgs/{org}/teams/data/members"),
    ],
)
def test_endpoint_template(path: str, template: str) -> None:
    assert endpoint_template(path) == template


def test_counts_by_method_and_endpoint() -> None:
    with counting_requests() as counts:
        record_request("GET", f"/repos/acme/etl/git/trees/{SHA}")
        record_request("get", "/repos/acme/dbt/git/trees/main")
        record_request("POST", "/repos/acme/etl/pulls")
    assert counts.by_endpoint == {
        ("GET", "/repos/{owner}/{repo}/git/trees/{sha}"): 1,
        ("GET", "/repos/{owner}/{repo}/git/trees/main"): 1,
        ("POST", "/repos/{owner}/{repo}/pulls"): 1,
    }
    assert (counts.total, counts.mutations) == (3, 1)
    assert counts.per(2) == 1.5


def test_nested_counters_both_count_and_closed_ones_stop() -> None:
    with counting_requests() as outer:
        record_request("GET", "/repos/acme/etl")
        with counting_requests() as inner:
            record_request("POST", "/repos/acme/etl/pulls")
        record_request("GET", "/repos/acme/etl")
    record_request("GET", "/repos/acme/etl")
    assert (outer.total, inner.total) == (3, 1)


def test_requests_in_another_job_thread_are_not_counted() -> None:
    with counting_requests() as counts:
        other = threading.Thread(target=record_request, args=("GET", "/repos/acme/etl"))
        other.start()
        other.join()
        record_request("GET", "/repos/acme/etl")
    assert counts.total == 1
