"""The prompt: a stable, cached prefix per campaign and framework, then the task.

The prefix is tools, then the system prompt, the campaign's mapping table and
the framework's context file, in that order, with one cache breakpoint after
the last of them. It depends on nothing but the campaign and the framework, so
every task of a campaign reads it from the cache, provided it is at least the
model's minimum cacheable length (``bot.agent.caching``; ``godwit plan --json``
reports ``prefix_cached``). Below it the breakpoint is kept: it costs nothing and
the conversation's breakpoint still caches once the conversation is long enough.
The mapping is a table, not prose: the model follows explicit rows far more
reliably than a narrative.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from anthropic.types import CacheControlEphemeralParam, TextBlockParam, ToolParam

from bot.agent.schema import RowField, table_schema
from bot.agent.settings import CacheTtl
from bot.agent.tools import TOOLS
from bot.engine.adapters import adapter_for
from bot.engine.model import Framework
from bot.rendering import render, templates_dir
from bot.spec import Campaign, TableMapping

_NESTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


@dataclass(frozen=True)
class Prefix:
    """What every request of a task starts with, byte for byte."""

    tools: list[ToolParam]
    system: list[TextBlockParam]

    def text(self) -> str:
        """The prefix as the bytes that are sent, for size estimates and comparisons."""
        return json.dumps([self.tools, self.system], sort_keys=True)


def cache_marker(ttl: CacheTtl) -> CacheControlEphemeralParam:
    # The default TTL is left implicit so requests stay as the API documents them.
    return {"type": "ephemeral"} if ttl == "5m" else {"type": "ephemeral", "ttl": ttl}


@cache
def context_file(framework: Framework) -> str:
    """The framework's context file, verbatim (it holds Jinja examples, so it is not rendered)."""
    return (templates_dir() / "context" / adapter_for(framework).context_file).read_text(
        encoding="utf-8"
    )


def mapping_rows(mapping: TableMapping) -> list[dict[str, Any]]:
    """Every old column with what it becomes, in the campaign's order."""
    names = list(mapping.columns)
    listed = {name.lower() for name in names}
    names += [name for name in mapping.old_columns or [] if name.lower() not in listed]
    rows = []
    for name in names:
        target = mapping.target(name)
        if target.expression is None:
            kind = "no equivalent: leave a guardrail"
        elif not target.changed:
            kind = "unchanged"
        elif target.expression.replace("_", "").isalnum():
            kind = "rename"
        elif _NESTED.fullmatch(target.expression):
            kind = "nested field (a field of a record)"
        else:
            kind = "expression"
        rows.append({"column": name, "expression": target.expression, "kind": kind})
    return rows


def schema_rows(mapping: TableMapping) -> list[dict[str, str]]:
    """The new schema with modes, nested fields under their record, as typed rows see it."""
    schema = table_schema(mapping)
    if schema is None:
        return []
    rows: list[dict[str, str]] = []

    def add(prefix: str, found: RowField) -> None:
        name = f"{prefix}{found.name}"
        rows.append(
            {
                "name": name,
                "type": found.type or (mapping.new_columns or {}).get(found.name, ""),
                "mode": found.mode,
                "scala": found.scala(),
            }
        )
        for child in (found.children or {}).values():
            add(f"{name}.", child)

    for found in schema.fields.values():
        add("", found)
    return rows


def mapping_table(campaign: Campaign) -> str:
    tables = [
        {
            "old": mapping.old,
            "new": mapping.new,
            "rows": mapping_rows(mapping),
            "old_columns": list(mapping.old_columns or []),
            "schema": schema_rows(mapping),
        }
        for mapping in campaign.tables
    ]
    return render("agent/mapping.md.j2", campaign=campaign, tables=tables)


def stable_prefix(campaign: Campaign, framework: Framework, ttl: CacheTtl) -> Prefix:
    system: list[TextBlockParam] = [
        {"type": "text", "text": render("agent/system.md.j2")},
        {"type": "text", "text": mapping_table(campaign)},
        {"type": "text", "text": context_file(framework), "cache_control": cache_marker(ttl)},
    ]
    return Prefix(tools=list(TOOLS), system=system)
