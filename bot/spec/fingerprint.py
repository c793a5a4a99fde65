"""The campaign's fingerprint, which tells a stale PR from a current one."""

from __future__ import annotations

import hashlib
import json

from bot.spec.model import Campaign, VerifyOptions


def spec_hash(campaign: Campaign) -> str:
    """A fingerprint of everything that can change a rewrite, to tell when a PR is stale.

    Defaults are part of the dump, so spelling out ``dialect: bigquery`` or
    reordering keys does not change the hash; anything with meaning does. The
    agent options are left out: they change who finishes a PR, not its rewrite.
    The verify options count only when they differ from the defaults, so campaigns
    hashed before they existed keep their hash (turning parity off can change a
    rewrite: a statement whose rewrite differs is then rewritten instead of guarded).
    The usage evidence is left out too: it says who reads a table, not how to rewrite it.
    Column modes count when one is REQUIRED (REPEATED already shows in the type as
    ``ARRAY<...>``): a typed row reads a REQUIRED field bare and a NULLABLE one as
    an ``Option``, so the code that migrates it differs.
    """
    excluded = {"agent", "usage"}
    if campaign.verify == VerifyOptions():
        excluded.add("verify")
    dumped = campaign.model_dump(mode="json", exclude=excluded)
    required = [
        [index, column]
        for index, table in enumerate(campaign.tables)
        for column in sorted(table.new_columns or {})
        if table.mode(column) == "REQUIRED"
    ]
    if required:
        dumped["required_columns"] = required
    canonical = json.dumps(
        dumped,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
