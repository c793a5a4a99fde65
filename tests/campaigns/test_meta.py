"""The signed metadata marker: what it signs, key rotation, and when a verified one is adopted."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace

import pytest
from campaigns_data import BASE_SHA
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.campaigns.meta import (
    MAX_PREVIOUS_KEYS,
    FoundPull,
    MarkerKeys,
    PrMeta,
    decode_meta,
    encode_meta,
    refusal,
)

KEYS = MarkerKeys(b"marker-key-for-tests")
META = PrMeta(
    campaign="plays-v2",
    spec_hash="ab" * 32,
    base_sha=BASE_SHA,
    issue="acme/campaigns#7",
    repo="acme/radio",
    branch="godwit/plays-v2",
)
BOT = "godwit[bot]"
PULL = FoundPull(
    repo="acme/radio",
    number=12,
    head_ref="godwit/plays-v2",
    head_repo="acme/radio",
    author=BOT,
    author_type="Bot",
)


def test_meta_round_trip() -> None:
    marker = encode_meta(META, keys=KEYS)
    assert marker.startswith("<!-- godwit:meta {")
    assert marker.endswith("} -->")
    assert decode_meta(f"Some text\r\n\r\n{marker}\r\n", keys=KEYS) == META
    numbered = replace_meta(pr=12)
    assert decode_meta(encode_meta(numbered, keys=KEYS), keys=KEYS) == numbered


def replace_meta(**changes: object) -> PrMeta:
    return PrMeta.model_validate({**META.model_dump(), **changes})


def _resigned(changes: dict[str, object]) -> str:
    """A marker Godwit signed, with values changed afterwards (the signature kept)."""
    marker = encode_meta(META, keys=KEYS)
    data = json.loads(marker.removeprefix("<!-- godwit:meta ").removesuffix(" -->"))
    data.update(changes)
    return f"<!-- godwit:meta {json.dumps(data)} -->"


def _signed(payload: dict[str, object], key: bytes) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    signed = {**payload, "sig": hmac.new(key, canonical, hashlib.sha256).hexdigest()}
    return f"<!-- godwit:meta {json.dumps(signed)} -->"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "no marker here",
        encode_meta(META, keys=MarkerKeys(b"another key")),
        _resigned({"campaign": "other-campaign"}),
        _resigned({"issue": "evil/repo#1"}),
        _resigned({"repo": "evil/repo"}),
        _resigned({"branch": "godwit/other"}),
        _resigned({"pr": 99}),
        _resigned({"sig": "0" * 64}),
        encode_meta(META, keys=KEYS).replace('"sig":', '"signature":'),
        encode_meta(META, keys=KEYS).replace("} -->", ',"extra":"x"} -->'),
        encode_meta(META, keys=KEYS) + "\n" + encode_meta(META, keys=KEYS),
        "<!-- godwit:meta {not json} -->",
        "<!-- godwit:meta [1, 2] -->",
        '<!-- godwit:meta {"campaign": ' + "[" * 900 + "]" * 900 + "} -->",
        "<!-- godwit:meta " + '{"a":"' + "x" * 5000 + '"} -->',
        encode_meta(META, keys=KEYS).replace(" -->", ""),
    ],
)
def test_tampered_or_malformed_markers_are_rejected(body: str) -> None:
    assert decode_meta(body, keys=KEYS) is None


def test_a_marker_of_the_earlier_format_is_not_accepted() -> None:
    """Signed over campaign, spec, base and issue alone, it could be replayed anywhere."""
    old = {"campaign": "plays-v2", "spec_hash": "ab" * 32, "base_sha": BASE_SHA, "issue": "a/b#1"}
    assert decode_meta(_signed(old, KEYS.signing), keys=KEYS) is None


def test_markers_signed_with_the_key_still_validate_their_values() -> None:
    good: dict[str, object] = {**META.model_dump()}
    assert decode_meta(_signed(good, KEYS.signing), keys=KEYS) == META
    for bad in (
        {"spec_hash": "nothex"},
        {"pr": 0},
        {"pr": True},
        {"pr": 1.5},
        {"pr": "12"},
        {"repo": "not a repo"},
        {"branch": "../x y"},
    ):
        assert decode_meta(_signed({**good, **bad}, KEYS.signing), keys=KEYS) is None, bad


def test_rotation_the_new_key_signs_and_the_old_one_still_verifies() -> None:
    old = MarkerKeys(b"the key of last year")
    rotated = MarkerKeys(b"the key of this year", previous=(old.signing,))
    written_before = encode_meta(META, keys=old)
    written_now = encode_meta(META, keys=rotated)

    assert decode_meta(written_before, keys=rotated) == META
    assert decode_meta(written_now, keys=rotated) == META
    assert written_now != written_before
    assert decode_meta(written_now, keys=MarkerKeys(b"the key of this year")) == META
    assert decode_meta(written_now, keys=old) is None  # signed with the new key, not the old
    assert decode_meta(written_before, keys=MarkerKeys(b"the key of this year")) is None


def test_keys_are_bounded_and_never_shown() -> None:
    with pytest.raises(ValueError, match="empty"):
        MarkerKeys(b"")
    with pytest.raises(ValueError, match=f"at most {MAX_PREVIOUS_KEYS}"):
        MarkerKeys(b"k", previous=(b"p",) * (MAX_PREVIOUS_KEYS + 1))
    assert "secret" not in repr(MarkerKeys(b"secret", previous=(b"secret-too",)))


def test_every_single_character_edit_of_the_marker_is_rejected() -> None:
    marker = encode_meta(replace_meta(pr=12), keys=KEYS)
    start = marker.index("{")
    for position in range(start, marker.index(" -->")):
        replacement = "0" if marker[position] != "0" else "1"
        edited = marker[:position] + replacement + marker[position + 1 :]
        assert decode_meta(edited, keys=KEYS) is None, edited


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('<!-{}":,[] godwitmeta0123456789abcdef#/\n'), max_size=300))
def test_decoding_arbitrary_bodies_never_fails(body: str) -> None:
    assert decode_meta(body, keys=KEYS) is None


def adopt(meta: PrMeta, pull: FoundPull) -> str | None:
    return refusal(
        meta,
        pull,
        bot_login=BOT,
        campaign="plays-v2",
        issue="acme/campaigns#7",
        branch="godwit/plays-v2",
    )


def test_a_pull_request_godwit_opened_where_its_marker_says_is_adopted() -> None:
    assert adopt(META, PULL) is None
    assert adopt(replace_meta(pr=12), PULL) is None
    assert adopt(META, replace(PULL, author="GODWIT[bot]", repo="ACME/Radio")) is None


@pytest.mark.parametrize(
    ("meta", "pull", "why"),
    [
        (META, replace(PULL, author="mallory", author_type="User"), "opened by mallory"),
        (META, replace(PULL, author=BOT, author_type="User"), "not by Godwit"),
        (META, replace(PULL, author="other-app[bot]"), "opened by other-app[bot]"),
        (META, replace(PULL, author=None, author_type=None), "an unknown account"),
        (META, replace(PULL, repo="acme/other", head_repo="acme/other"), "belongs to acme/radio"),
        (META, replace(PULL, head_repo="mallory/radio"), "another repository"),
        (META, replace(PULL, head_repo=None), "another repository"),
        (META, replace(PULL, head_ref="godwit/plays-v3"), "its branch is godwit/plays-v3"),
        (replace_meta(branch="godwit/x"), PULL, "its marker's godwit/x"),
        (replace_meta(pr=11), PULL, "belongs to pull request #11"),
        (replace_meta(campaign="plays-v3"), PULL, "campaign plays-v3"),
        (replace_meta(issue="acme/campaigns#8"), PULL, "of acme/campaigns#8"),
    ],
)
def test_a_marker_found_anywhere_else_is_not_adopted(
    meta: PrMeta, pull: FoundPull, why: str
) -> None:
    reason = adopt(meta, pull)
    assert reason is not None
    assert why in reason
