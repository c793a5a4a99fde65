"""Which files and which lines an agent edit may touch: a pure check over the diff.

The tool set cannot widen this, whatever a prompt says. A file is editable when
it refers to a campaign table or carries the review comment or annotation being
answered, and it is not CI or build configuration (``bot.engine.protected``: the
one list every writer obeys). No file may be emptied. Scala and Java edits are
judged on their syntax tree (``bot.agent.tree_scope``). In other files, every hunk
must replace a line that names a campaign table or column (or a ``godwit:``
guardrail), or insert such a line next to one, or lie within a few lines of a
commented line; test files may not lose lines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.agent.tree_scope import GUARDRAIL_MARKER, check_tree_change
from bot.engine.protected import protected_reason
from bot.engine.sql.mappings import parse_mapping
from bot.spec import Campaign

_TEST_DIRECTORIES = frozenset({"test", "tests", "it", "spec", "specs", "__tests__"})
_TEST_NAME = re.compile(r"(?:^test_|_test\.|Test\.|Tests\.|Spec\.|Suite\.|\.test\.|\.spec\.)")
TREE_GRAMMARS = {".scala": "scala", ".java": "java"}
"""Files whose edits are judged on their syntax tree (``bot.agent.tree_scope``), not by line."""


def is_test_path(path: str) -> bool:
    pure = PurePosixPath(path)
    in_test_folder = any(part.lower() in _TEST_DIRECTORIES for part in pure.parts[:-1])
    return in_test_folder or _TEST_NAME.search(pure.name) is not None


def _words(names: set[str]) -> str:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])"


def table_pattern(campaign: Campaign) -> re.Pattern[str]:
    """The old and new tables' own names, which every spelling of them contains."""
    names = {m.old_name.table for m in campaign.tables} | {
        m.new_name.table for m in campaign.tables
    }
    return re.compile(_words(names))


def relevance_pattern(campaign: Campaign) -> re.Pattern[str]:
    """Names whose presence on a line makes it part of the migration.

    Old and new tables (their table part, which every spelling contains), old
    columns, the columns mappings read and the new schema's columns, and the
    guardrail marker the engine leaves.
    """
    names: set[str] = set()
    for mapping in campaign.tables:
        names |= {mapping.old_name.table, mapping.new_name.table}
        names |= set(mapping.columns) | set(mapping.old_columns or ())
        names |= set(mapping.new_columns or ())
        for expression in mapping.columns.values():
            if expression is not None:
                names |= parse_mapping(expression, campaign.dialect).reads
    return re.compile(f"{_words(names)}|{GUARDRAIL_MARKER}", re.IGNORECASE)


@dataclass(frozen=True)
class ScopeRules:
    """Everything the check needs, fixed in code before the model says anything."""

    tables: re.Pattern[str]  # decides which files are editable
    pattern: re.Pattern[str]  # decides which lines are
    anchors: Mapping[str, frozenset[int]]  # path -> 1-based commented/annotated lines
    window: int
    only: frozenset[str] | None = None  # when set, no other path is editable
    campaign: Campaign | None = None  # for edits judged on the syntax tree
    related: frozenset[str] = frozenset()  # tests building typed rows of the migrated files

    def editable(self, path: str, text: str) -> str | None:
        """Why the file at ``path`` (currently ``text``) may not be edited, or None."""
        reason = protected_reason(path)
        if reason is not None:
            return reason
        if self.only is not None and path not in self.only:
            return f"{path} is not one of the files this task may change"
        if path in self.anchors or path in self.related or self.tables.search(text) is not None:
            return None
        return f"{path} neither refers to a campaign table nor carries the comment being answered"


def scope_rules(
    campaign: Campaign,
    anchors: Mapping[str, Iterable[int]] | None = None,
    window: int = 3,
    only: Iterable[str] | None = None,
    related: Iterable[str] = (),
) -> ScopeRules:
    frozen = {path: frozenset(lines) for path, lines in (anchors or {}).items()}
    limited = None if only is None else frozenset(only)
    return ScopeRules(
        table_pattern(campaign),
        relevance_pattern(campaign),
        frozen,
        window,
        limited,
        campaign,
        frozenset(related),
    )


def check_change(rules: ScopeRules, path: str, before: str, after: str) -> list[str]:
    """Every reason the change of ``path`` from ``before`` to ``after`` is out of scope."""
    reason = rules.editable(path, before)
    if reason is not None:
        return [reason]
    if before.strip() and not after.strip():
        return [f"{path} would be emptied; files are never deleted"]
    anchors = rules.anchors.get(path, frozenset())
    grammar = TREE_GRAMMARS.get(PurePosixPath(path).suffix)
    if grammar is not None and rules.campaign is not None:
        test = is_test_path(path)
        return check_tree_change(
            rules.campaign, grammar, path, before, after, anchors, rules.window, test
        )
    old_lines, new_lines = before.splitlines(), after.splitlines()
    problems: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # An insertion touches the lines on either side of it and must itself be about the
        # migration (an alias, a guardrail); a replacement touches the lines it replaces.
        touched = range(i1 + 1, i2 + 1) if i2 > i1 else range(max(1, i1), i1 + 2)
        names = any(
            rules.pattern.search(old_lines[line - 1]) for line in touched if line <= len(old_lines)
        )
        if i2 == i1:
            names = names and any(rules.pattern.search(line) for line in new_lines[j1:j2])
        near = any(abs(line - anchor) <= rules.window for line in touched for anchor in anchors)
        relevant = names or near
        where = f"{path} line {i1 + 1}" if i2 > i1 else f"{path} after line {i1}"
        if not relevant:
            problems.append(
                f"{where}: the change touches no line that refers to a campaign table or "
                "column, nor the lines under review"
            )
        if is_test_path(path) and (i2 - i1) > (j2 - j1):
            problems.append(f"{where}: test code may not be removed")
    return problems
