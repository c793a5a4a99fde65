"""Tokenize and parse with one dialect, tokenizer and parser per name (and thread).

sqlglot's ``Dialect.tokenize`` and ``Dialect.parser()`` build a new tokenizer or
parser on every call, which costs about as much as tokenizing a short statement,
and the engine tokenizes and parses each statement it rewrites twice (to rewrite
it, then to verify the result). A tokenizer and a parser reset their state at the
start of every call, so one of each serves all the calls of a thread; they hold
that state while they work, so threads do not share them.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.parser import Parser
from sqlglot.tokenizer_core import Token
from sqlglot.tokens import Tokenizer


@lru_cache(maxsize=8)
def dialect_named(name: str) -> Dialect:
    """``Dialect.get_or_raise`` once per name: building a dialect costs as much as lexing a query.

    A dialect only holds settings, so one instance serves every caller.
    """
    return Dialect.get_or_raise(name)


class _Readers(threading.local):
    """This thread's tokenizers and parsers, by dialect."""

    def __init__(self) -> None:
        self.tokenizers: dict[Dialect, Tokenizer] = {}
        self.parsers: dict[Dialect, Parser] = {}


_READERS = _Readers()


BOM = "\ufeff"


def tokenize(sql: str, dialect: Dialect) -> list[Token]:
    """``dialect.tokenize(sql)``; raises ``TokenError`` as it does.

    A byte order mark at the start is read as the blank it is meant to be (sqlglot
    would glue it to the first keyword); a blank of the same length keeps every
    token's offset an offset into ``sql``.
    """
    tokenizer = _READERS.tokenizers.get(dialect)
    if tokenizer is None:
        tokenizer = _READERS.tokenizers[dialect] = dialect.tokenizer()
    if sql.startswith(BOM):
        sql = " " + sql[1:]
    return tokenizer.tokenize(sql)


def parse(tokens: list[Token], sql: str, dialect: Dialect) -> list[exp.Expr | None]:
    """``dialect.parser().parse(tokens, sql)``; raises ``ParseError`` as it does."""
    parser = _READERS.parsers.get(dialect)
    if parser is None:
        parser = _READERS.parsers[dialect] = dialect.parser()
    return parser.parse(tokens, sql)
