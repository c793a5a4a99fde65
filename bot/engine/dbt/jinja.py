"""Hide a dbt model's Jinja from the SQL parser without moving a single offset.

sqlglot cannot parse Jinja, and every edit the SQL core proposes must land on the
model's own text. So each ``{{ ... }}`` becomes an identifier of the same length
(it usually stands where a table or column goes) and ``{% ... %}`` / ``{# ... #}``
become spaces, newlines kept. jinja2's lexer is no help here: it drops the
whitespace that ``{%-`` / ``-%}`` strip, so its token offsets drift from the file.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlglot import Token, TokenType
from sqlglot.errors import TokenError

from bot.engine.sql.reading import dialect_named, tokenize


class ExpressionRole(StrEnum):
    SOURCE = "source"  # {{ source('s', 't') }}
    RELATION = "relation"  # {{ ref(...) }} / {{ this }}: a table, never the old one
    OPAQUE = "opaque"  # anything else: SQL text the engine cannot see
    STATEMENT = "statement"  # {{ config(...) }} and expressions opening a statement: blanked


@dataclass(frozen=True)
class SourceCall:
    """One ``source('s', 't')`` call, with the spans of its two names in the file."""

    source: str
    table: str
    start: int
    end: int
    source_span: tuple[int, int]
    table_span: tuple[int, int]


@dataclass(frozen=True)
class JinjaExpression:
    """One ``{{ ... }}`` of the model; ``placeholder`` is ``None`` when it was blanked."""

    start: int
    end: int
    text: str
    role: ExpressionRole
    placeholder: str | None
    source: SourceCall | None = None


@dataclass(frozen=True)
class MaskedModel:
    """The model with its Jinja masked; ``text`` has exactly the original's length."""

    text: str
    expressions: tuple[JinjaExpression, ...]
    comments: tuple[tuple[int, int], ...]  # spans of {# ... #}
    tokens: tuple[Token, ...]
    incremental: tuple[tuple[int, int], ...] = ()  # {% if is_incremental() %} branches

    def in_comment(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.comments)

    def statement_start(self, offset: int) -> int:
        """Offset of the first SQL token of the statement holding ``offset``.

        Blanked Jinja before a statement (``{{ config() }}``) belongs to the statement
        that follows it, so a guardrail lands on the SELECT/WITH line.
        """
        start: int | None = None
        for index, token in enumerate(self.tokens):
            opens = index == 0 or self.tokens[index - 1].token_type == TokenType.SEMICOLON
            if opens and token.start > offset:
                return start if start is not None else token.start
            if opens:
                start = token.start
        return start if start is not None else offset


_NAME = r"""(?P<q{n}>['"])(?P<{group}>[^'"\\]*)(?P=q{n})"""
_CALL = (
    r"(?<!\w)source\(\s*(?:source_name\s*=\s*)?"
    + _NAME.format(n=1, group="source")
    + r"\s*,\s*(?:table_name\s*=\s*)?"
    + _NAME.format(n=2, group="table")
    + r"\s*\)"
)
SOURCE_CALL = re.compile(_CALL)
WHOLE_SOURCE = re.compile(r"\{\{-?\s*(?P<call>" + _CALL + r")\s*-?\}\}")
_RELATION = re.compile(r"\{\{-?\s*(?:this|ref\(.*\))\s*-?\}\}", re.DOTALL)
_CONFIG = re.compile(r"\{\{-?\s*config\(")
_OPENERS = re.compile(r"\{\{|\{%|\{#")
_IF = re.compile(r"\{%-?\s*if\b(?P<condition>.*?)-?%\}", re.DOTALL)
_ELSE = re.compile(r"\{%-?\s*(?:else|elif)\b.*?-?%\}", re.DOTALL)
_ENDIF = re.compile(r"\{%-?\s*endif\s*-?%\}")
_INCREMENTAL = re.compile(r"^\s*is_incremental\(\)\s*$")
_DIGITS = string.digits + string.ascii_lowercase
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")


def _call(match: re.Match[str], offset: int, group: int | str = 0) -> SourceCall:
    def span(name: int | str) -> tuple[int, int]:
        return (match.start(name) + offset, match.end(name) + offset)

    return SourceCall(
        source=match["source"],
        table=match["table"],
        start=span(group)[0],
        end=span(group)[1],
        source_span=span("source"),
        table_span=span("table"),
    )


def source_calls(text: str) -> Iterator[SourceCall]:
    """Every ``source()`` call with literal names in ``text``, wherever it stands."""
    for match in SOURCE_CALL.finditer(text):
        yield _call(match, 0)


def placeholder(index: int, width: int) -> str:
    """An identifier of exactly ``width`` characters naming the ``index``-th expression."""
    digits = ""
    while True:
        index, rest = divmod(index, len(_DIGITS))
        digits = _DIGITS[rest] + digits
        if index == 0:
            break
    name = f"__j{digits}"
    if len(name) > width:
        raise ValueError(f"no {width}-character placeholder left for Jinja expression {digits}")
    return name.ljust(width, "_")


