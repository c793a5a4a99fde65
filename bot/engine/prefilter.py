"""A cheap textual test that rules a file out before anything is parsed.

Parsing costs milliseconds a file; a regular-expression scan costs microseconds.
In a fleet where a few percent of files read the old table, skipping the rest
unparsed is most of the speed. The test must never skip a file that could hold a
reference, so it looks for anything that can spell one: the table's own name
(every qualified, quoted, bare or decorated form contains it) and
``dataset.<prefix>*`` (a wildcard over the old table). The name must stand alone:
a letter, digit or underscore on either side makes another table (``plays_v10``,
``old_plays_v1``), which a fleet names far more often than it reads the old one.
Any other neighbour (a quote, ``.``, ``$``, ``*``, ``-``, a non-ASCII letter)
lets the file through, so the rule can only keep files in, never a reference out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.spec import Campaign


def needle_pattern(campaign: Campaign, extra_needles: Iterable[str] = ()) -> re.Pattern[str]:
    """One compiled alternation over every spelling that can start a reference."""
    alternatives: list[str] = []
    for mapping in campaign.tables:
        old = mapping.old_name
        alternatives.append(rf"(?<![A-Za-z0-9_]){re.escape(old.table)}(?![A-Za-z0-9_])")
        alternatives.append(rf"{re.escape(old.dataset)}`?\s*\.\s*`?[A-Za-z0-9_]*\*")
    alternatives.extend(re.escape(needle) for needle in extra_needles)
    return re.compile("|".join(alternatives))


def may_reference(text: str, pattern: re.Pattern[str]) -> bool:
    return pattern.search(text) is not None


def may_reference_raw(raw: bytes, pattern: re.Pattern[str]) -> bool:
    """The same test on bytes that are not readable text (a skipped file).

    Undecodable bytes become U+FFFD and ASCII survives, so every spelling the
    text test finds is found here too. With NUL bytes the test runs again on the
    bytes without them, which is how UTF-16 text spells an ASCII table name.
    """
    if pattern.search(raw.decode("utf-8", "replace")) is not None:
        return True
    return (
        b"\0" in raw
        and pattern.search(raw.replace(b"\0", b"").decode("utf-8", "replace")) is not None
    )
