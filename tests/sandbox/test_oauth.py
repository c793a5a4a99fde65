"""The sandbox's OAuth web flow and what user tokens can read, over HTTP."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import SandboxEnv

CALLBACK = "http://127.0.0.1:9/callback"


def code_for(env: SandboxEnv, login: str, state: str = "s1") -> str:
    form = {
        "client_id": env.app.client_id,
        "redirect_uri": CALLBACK,
        "state": state,
        "login": login,
    }
    answer = httpx.post(env.server.url + "/login/oauth/authorize", data=form)
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert location.params["state"] == state
    return location.params["code"]


def exchange(env: SandboxEnv, code: str, secret: str | None = None) -> dict[str, str]:
    answer = httpx.post(
        env.server.url + "/login/oauth/access_token",
        data={
            "client_id": env.app.client_id,
            "client_secret": secret or env.app.client_secret,
            "code": code,
        },
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 200
    body: dict[str, str] = answer.json()
    return body


def api(env: SandboxEnv, token: str, path: str) -> httpx.Response:
    return httpx.get(env.server.api_url + path, headers={"authorization": f"Bearer {token}"})


def test_the_sign_in_page_lists_people_not_bots_or_orgs(world: SandboxEnv) -> None:
    page = httpx.get(
        world.server.url + "/login/oauth/authorize",
        params={"client_id": world.app.client_id, "redirect_uri": CALLBACK, "state": "x"},
    )
    assert page.status_code == 200
    assert "Sign in as alice" in page.text
    assert "Sign in as bob" in page.text
    assert "Sign in as acme" not in page.text
    assert "[bot]" not in page.text
    unknown = httpx.get(world.server.url + "/login/oauth/authorize", params={"client_id": "no"})
    assert unknown.status_code == 404


def test_a_code_becomes_a_user_token_once(world: SandboxEnv) -> None:
    code = code_for(world, "alice")
    assert exchange(world, code, secret="wrong") == {"error": "incorrect_client_credentials"}
    token = exchange(world, code_for(world, "alice"))["access_token"]
    assert token.startswith("ghu_")
    assert api(world, token, "user").json()["login"] == "alice"
    again = code_for(world, "bob")
    exchange(world, again)
    assert exchange(world, again) == {"error": "bad_verification_code"}


def test_user_tokens_read_what_the_person_and_the_app_both_can(world: SandboxEnv) -> None:
    world.sandbox.state.repo_by_full_name("acme/jobs").private = True
    alice = exchange(world, code_for(world, "alice"))["access_token"]
    bob = exchange(world, code_for(world, "bob"))["access_token"]
    readable = api(world, alice, "repos/acme/jobs")
    assert readable.status_code == 200
    assert readable.json()["permissions"]["pull"] is True
    assert readable.json()["permissions"]["push"] is True
    assert api(world, bob, "repos/acme/jobs").status_code == 404
    # acme/other is public but the app is not installed on it.
    assert api(world, alice, "repos/acme/other").status_code == 404
    assert api(world, "ghu_forged", "user").status_code == 401
