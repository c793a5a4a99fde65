"""The hidden metadata marker in a Godwit PR body, which lets state be recovered from GitHub.

PR bodies are editable by anyone who can push, so the marker is signed with a
key the App holds (HMAC-SHA256) and decoded defensively: a missing, repeated,
malformed, oversized or re-signed marker yields ``None``, never an exception
and never values Godwit did not write.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

_MARKER = re.compile(r"<!-- godwit:meta (\{[^\n]{0,2000}?\}) -->")
_CANDIDATE = re.compile(r"<!--\s*godwit:meta\b")


class PrMeta(BaseModel):
    """What a PR was built from: enough to tell whether it is stale and where it belongs."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    campaign: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    spec_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    base_sha: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")]
    issue: Annotated[
        str,
        StringConstraints(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}#[1-9][0-9]{0,9}$"
        ),
    ]


def _signature(payload: dict[str, str], key: bytes) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def encode_meta(meta: PrMeta, *, key: bytes) -> str:
    payload = meta.model_dump()
    signed = {**payload, "sig": _signature(payload, key)}
    return f"<!-- godwit:meta {json.dumps(signed, sort_keys=True, separators=(',', ':'))} -->"


def decode_meta(body: str, *, key: bytes) -> PrMeta | None:
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
    if not all(isinstance(value, str) for value in data.values()):
        return None
    if not hmac.compare_digest(signature, _signature(data, key)):
        return None
    try:
        return PrMeta.model_validate(data)
    except ValidationError:
        return None
