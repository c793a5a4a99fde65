"""Scala and Java consumers, planned over all of a repository's files of one language.

Literal-level decisions (SQL in strings, typed annotations, interpolated names)
are the Scala adapter's (``bot.engine.scala.adapter``), taken on literals
tree-sitter finds; table names followed across files are ``resolve``'s. Files
are parsed only when needed: those the prefilter lets through, then those that
define a name such a file builds a table name from, and those that read a
constant naming an old table, until no new file is needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.engine.edits import SCALA_COMMENT, CommentSyntax
from bot.engine.guardrail_lines import without_guardrails
from bot.engine.java.lexer import lex_java
from bot.engine.jvm.legacy import legacy_queries
from bot.engine.jvm.resolve import TableResolver
from bot.engine.jvm.uses import RowClasses
from bot.engine.jvm.values import Resolver, Source, source
from bot.engine.model import FileRewrite, VerificationIssue
from bot.engine.prefilter import may_reference, needle_pattern
from bot.engine.scala.adapter import rewrite_lexed
from bot.engine.scala.lexer import Lexed, lex
from bot.engine.scala.tables import match_spec
from bot.spec import Campaign

_LEXERS: dict[str, Callable[[str], Lexed]] = {"scala": lex, "java": lex_java}
_STRING_NODES = frozenset({"string", "string_literal", "interpolated_string_expression"})
_NAME_NODES = frozenset({"identifier", "field_expression", "field_access"})
_ROUNDS = 4  # constants defined through constants in other files, at most this many hops


def lex_file(language: str, text: str) -> Lexed:
    return _LEXERS[language](text)


@dataclass
class JvmRewrite:
    files: dict[str, FileRewrite] = field(default_factory=dict)
    skipped: int = 0


def rewrite_file(language: str, text: str, campaign: Campaign, path: str = "Main") -> FileRewrite:
    """One file planned as a repository of its own (what a test of one file needs)."""
    found = plan_jvm(language, campaign, {path: text})
    return found.files.get(path, FileRewrite())


def rewrite_scala(text: str, campaign: Campaign) -> FileRewrite:
    return rewrite_file("scala", text, campaign, "Main.scala")


def plan_jvm(
    language: str,
    campaign: Campaign,
    files: Mapping[str, str],
    comment: CommentSyntax = SCALA_COMMENT,
) -> JvmRewrite:
    """Plan every file of ``files`` (path → text, all in ``language``).

    Godwit's own guardrail lines (``comment``) are left out of what is parsed
    (``guardrail_lines``), so planning a file it already guarded finds what it
    found the first time.
    """
    stripped = {path: without_guardrails(text, comment) for path, text in files.items()}
    found = _plan_texts(language, campaign, {path: s.text for path, s in stripped.items()})
    found.files = {path: stripped[path].restore(rewrite) for path, rewrite in found.files.items()}
    return found


def _plan_texts(language: str, campaign: Campaign, files: Mapping[str, str]) -> JvmRewrite:
    pattern = needle_pattern(campaign)
    parsed: dict[str, Source] = {}
    failed: dict[str, FileRewrite] = {}

    def parse(path: str, text: str) -> Source:
        if path not in parsed:
            parsed[path] = source(path, text, lex_file(language, text))
        return parsed[path]

    wanted = [p for p, text in files.items() if may_reference(text, pattern)]
    resolver = Resolver(parsed)
    for _ in range(_ROUNDS):
        for path in wanted:
            try:
                parse(path, files[path])
            except RecursionError as error:
                failed[path] = FileRewrite(
                    verification=[VerificationIssue(0, f"not processed: {error}")]
                )
        resolver = Resolver(parsed)
        wanted = _more_files(campaign, files, resolver, failed)
        if not wanted:
            break
    classes = RowClasses(files, parse)
    decisions = TableResolver(campaign, parsed, resolver, classes).run(sorted(parsed))
    for path, (legacy, literals) in legacy_queries(campaign, parsed).items():
        decisions.at(path).guardrails += legacy.guardrails
        decisions.at(path).references += legacy.references
        decisions.handled.setdefault(path, set()).update(literals)
    result = JvmRewrite(dict(failed))
    for path in sorted(parsed):
        if path in failed:
            continue
        file = parsed[path]
        handled = frozenset(decisions.handled.get(path, ()))
        rewrite = rewrite_lexed(file.text, file.lexed, campaign, handled, decisions.files.get(path))
        result.files[path] = _before_errors(rewrite, file, language)
    result.skipped = len(files) - len(parsed) - len(set(failed) - set(parsed))
    return result


def _more_files(
    campaign: Campaign,
    files: Mapping[str, str],
    resolver: Resolver,
    failed: Mapping[str, FileRewrite],
) -> list[str]:
    """Files not parsed yet that read a table constant or define a name a table is built from."""
    parsed = resolver.files
    needles = needle_pattern(campaign)
    readers: set[str] = set()
    builders: set[str] = set()
    for name, constants in resolver.by_name.items():
        for constant in constants:
            node = constant.value_node
            spelled = parsed[constant.path].lexed.parsed.source(node)
            if node.type not in _NAME_NODES and (
                needles.search(spelled) is None or (node.type in _STRING_NODES and " " in spelled)
            ):
                continue  # neither an alias nor anything that can spell an old table's spec
            value = resolver.evaluate(constant.path, constant.value_node)
            if value is not None and match_spec(value.text.split("=")[-1], campaign):
                readers.add(name)
    for file in parsed.values():
        for literal in file.lexed.literals:
            if needles.search(file.text, literal.start, literal.end) is None:
                continue
            before = file.lexed.code[max(0, literal.start - 80) : literal.start]
            joined = re.search(r"([A-Za-z_]\w*)\s*\+\s*$", before)
            if joined and joined.group(1) not in resolver.by_name:
                builders.add(joined.group(1))
    if not readers and not builders:
        return []
    uses = re.compile(r"\b(?:" + "|".join(sorted(readers)) + r")\b") if readers else None
    defines = (
        re.compile(r"\b(?:val|String)\s+(?:" + "|".join(sorted(builders)) + r")\b")
        if builders
        else None
    )
    return [
        path
        for path, text in files.items()
        if path not in parsed
        and path not in failed
        and (
            (uses is not None and uses.search(text) is not None)
            or (defines is not None and defines.search(text) is not None)
        )
    ]


def _before_errors(rewrite: FileRewrite, file: Source, language: str) -> FileRewrite:
    """Drop edits from the first syntax error on: past it, what is a literal is a guess."""
    error = file.lexed.parsed.first_error()
    if error is None:
        return rewrite
    kept = [edit for edit in rewrite.edits if edit.end <= error]
    if len(kept) < len(rewrite.edits):
        rewrite.edits = kept
        message = (
            f"the file does not parse as {language.title()} from here; "
            "nothing after it was rewritten"
        )
        rewrite.verification.append(VerificationIssue(error, message))
    return rewrite
