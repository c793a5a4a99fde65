"""The hidden metadata marker in a Godwit PR body, which lets state be recovered from GitHub.

PR bodies are editable by anyone who can push, and a marker can be copied into
any PR, so the marker is signed (HMAC-SHA256) with a key of its own
(``GODWIT_MARKER_KEY``) over everything that says where it belongs: the
repository, the branch, the campaign and its issue, the base commit, and the
PR number once Godwit knows it. It is decoded defensively: a missing,
repeated, malformed, oversized or re-signed marker yields ``None``, never an
exception and never values Godwit did not write. ``refusal`` then decides
whether one verified marker may be adopted for the PR it was found in.

Why the PR number is not signed when the PR is opened: GitHub assigns it in
the answer to the very request that carries the body, so signing it at once
would cost a second write of the body per PR (one more mutating request, which
counts against the content-creation budget that sets a campaign's pace, and
would take the campaign past its 8 requests per PR). Instead the number is
verified separately: only a PR authored by the App's own bot account can be
adopted, and GitHub alone sets a PR's author; its repository and head branch
must be the signed ones. A copied marker therefore fails in a person's PR, in
another repository and on another branch. Whenever Godwit writes the body
again (``rerun``, ``rebase``, the agent's commit) it signs the number too, at
no extra request, and a signed number must then match.

Key rotation: the newest key signs; ``MarkerKeys.previous`` still verify, so
markers written before a rotation keep being adopted until their PR is
rewritten or finished.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

_MARKER = re.compile(r"<!-- godwit:meta (\{[^\n]{0,2000}?\}) -->")
_CANDIDATE = re.compile(r"<!--\s*godwit:meta\b")
_REPO = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}"
MAX_PREVIOUS_KEYS = 8
"""Keys still verifying after rotations; each one costs an HMAC per marker read."""

Scalar = str | int | None


@dataclass(frozen=True)
class MarkerKeys:
    """The key that signs markers now, and the earlier ones that still verify."""

    signing: bytes = field(repr=False)
    previous: tuple[bytes, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.signing:
            raise ValueError("the marker signing key is empty")
        if len(self.previous) > MAX_PREVIOUS_KEYS:
            raise ValueError(f"at most {MAX_PREVIOUS_KEYS} previous marker keys")

    @property
    def verifying(self) -> tuple[bytes, ...]:
        return (self.signing, *self.previous)


class PrMeta(BaseModel):
    """What a PR was built from and where it belongs: enough to tell it is stale and adopt it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    campaign: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    spec_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    base_sha: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")]
    issue: Annotated[str, StringConstraints(pattern=rf"^{_REPO}#[1-9][0-9]{{0,9}}$")]
    repo: Annotated[str, StringConstraints(pattern=rf"^{_REPO}$")]
    branch: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")]
    pr: Annotated[int, Field(ge=1, le=9_999_999_999)] | None = None
    """The PR's number, signed whenever Godwit writes the body after GitHub assigned it."""
    parity: (
        Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}/[0-9]{1,6}/[0-9]{1,6}$")] | None
    ) = None
    """Parity of the PR's rewrite as proven/differs/not checkable (None: parity off).

    A merged PR's rewrite is gone from the default branch, so this is where a
    rebuilt database finds what parity proved about it.
    """


def _signature(payload: dict[str, Scalar], key: bytes) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def encode_meta(meta: PrMeta, *, keys: MarkerKeys) -> str:
    payload: dict[str, Scalar] = meta.model_dump()
    signed = {**payload, "sig": _signature(payload, keys.signing)}
    return f"<!-- godwit:meta {json.dumps(signed, sort_keys=True, separators=(',', ':'))} -->"


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str) or type(value) is int


def decode_meta(body: str, *, keys: MarkerKeys) -> PrMeta | None:
    """The marker's metadata if ``body`` holds exactly one marker Godwit signed, else ``None``."""
    if len(_CANDIDATE.findall(body)) != 1:
        return None
    found = _MARKER.search(body)
    if found is None:
        return None
    try:
        data = json.loads(found.group(1))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sig"), str):
        return None
    signature = data.pop("sig")
    if not all(_scalar(value) for value in data.values()):
        return None
    # Every key is tried (no early exit), so timing does not tell which one matched.
    matches = [hmac.compare_digest(signature, _signature(data, key)) for key in keys.verifying]
    if not any(matches):
        return None
    try:
        return PrMeta.model_validate(data)
    except ValidationError:
        return None


@dataclass(frozen=True)
class FoundPull:
    """What GitHub says about the PR a marker was found in (the facts nobody can forge)."""

    repo: str
    number: int
    head_ref: str
    head_repo: str | None
    author: str | None
    author_type: str | None


def refusal(
    meta: PrMeta, pull: FoundPull, *, bot_login: str, campaign: str, issue: str, branch: str
) -> str | None:
    """Why the verified ``meta`` must not be adopted for ``pull``; ``None`` when it may be.

    ``campaign``, ``issue`` and ``branch`` are what the campaign being rebuilt expects.
    """
    if pull.author is None or pull.author.lower() != bot_login.lower() or pull.author_type != "Bot":
        return f"opened by {pull.author or 'an unknown account'}, not by Godwit"
    if meta.repo.lower() != pull.repo.lower():
        return f"its marker belongs to {meta.repo}"
    if pull.head_repo is None or pull.head_repo.lower() != pull.repo.lower():
        return "its branch is in another repository"
    if meta.branch != pull.head_ref or pull.head_ref != branch:
        return f"its branch is {pull.head_ref}, its marker's {meta.branch}, not {branch}"
    if meta.pr is not None and meta.pr != pull.number:
        return f"its marker belongs to pull request #{meta.pr}"
    if meta.campaign != campaign or meta.issue.lower() != issue.lower():
        return f"its marker belongs to campaign {meta.campaign} of {meta.issue}"
    return None
