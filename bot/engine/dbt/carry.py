"""What an old table's entry in the sources YAML hands on to the new table's entry.

The old entry's description, column descriptions, data tests, freshness and other
settings describe the data, not the name it had, so they move to the new entry
(contract section 5). A column follows its mapping: a renamed column's tests move
to the new name. A column mapped to ``null`` or to an expression is no column of
the new table, so its tests cannot follow it: each becomes a guardrail line in
the YAML instead of vanishing. So does a test whose arguments name a changed
column, which only a person can rewrite.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot.engine.sql.guard import Guarded
from bot.engine.sql.mappings import parse_mapping
from bot.spec import TableMapping

_NAMES = frozenset({"name", "identifier"})  # the new entry has its own
_TESTS = ("data_tests", "tests")


@dataclass(frozen=True)
class Carried:
    """The new entry's keys besides its name, and what moved or could not."""

    body: str  # JSON object of the keys, in the old entry's order (hashable, for caching)
    guardrails: tuple[str, ...]  # reasons: what a person must carry over by hand
    moved: tuple[str, ...]  # what was carried, for the pull request body

    def keys(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads(self.body)
        return loaded


NOTHING = Carried("{}", (), ())


def carry(entry: object, mapping: TableMapping, dialect: str) -> Carried:
    """The part of the old ``entry`` (a table of a sources YAML) that goes to the new one."""
    if not isinstance(entry, Mapping):
        return NOTHING
    plain: dict[str, object] = json.loads(json.dumps(entry, default=str))
    carrier = _Carrier(mapping, dialect)
    body: dict[str, object] = {}
    for key, value in plain.items():
        if key in _NAMES:
            continue
        if key == "columns" and isinstance(value, list):
            body[key] = [c for c in (carrier.column(c) for c in value) if c is not None]
        elif key in _TESTS and isinstance(value, list):
            kept = carrier.tests(value, "the table")
            if kept or not value:
                body[key] = kept
        elif key == "loaded_at_field" and isinstance(value, str):
            renamed = carrier.renamed(value)
            if renamed is None:
                carrier.guard(f"loaded_at_field {value} is not a column of {mapping.new}")
                continue
            body[key] = renamed
        else:
            body[key] = value
        if key not in ("columns", *_TESTS) and key in body:
            carrier.moved.append(key)
    return Carried(json.dumps(body), tuple(carrier.guardrails), tuple(carrier.moved))


class _Carrier:
    """Follows each column through the mapping, collecting what moved and what did not."""

    def __init__(self, mapping: TableMapping, dialect: str) -> None:
        self.mapping = mapping
        self.dialect = dialect
        self.guardrails: list[str] = []
        self.moved: list[str] = []
        self._changed = _words(tuple(c for c in mapping.columns if mapping.changes(c)))

    def guard(self, reason: str) -> None:
        self.guardrails.append(reason)

    def renamed(self, column: str) -> str | None:
        """The column's name in the new table; None when it is no column there."""
        target = self.mapping.target(column)
        if target.expression is None:
            return None
        if not target.changed:
            return column
        try:
            return parse_mapping(target.expression, self.dialect).plain_name
        except Guarded:
            return None

    def column(self, column: object) -> object | None:
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            return column
        name: str = column["name"]
        new = self.renamed(name)
        tests = [t for key in _TESTS for t in _as_list(column.get(key))]
        if new is None:
            target = self.mapping.target(name).expression
            why = (
                f"{name} has no equivalent in {self.mapping.new}"
                if target is None
                else f"{name} becomes {target} in {self.mapping.new}"
            )
            if tests:
                names = ", ".join(_test_name(t) for t in tests)
                self.guard(f"{why}: its tests ({names}) were not carried over")
            else:
                self.moved.append(f"not column {name} ({why})")
            return None
        carried = dict(column)
        carried["name"] = new
        kept: list[object] = []
        for key in _TESTS:
            if isinstance(column.get(key), list) and column[key]:
                carried[key] = self.tests(column[key], new)
                kept.extend(carried[key])
                if not carried[key]:
                    del carried[key]
        if kept:
            names = ", ".join(_test_name(t) for t in kept)
            moved = f"{name} → {new}" if new != name else name
            self.moved.append(f"tests on {moved} ({names})")
        return carried

    def tests(self, tests: Iterable[object], where: str) -> list[object]:
        """The tests that can move as they are; the others become guardrails."""
        kept: list[object] = []
        for test in tests:
            text = json.dumps(test) if isinstance(test, dict) else ""
            named = self._changed.search(text) if self._changed is not None else None
            if named is not None:
                self.guard(
                    f"the test {_test_name(test)} on {where} names {named.group()}, which "
                    f"changes in {self.mapping.new}: it was not carried over"
                )
                continue
            kept.append(test)
        return kept


@lru_cache(maxsize=64)
def _words(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of ``names`` as a whole word (not a field of something else), any case."""
    if not names:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _test_name(test: object) -> str:
    if isinstance(test, dict) and test:
        return str(next(iter(test)))
    return str(test)
