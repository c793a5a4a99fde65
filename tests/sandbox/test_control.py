"""``/_sandbox`` control endpoints, fault draws, limit accounting and the manifest flow."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx

from bot.sandbox import FaultRule, LimitConfig
from bot.sandbox.limits import Faults, SecondaryLimits
from tests.sandbox.conftest import SandboxEnv


def test_people_act_over_http_and_deliveries_are_listed(world: SandboxEnv) -> None:
    base = f"{world.server.url}/_sandbox"
    answer = httpx.post(
        f"{base}/act/open_issue",
        json={"full_name": "acme/jobs", "login": "alice", "title": "Over HTTP"},
    )
    assert answer.json() == {"result": 1}
    world.sandbox.webhooks.wait_idle()
    deliveries = httpx.get(f"{base}/deliveries").json()
    opened = [d for d in deliveries if d["event"] == "issues"]
    assert [(d["action"], d["payload"]["issue"]["title"]) for d in opened] == [
        ("opened", "Over HTTP")
    ]
    assert httpx.post(f"{base}/deliveries/{opened[0]['id']}/redeliver").status_code == 202
    world.sandbox.webhooks.wait_idle()
    again = [d for d in httpx.get(f"{base}/deliveries").json() if d["id"] == opened[0]["id"]]
    assert [d["redelivery"] for d in again] == [False, True]


def test_unknown_or_malformed_actions_are_refused(world: SandboxEnv) -> None:
    base = f"{world.server.url}/_sandbox/act"
    assert httpx.post(f"{base}/state", json={}).status_code == 404
    assert httpx.post(f"{base}/open_issue", json={"nope": 1}).status_code == 422


def test_faults_and_limits_over_http(world: SandboxEnv) -> None:
    base = f"{world.server.url}/_sandbox"
    fault = {"kind": "too_many", "count": 1, "method": "GET", "path": "/repos/acme/jobs$"}
    assert httpx.post(f"{base}/faults", json=fault).status_code == 201
    token = world.sandbox.tokens.issue(world.sandbox.state.installations[world.installation_id])
    headers = {"authorization": f"token {token.token}"}
    url = f"{world.server.api_url}repos/acme/jobs"
    assert httpx.get(f"{url}/issues", headers=headers).status_code == 200
    assert httpx.get(url, headers=headers).status_code == 429
    assert httpx.get(url, headers=headers).status_code == 200
    limits = {"content_per_minute": 1, "min_mutation_interval_s": 1.0}
    assert httpx.put(f"{base}/limits", json=limits).status_code == 204
    for _ in range(2):
        httpx.post(f"{url}/issues", json={"title": "t"}, headers=headers)
    counters = httpx.get(f"{base}/limits").json()
    assert counters["violations"] == {"content_per_minute": 1}
    assert counters["close_mutations"] == 1
    assert counters["faults_injected"] == {"too_many": 1}
    logged = httpx.get(f"{base}/requests").json()
    assert [r["status"] for r in logged] == [200, 429, 200, 201, 403]


def test_probability_faults_repeat_with_the_same_seed() -> None:
    def draws(seed: int) -> list[bool]:
        faults = Faults(seed)
        faults.add(FaultRule("error", status=503, count=None, probability=0.5))
        return [faults.draw("GET", "/x")[1] is not None for _ in range(40)]

    assert draws(7) == draws(7)
    assert 5 < sum(draws(7)) < 35


def test_fault_rules_match_method_and_path_only() -> None:
    faults = Faults()
    faults.add(FaultRule("error", count=None, method="POST", path=r"/pulls$"))
    assert faults.draw("GET", "/repos/a/b/pulls")[1] is None
    assert faults.draw("POST", "/repos/a/b/issues")[1] is None
    answer = faults.draw("POST", "/repos/a/b/pulls")[1]
    assert answer is not None
    assert answer.status == 502


def test_scaled_clock_opens_the_next_minute_early() -> None:
    limits = SecondaryLimits()
    limits.configure(
        LimitConfig(enabled=True, content_per_minute=2, min_mutation_interval_s=0, time_scale=600)
    )
    first = [limits.enter(1, "POST") for _ in range(3)]
    time.sleep(0.11)
    later = limits.enter(1, "POST")
    assert (first, later) == ([None, None, "content_per_minute"], None)


def test_concurrency_limit_counts_requests_in_flight() -> None:
    limits = SecondaryLimits()
    limits.configure(LimitConfig(enabled=True, concurrent=2))
    answers = [limits.enter(1, "GET") for _ in range(3)]
    assert answers == [None, None, "concurrent"]
    assert limits.counters.violations["concurrent"] == 1


def test_reads_are_not_content_creation() -> None:
    limits = SecondaryLimits()
    limits.configure(LimitConfig(enabled=True, content_per_minute=1))
    assert [limits.enter(1, "GET") for _ in range(5)] == [None] * 5


def test_manifest_code_works_once_and_expires(world: SandboxEnv) -> None:
    manifest = {
        "name": "Godwit Dev",
        "url": "http://godwit.local",
        "hook_attributes": {"url": "http://godwit.local/webhooks"},
        "redirect_url": "http://godwit.local/registered",
        "default_permissions": {"contents": "write"},
        "default_events": ["push"],
    }
    form = {"manifest": json.dumps(manifest)}
    answer = httpx.post(
        f"{world.server.url}/organizations/acme/settings/apps/new?state=s1", data=form
    )
    location = httpx.URL(answer.headers["location"])
    assert (location.path, location.params["state"]) == ("/registered", "s1")
    convert = f"{world.server.api_url}app-manifests/{location.params['code']}/conversions"
    first = httpx.post(convert)
    assert first.status_code == 201
    assert (first.json()["owner"]["login"], first.json()["events"]) == ("acme", ["push"])
    assert httpx.post(convert).status_code == 404
    taken = httpx.post(f"{world.server.url}/settings/apps/new", data=form)
    assert taken.status_code == 422
    manifest["name"] = "Godwit Dev 2"
    form = {"manifest": json.dumps(manifest)}
    late = httpx.post(f"{world.server.url}/settings/apps/new", data=form)
    code = httpx.URL(late.headers["location"]).params["code"]
    stored = world.sandbox.state.manifest_codes[code]
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert httpx.post(f"{world.server.api_url}app-manifests/{code}/conversions").status_code == 404


def test_latency_faults_delay_but_still_answer(world: SandboxEnv) -> None:
    world.sandbox.faults.add(FaultRule("latency", count=1, latency_s=0.05, path="/rate_limit"))
    gh = world.client()
    assert gh.rest.rate_limit.get().status_code == 200
    assert world.sandbox.faults.injected["latency"] == 1
    statuses = [r.status for r in world.sandbox.requests.records() if r.path == "/rate_limit"]
    assert statuses == [200]
