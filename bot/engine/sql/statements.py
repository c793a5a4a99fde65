"""Split a script into statements, keeping every statement's offsets into the script.

The whole script is tokenized once and each statement is parsed from its own
tokens, so one statement that cannot be parsed never hides the others, and the
offsets sqlglot puts on identifiers are offsets into the script itself.

BigQuery scripting wraps statements in blocks (``BEGIN ... END``, ``IF ... THEN``,
``WHILE ... DO``, ``EXCEPTION WHEN ERROR THEN``), and a procedure's body is one
such block (``CREATE PROCEDURE p(IN n INT64) BEGIN ... END``). Their headers are
peeled off as statements of their own, so the statements inside are rewritten,
or guarded, one by one like any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import Token, TokenType

from bot.engine.sql.reading import tokenize

# Block headers and the keyword that ends them ("" when the keyword alone is the header).
_HEADERS = {
    "BEGIN": "",
    "LOOP": "",
    "REPEAT": "",
    "ELSE": "",
    "IF": "THEN",
    "ELSEIF": "THEN",
    "EXCEPTION": "THEN",
    "WHILE": "DO",
    "FOR": "DO",
}


# What may stand between CREATE and PROCEDURE: OR REPLACE, TEMP / TEMPORARY.
_PROCEDURE_MODIFIERS = frozenset({TokenType.OR, TokenType.REPLACE, TokenType.TEMPORARY})
_STRINGS = frozenset({TokenType.STRING, TokenType.RAW_STRING, TokenType.IDENTIFIER})


@dataclass(frozen=True)
class Statement:
    """One statement of a script: ``sql[start:end]``, from its first token to its last."""

    start: int
    end: int
    tokens: tuple[Token, ...]  # empty when the script could not be tokenized


def split_statements(
    sql: str, dialect: Dialect, tokens: Sequence[Token] | None = None
) -> list[Statement]:
    """Cut ``sql`` at semicolon tokens (never inside strings or comments).

    ``tokens`` are ``sql``'s tokens when the caller has them already. A script
    that cannot even be tokenized is one statement, so it can still be reported
    as unparsable instead of being silently skipped.
    """
    if tokens is None:
        try:
            tokens = tokenize(sql, dialect)
        except SqlglotError:
            return _untokenizable(sql, 0, len(sql))
    statements: list[Statement] = []
    for chunk, end in _chunks(tokens, len(sql)):
        statements.extend(_blocks(chunk, end, sql, dialect))
    return statements


def _chunks(tokens: Sequence[Token], length: int) -> Iterator[tuple[Sequence[Token], int]]:
    """Token runs between semicolons, each with the offset where its text ends."""
    start = 0
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.SEMICOLON:
            if index > start:
                yield tokens[start:index], token.start
            start = index + 1
    if start < len(tokens):
        yield tokens[start:], length


def _blocks(chunk: Sequence[Token], end: int, sql: str, dialect: Dialect) -> Iterator[Statement]:
    """The statement in ``chunk``, after any block headers in front of it."""
    first = chunk[0]
    if first.token_type == TokenType.COMMAND:
        # The tokenizer keeps a command's text as one string token; read it as SQL again
        # so a statement inside a block, or a table inside a command, stays visible.
        try:
            chunk = [first, *_tokenize_region(sql, first.end + 1, end, dialect)]
        except SqlglotError:
            yield from _untokenizable(sql, first.start, end)
            return
    body = _procedure_body(chunk)
    if body:
        yield _statement(chunk[:body])
        if chunk[body:]:
            yield from _blocks(chunk[body:], end, sql, dialect)
        return
    keyword = first.text.upper()
    closing = _HEADERS.get(keyword)
    if closing is None or (keyword == "BEGIN" and first.token_type != TokenType.COMMAND):
        yield _statement(chunk)
        return
    rest = chunk[1:]
    cut = 0
    if closing:
        cut = next(
            (i + 1 for i, token in enumerate(rest) if token.text.upper() == closing),
            len(rest),
        )
    yield _statement([first, *rest[:cut]])
    if rest[cut:]:
        yield from _blocks(rest[cut:], end, sql, dialect)


def _procedure_body(chunk: Sequence[Token]) -> int:
    """Where the body of ``CREATE ... PROCEDURE ... BEGIN`` starts in ``chunk``; 0 if it is not one.

    The header (name, parameters, ``OPTIONS``) ends at the first ``BEGIN`` outside
    brackets; the body's statements then follow like those of any ``BEGIN`` block.
    """
    if chunk[0].token_type != TokenType.CREATE:
        return 0
    header = 1
    while header < len(chunk) and chunk[header].token_type in _PROCEDURE_MODIFIERS:
        header += 1
    if header == len(chunk) or chunk[header].token_type != TokenType.PROCEDURE:
        return 0
    depth = 0
    for index in range(header + 1, len(chunk)):
        kind = chunk[index].token_type
        if kind in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif kind in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        elif depth == 0 and kind not in _STRINGS and chunk[index].text.upper() == "BEGIN":
            return index + 1
    return 0


def _tokenize_region(sql: str, start: int, end: int, dialect: Dialect) -> list[Token]:
    """Tokens of ``sql[start:end]``, moved to their offsets in ``sql``."""
    return [
        Token(t.token_type, t.text, t.line, t.col, t.start + start, t.end + start, t.comments)
        for t in tokenize(sql[start:end], dialect)
    ]


def _untokenizable(sql: str, start: int, end: int) -> list[Statement]:
    region = sql[start:end]
    stripped = region.lstrip()
    if not stripped.strip():
        return []
    first = start + len(region) - len(stripped)
    return [Statement(first, start + len(region.rstrip()), ())]


def _statement(tokens: Sequence[Token]) -> Statement:
    return Statement(tokens[0].start, tokens[-1].end + 1, tuple(tokens))