def _blank(text: str) -> str:
    return _NOT_LINE_BREAK.sub(" ", text)


def _tag_body(closer: str) -> re.Pattern[str]:
    """A tag's text after its opener, through ``closer``, skipping string literals in it."""
    first, second = map(re.escape, closer)
    return re.compile(
        rf"""(?:[^'"{first}]|{first}(?!{second})|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")*"""
        rf"{first}{second}",
        re.DOTALL,
    )


_TAG_BODIES = {"{{": _tag_body("}}"), "{%": _tag_body("%}")}


def _tag_end(text: str, start: int, opener: str) -> int:
    """End of the tag opened at ``start``; a comment is the only tag whose quotes are text."""
    if opener == "{#":
        end = text.find("#}", start + 2)
        if end >= 0:
            return end + 2
    else:
        body = _TAG_BODIES[opener].match(text, start + 2)
        if body is not None:
            return body.end()
    raise ValueError(f"unclosed Jinja tag at offset {start}")


def _role(tag: str, offset: int) -> tuple[ExpressionRole, SourceCall | None]:
    if _CONFIG.match(tag):
        return ExpressionRole.STATEMENT, None
    whole = WHOLE_SOURCE.fullmatch(tag)
    if whole:
        return ExpressionRole.SOURCE, _call(whole, offset, "call")
    if _RELATION.fullmatch(tag):
        return ExpressionRole.RELATION, None
    return ExpressionRole.OPAQUE, None


def mask(text: str, dialect: str) -> MaskedModel:
    """Mask ``text``; raise ``ValueError`` when its Jinja is not well formed."""
    out: list[str] = []
    expressions: list[JinjaExpression] = []
    comments: list[tuple[int, int]] = []
    branches = _Branches()
    cursor = 0
    for opener in _OPENERS.finditer(text):
        if opener.start() < cursor:
            continue
        start = opener.start()
        end = _tag_end(text, start, opener.group())
        out.append(text[cursor:start])
        tag = text[start:end]
        if opener.group() == "{{":
            role, call = _role(tag, start)
            name = None
            if role is not ExpressionRole.STATEMENT:
                name = placeholder(len(expressions), len(tag))
            expressions.append(JinjaExpression(start, end, tag, role, name, call))
            out.append(_blank(tag) if name is None else name)
        else:
            out.append(_blank(tag))
            if opener.group() == "{#":
                comments.append((start, end))
            else:
                branches.see(tag, start, end)
        cursor = end
    out.append(text[cursor:])
    masked = _blank_statement_openers("".join(out), tuple(expressions), tuple(comments), dialect)
    return replace(masked, incremental=tuple(branches.found))


class _Branches:
    """Spans of the ``{% if is_incremental() %}`` branches: the SQL a full refresh leaves out."""

    def __init__(self) -> None:
        self.open: list[tuple[bool, int]] = []  # (is the incremental branch, where it started)
        self.found: list[tuple[int, int]] = []

    def see(self, tag: str, start: int, end: int) -> None:
        opened = _IF.fullmatch(tag)
        if opened is not None:
            self.open.append((bool(_INCREMENTAL.match(opened["condition"])), start))
        elif self.open and (_ELSE.fullmatch(tag) or _ENDIF.fullmatch(tag)):
            incremental, began = self.open[-1]
            if incremental:
                self.found.append((began, end))
            if _ENDIF.fullmatch(tag):
                self.open.pop()
            else:
                self.open[-1] = (False, start)


def _tokens(masked: str, dialect: str) -> tuple[Token, ...]:
    try:
        return tuple(tokenize(masked, dialect_named(dialect)))
    except TokenError:
        return ()


def _blank_statement_openers(
    masked: str,
    expressions: tuple[JinjaExpression, ...],
    comments: tuple[tuple[int, int], ...],
    dialect: str,
) -> MaskedModel:
    """Blank expressions that open a statement: they are SQL of their own, not a name.

    A placeholder there would leave a lone identifier in front of the SELECT, which
    no longer parses. Blanking one can expose the next, hence the loop.
    """
    while True:
        tokens = _tokens(masked, dialect)
        openers = {
            token.start
            for index, token in enumerate(tokens)
            if index == 0 or tokens[index - 1].token_type == TokenType.SEMICOLON
        }
        found = [e for e in expressions if e.placeholder and e.start in openers]
        if not found:
            return MaskedModel(masked, expressions, comments, tokens)
        for e in found:
            masked = masked[: e.start] + _blank(e.text) + masked[e.end :]
        expressions = tuple(
            replace(e, role=ExpressionRole.STATEMENT, placeholder=None) if e in found else e
            for e in expressions
        )
