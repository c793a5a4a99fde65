"""Rewrite the SQL held by a string literal (or a ``+`` chain of them), in file offsets.

The SQL core works on the literal's runtime text, where a splice in a value
position (``= $day``, ``LIMIT $n``) reads as a query parameter and any other
splice as an opaque identifier; this module carries the core's findings back
into the Scala file. Edits are re-spelled for the literal they
land in (escapes, ``$$``); an edit that cannot be spelled there, or that would
cut into a splice, cancels the whole query's rewrite in favour of a guardrail.
Guardrails go above the line where the literal starts, never inside it: a
comment line inside a multi-line query would change the query.
"""

from __future__ import annotations

from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from bot.engine.model import (
    FileRewrite,
    GuardrailSite,
    StatementParity,
    TextEdit,
    VerificationIssue,
)
from bot.engine.scala.lexer import StringLiteral
from bot.engine.scala.literal_text import LiteralText, encode
from bot.engine.sql import rewrite_sql
from bot.engine.sql.reading import dialect_named, tokenize
from bot.spec import Campaign

# Tokens after which a splice stands for a value (``= $date``, ``LIMIT $n``, ``IN ($ids)``).
_BEFORE_VALUE = frozenset(
    {
        TokenType.EQ,
        TokenType.NEQ,
        TokenType.LT,
        TokenType.LTE,
        TokenType.GT,
        TokenType.GTE,
        TokenType.LIMIT,
        TokenType.OFFSET,
        TokenType.INTERVAL,
    }
)


def rewrite_embedded(source: str, sql: LiteralText, campaign: Campaign) -> FileRewrite:
    """The literal's references, edits and guardrails, all in offsets of ``source``."""
    sql = sql.with_parameters(_value_splices(sql, campaign.dialect))
    core = rewrite_sql(sql.text, campaign, opaque_identifier=sql.is_placeholder)
    anchor = sql.start
    result = FileRewrite(
        references=[
            sql.reference(source, reference.table, reference.kind, reference.start, reference.end)
            for reference in core.references
        ],
        guardrails=[GuardrailSite(anchor, site.reason) for site in core.guardrails],
        verification=[
            VerificationIssue(sql.file_span(issue.offset, issue.offset)[0], issue.message)
            for issue in core.verification
        ],
    )
    placed = [_edit(sql, edit) for edit in core.edits]
    problems = sorted({reason for reason in placed if isinstance(reason, str)})
    if problems:
        result.guardrails += [GuardrailSite(anchor, reason) for reason in problems]
    else:
        result.edits = [edit for edit in placed if isinstance(edit, TextEdit)]
        result.statements_rewritten = core.statements_rewritten
        result.parity = [StatementParity(anchor, p.outcome) for p in core.parity]
    return result


def _value_splices(sql: LiteralText, dialect: str) -> set[str]:
    """Placeholders that stand where SQL expects a value, which a query parameter spells.

    Anywhere else (a select list, a table name, a whole predicate) a splice may
    generate column names, so it stays an identifier that the SQL core treats
    as opaque. Placeholders inside SQL string literals are plain text already.
    """
    if not sql.placeholders:
        return set()  # nothing spliced: no need to read the tokens
    try:
        tokens = tokenize(sql.text, dialect_named(dialect))
    except SqlglotError:
        return set()
    values: set[str] = set()
    for index in range(1, len(tokens)):
        token, before = tokens[index], tokens[index - 1].token_type
        if token.token_type is not TokenType.VAR or token.text not in sql.placeholders:
            continue
        in_list = before is TokenType.L_PAREN and index >= 2
        if before in _BEFORE_VALUE or (in_list and tokens[index - 2].token_type is TokenType.IN):
            values.add(token.text)
    return values


def _edit(sql: LiteralText, edit: TextEdit) -> TextEdit | str:
    """The edit in file offsets, or why it cannot be made there."""
    start, end = sql.file_span(edit.start, edit.end)
    literal = sql.literal_holding(start, end)
    if literal is None or sql.touches_splice(edit.start, edit.end):
        return "rewriting the query would cut into an interpolation or a + between literals"
    spelled = encode(edit.replacement, literal)
    if spelled is None:
        return f"the rewritten query cannot be written into this {_kind(literal)} literal"
    return TextEdit(start, end, spelled)


def _kind(literal: StringLiteral) -> str:
    quotes = '"""' if literal.triple else '"'
    margin = ".stripMargin" if literal.margin is not None else ""
    return f"{literal.interpolator or ''}{quotes}...{quotes}{margin}"
