"""Checks of an edited Scala or Java file, for edits the engine did not make itself.

SQL in string literals that reads a new table must read columns it has. Typed
reads are resolved on the syntax tree by the agent's checks (``bot.agent.rows``).
"""

from __future__ import annotations

import re

from bot.engine.edits import LineIndex
from bot.engine.scala.lexer import Lexed
from bot.engine.scala.literal_text import LiteralError, literal_text
from bot.engine.scala.tables import looks_like_sql
from bot.engine.sql.checks import unknown_new_column
from bot.spec import Campaign


def literal_problems(campaign: Campaign, after: str, lexed: Lexed) -> list[str]:
    """Every reason the literals of an edited JVM file are not acceptable."""
    return _embedded_sql_problems(campaign, after, lexed)


def _embedded_sql_problems(campaign: Campaign, after: str, lexed: Lexed) -> list[str]:
    """SQL in Scala string literals that reads a new table must read columns it has."""
    index = LineIndex(after)
    problems: list[str] = []
    for literal in lexed.literals:
        try:
            value = literal_text(after, [literal]).text
        except LiteralError:
            continue
        if not looks_like_sql(value):
            continue
        if not any(_names_table(value, m.new) for m in campaign.tables):
            continue
        reason = unknown_new_column(value, campaign)
        if reason is not None:
            problems.append(f"line {index.line_of(literal.start)}: {reason}")
    return problems


def _names_table(value: str, table: str) -> bool:
    """A spec (``p:d.t``, ``p.d.t``) or a query naming ``table`` (project optional)."""
    project, _, rest = table.partition(".")
    spellings = (table, f"{project}:{rest}", rest)
    return any(
        re.search(rf"(?<![\w.:-]){re.escape(spelling)}(?![\w])", value) for spelling in spellings
    )
