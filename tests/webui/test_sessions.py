"""Session cookies and OAuth states, without a server."""

from __future__ import annotations

from bot.webui.sessions import SessionStore, sign, unsign

KEY = b"k" * 32


def test_signed_values_verify_and_tampering_does_not() -> None:
    signed = sign(KEY, "abc")
    assert unsign(KEY, signed) == "abc"
    assert unsign(b"other" * 8, signed) is None
    assert unsign(KEY, "abd" + signed[3:]) is None
    assert unsign(KEY, "abc") is None
    assert unsign(KEY, None) is None
    assert unsign(KEY, "x" * 500) is None


def test_a_session_holds_the_token_server_side_and_ends_on_drop() -> None:
    store = SessionStore(KEY, lifetime_s=60)
    cookie = store.create("alice", "ghu_secret")
    assert "ghu_secret" not in cookie
    found = store.get(cookie)
    assert found is not None
    assert found.login == "alice"
    assert "ghu_secret" not in repr(found)
    store.drop(cookie)
    assert store.get(cookie) is None


def test_an_expired_session_is_gone() -> None:
    store = SessionStore(KEY, lifetime_s=-1)
    assert store.get(store.create("alice", "t")) is None


def test_a_state_works_once_and_only_in_the_browser_that_started_it() -> None:
    store = SessionStore(KEY, lifetime_s=60)
    state, cookie = store.begin_sign_in("/dashboard/x")
    other_state, other_cookie = store.begin_sign_in("/dashboard/y")
    assert store.finish_sign_in(state, other_cookie) is None
    assert store.finish_sign_in(other_state, other_cookie) == "/dashboard/y"
    state, cookie = store.begin_sign_in("/dashboard/x")
    assert store.finish_sign_in(state, cookie) == "/dashboard/x"
    assert store.finish_sign_in(state, cookie) is None
