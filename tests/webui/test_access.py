"""Signing in to the dashboard through the sandbox's OAuth web flow, and who sees what."""

from __future__ import annotations

import httpx

from bot.webui.sessions import SESSION_COOKIE
from tests.webui.conftest import OUTSIDER, OWNER, Live, signed_in


def test_signed_out_visitors_are_sent_to_github_to_sign_in(live: Live) -> None:
    answer = httpx.get(live.campaign_url, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dashboard/login?next=")
    login = httpx.get(live.stack.godwit_url + answer.headers["location"], follow_redirects=False)
    authorize = httpx.URL(login.headers["location"])
    assert authorize.path == "/login/oauth/authorize"
    assert authorize.params["client_id"] == live.stack.app.client_id
    assert authorize.params["state"]
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_an_owner_sees_the_campaign_and_returns_to_the_page_asked_for(live: Live) -> None:
    client = signed_in(live, OWNER)
    page = client.get(live.campaign_url)
    assert page.status_code == 200
    assert "Move consumers of plays_v1 to plays_v2" in page.text
    assert 'data-repo="acme/acme-bq-jobs"' in page.text
    listing = client.get(live.stack.godwit_url + "/dashboard/")
    assert live.campaign_path in listing.text


def test_an_outsider_is_refused_like_a_missing_campaign(live: Live) -> None:
    client = signed_in(live, OUTSIDER)
    page = client.get(live.campaign_url)
    assert page.status_code == 404
    assert "acme-bq-jobs" not in page.text
    assert client.get(live.campaign_url + "/live").status_code == 404
    listing = client.get(live.stack.godwit_url + "/dashboard/")
    assert live.campaign_path not in listing.text


def test_a_callback_with_a_state_this_browser_did_not_start_is_refused(live: Live) -> None:
    answer = httpx.get(
        live.stack.godwit_url + "/dashboard/callback?code=abc&state=forged", follow_redirects=False
    )
    assert answer.status_code == 400
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_a_forged_session_cookie_is_not_a_session(live: Live) -> None:
    client = signed_in(live, OWNER)
    real = client.cookies[SESSION_COOKIE]
    forged = real.rsplit(".", 1)[0] + ".AAAA"
    answer = httpx.get(live.campaign_url, cookies={SESSION_COOKIE: forged}, follow_redirects=False)
    assert answer.status_code == 303


def test_sign_out_ends_the_session_on_the_server(live: Live) -> None:
    client = signed_in(live, OWNER)
    cookie = client.cookies[SESSION_COOKIE]
    client.post(live.stack.godwit_url + "/dashboard/logout")
    answer = httpx.get(live.campaign_url, cookies={SESSION_COOKIE: cookie}, follow_redirects=False)
    assert answer.status_code == 303


def test_the_sign_in_does_not_redirect_off_the_dashboard(live: Live) -> None:
    client = httpx.Client(follow_redirects=False)
    login = client.get(live.stack.godwit_url + "/dashboard/login?next=https://evil.example/")
    state = httpx.URL(login.headers["location"]).params["state"]
    code = live.sandbox.user_tokens.issue_code(
        OWNER, live.stack.app.app_id, f"{live.stack.godwit_url}/dashboard/callback"
    )
    done = client.get(f"{live.stack.godwit_url}/dashboard/callback?code={code}&state={state}")
    assert done.status_code == 303
    assert done.headers["location"] == "/dashboard/"
