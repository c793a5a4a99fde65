"""Campaign YAML to a validated ``Campaign``, each problem placed on its line.

The document is read in round-trip mode, which keeps the line of every key, so
an error names the line the author edits; anchors, aliases, deep nesting and
oversized lists are refused from the parser's events before anything is built.
``load_campaign_file`` is the only function in ``bot.spec`` that touches the disk.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from ruamel.yaml.scalarbool import ScalarBoolean

from bot.spec.errors import CampaignError, CampaignIssue, _Loc
from bot.spec.limits import CAMPAIGN_LIMITS
from bot.spec.model import Campaign, Scope, TableMapping, UsageOptions, VerifyOptions


def load_campaign(text: str, *, source: str = "campaign") -> Campaign:
    """Validate a campaign from YAML text; raise ``CampaignError`` listing every problem."""
    return _load(text, source=source, line_offset=0)


def load_campaign_file(path: str | os.PathLike[str]) -> Campaign:
    """Read and validate a campaign file; errors name the file, and a huge one is not read."""
    size, limit = Path(path).stat().st_size, CAMPAIGN_LIMITS.max_bytes
    if size > limit:
        message = f"the campaign is {size:,} bytes, more than the limit of {limit:,}"
        raise CampaignError(str(path), [CampaignIssue("", None, message)])
    return load_campaign(Path(path).read_text(encoding="utf-8"), source=str(path))


def _load(text: str, *, source: str, line_offset: int) -> Campaign:
    too_large = _size_issue(text, line_offset)
    if too_large is not None:
        raise CampaignError(source, [too_large])
    try:
        shape = _shape_issue(text, line_offset)
        if shape is not None:
            raise CampaignError(source, [shape])
        tree = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise CampaignError(source, [_yaml_issue(exc, text, line_offset)]) from None
    if not isinstance(tree, CommentedMap):
        kind = "an empty document" if tree is None else _yaml_kind(_plain(tree))
        message = f"a campaign is a YAML mapping (id, title, guide, tables, ...), got {kind}"
        raise CampaignError(source, [CampaignIssue("", line_offset + 1, message)])
    issues = _count_issues(tree, line_offset)
    if not issues:
        try:
            return Campaign.model_validate(_plain(tree))
        except ValidationError as exc:
            issues = [_issue(error, tree, line_offset) for error in exc.errors()]
        except RecursionError:  # a safety net: the limits above should make this unreachable
            issues = [CampaignIssue("", line_offset + 1, "nested too deeply to validate")]
    issues.sort(key=lambda issue: (issue.line is None, issue.line or 0, issue.path))
    raise CampaignError(source, issues)


def _size_issue(text: str, line_offset: int) -> CampaignIssue | None:
    size, limit = len(text.encode("utf-8")), CAMPAIGN_LIMITS.max_bytes
    if size <= limit:
        return None
    message = f"the campaign is {size:,} bytes, more than the limit of {limit:,}"
    return CampaignIssue("", line_offset + 1, message)


def _shape_issue(text: str, line_offset: int) -> CampaignIssue | None:
    """Refuse anchors, aliases and deep nesting from the parser's events, before composing.

    Composing is where an alias bomb multiplies and where deep nesting recurses,
    so neither may get that far. Events carry no paths, only lines.
    """
    depth, limit = 0, CAMPAIGN_LIMITS.max_depth
    for event in YAML(typ="rt").parse(text):
        line = event.start_mark.line + 1 + line_offset
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            name = f"*{event.anchor}" if isinstance(event, AliasEvent) else f"&{event.anchor}"
            message = f"YAML anchors and aliases ({name}) are not accepted in a campaign"
            return CampaignIssue("", line, message)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > limit:
                message = f"nested more than {limit} mappings or lists deep (the limit)"
                return CampaignIssue("", line, message)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _count_issues(tree: CommentedMap, line_offset: int) -> list[CampaignIssue]:
    """Too many tables or columns, found before validation spends time on each."""
    limits = CAMPAIGN_LIMITS
    found: list[tuple[_Loc, int, int, str]] = []
    tables = tree.get("tables")
    if isinstance(tables, list):
        found.append((("tables",), len(tables), limits.max_tables, "tables"))
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                continue
            for key in ("columns", "old_columns", "new_columns"):
                entries = table.get(key)
                if isinstance(entries, dict | list):
                    found.append((("tables", index, key), len(entries), limits.max_columns, key))
    issues = []
    for loc, count, limit, what in found:
        if count > limit:
            line = _line_of(tree, loc)
            message = f"{count:,} {what}, more than the limit of {limit:,}"
            issues.append(
                CampaignIssue(_path(loc), None if line is None else line + 1 + line_offset, message)
            )
    return issues


_OPENERS = {'"': "quote", "'": "quote", "[": "[", "{": "{"}
"""What a person left open when the parser fails far below it, at the end of the text."""


def _yaml_issue(exc: YAMLError, text: str, line_offset: int) -> CampaignIssue:
    """The problem, placed where an unclosed quote or bracket began rather than where it hurt.

    An unclosed ``"`` or ``[`` makes the parser fail lines later (often at the end of
    the text); the line that needs the fix is the one that opened it.
    """
    mark = getattr(exc, "problem_mark", None)
    line = None if mark is None else mark.line + 1 + line_offset
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context and not isinstance(exc, DuplicateKeyError):
        problem = f"{context}: {problem}"
    opener = None if isinstance(exc, DuplicateKeyError) else _unclosed_opener(exc, text)
    if opener is None or line is None or line <= opener[0] + line_offset:
        return CampaignIssue("", line, f"invalid YAML: {problem}")
    opened_line, column, what = opener
    message = (
        f"invalid YAML: the {what} opened at column {column} is still open at line {line}"
        f" ({problem})"
    )
    return CampaignIssue("", opened_line + line_offset, message)


def _unclosed_opener(exc: YAMLError, text: str) -> tuple[int, int, str] | None:
    """(1-based line, column, what) of the quote or flow bracket still open at the error.

    The scanner marks an unclosed quote itself; for brackets the parser's events are
    replayed up to the error, keeping the flow collections still open.
    """
    lines = text.splitlines()
    context_mark = getattr(exc, "context_mark", None)
    if context_mark is not None and context_mark.line < len(lines):
        char = lines[context_mark.line][context_mark.column : context_mark.column + 1]
        if char in _OPENERS:
            return context_mark.line + 1, context_mark.column + 1, _OPENERS[char]
    open_collections: list[tuple[bool, Any]] = []
    try:
        for event in YAML(typ="rt").parse(text):
            if isinstance(event, CollectionStartEvent):
                open_collections.append((bool(event.flow_style), event.start_mark))
            elif isinstance(event, CollectionEndEvent) and open_collections:
                open_collections.pop()
    except YAMLError:
        pass
    flows = [mark for flow, mark in open_collections if flow]
    if not flows:
        return None
    start = flows[-1]
    char = lines[start.line][start.column : start.column + 1] if start.line < len(lines) else ""
    return start.line + 1, start.column + 1, _OPENERS.get(char, "bracket")


def _plain(node: Any) -> Any:
    """Turn ruamel's round-trip nodes into plain Python values before validation."""
    if isinstance(node, dict):
        return {_plain(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, ScalarBoolean):
        return bool(node)
    for kind in (str, bool, int, float):
        if isinstance(node, kind):
            return kind(node)
    return node


def _issue(error: Any, tree: CommentedMap, line_offset: int) -> CampaignIssue:
    loc: _Loc = tuple(error["loc"])
    line = _line_of(tree, loc)
    return CampaignIssue(
        _path(loc),
        None if line is None else line + 1 + line_offset,
        _message(error, loc),
    )


def _line_of(tree: CommentedMap, loc: _Loc) -> int | None:
    """The 0-based line of the deepest node on ``loc`` that exists in the document.

    A missing key thus points at the mapping that lacks it.
    """
    node: Any = tree
    line = None
    for element in loc:
        if isinstance(node, CommentedMap) and element in node:
            line = node.lc.key(element)[0]
        elif isinstance(node, CommentedSeq) and isinstance(element, int) and element < len(node):
            line = node.lc.item(element)[0]
        else:
            break
        node = node[element]
    return line


def _path(loc: _Loc) -> str:
    path = ""
    for element in loc:
        if isinstance(element, int):
            path += f"[{element}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", element):
            path += f".{element}" if path else element
        else:
            path += f"[{element!r}]"
    return path


def _message(error: Any, loc: _Loc) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "string_type":
        value = error["input"]
        hint = "" if value is None or isinstance(value, dict | list) else " (quote it)"
        return f"expected a string, got {_yaml_kind(value)}{hint}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "expected a mapping"
    if kind == "list_type":
        return "expected a list"
    return str(error["msg"])


def _unknown_key(loc: _Loc) -> str:
    key = str(loc[-1])
    parent = tuple(element for element in loc[:-1] if isinstance(element, str))
    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): Campaign,
        ("tables",): TableMapping,
        ("scope",): Scope,
        ("verify",): VerifyOptions,
        ("usage",): UsageOptions,
    }
    model = models.get(parent)
    if model is None:
        return "unknown key"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return "unknown key (expected one of: " + ", ".join(allowed) + ")"


def _yaml_kind(value: object) -> str:
    """Name a plain value the way a YAML author thinks of it."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (bool, "a boolean"),
        ((int, float), "a number"),
        (str, "a string"),
        (list, "a list"),
        (dict, "a mapping"),
        (datetime.date, "a date"),
        (type(None), "null"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), "a value")
