"""Scala and Java consumers, planned over all of a repository's files of one language.

The decisions are the Scala adapter's (``bot.engine.scala.adapter``), taken on
literals that tree-sitter finds; the languages differ only in how they are
lexed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.campaign import Campaign
from bot.engine.java.lexer import lex_java
from bot.engine.model import FileRewrite, VerificationIssue
from bot.engine.prefilter import may_reference, needle_pattern
from bot.engine.scala.adapter import rewrite_lexed
from bot.engine.scala.lexer import Lexed, lex

_LEXERS: dict[str, Callable[[str], Lexed]] = {"scala": lex, "java": lex_java}


def lex_file(language: str, text: str) -> Lexed:
    return _LEXERS[language](text)


@dataclass
class JvmRewrite:
    files: dict[str, FileRewrite] = field(default_factory=dict)
    skipped: int = 0


def plan_jvm(language: str, campaign: Campaign, files: Mapping[str, str]) -> JvmRewrite:
    """Plan every file of ``files`` (path → text, all in ``language``)."""
    pattern = needle_pattern(campaign)
    result = JvmRewrite()
    for path, text in files.items():
        if not may_reference(text, pattern):
            result.skipped += 1
            continue
        try:
            rewrite = rewrite_lexed(text, lex_file(language, text), campaign)
        except RecursionError as error:
            rewrite = FileRewrite(verification=[VerificationIssue(0, f"not processed: {error}")])
        result.files[path] = rewrite
    return result
