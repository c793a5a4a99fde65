"""Compare and show query results: the multiset of rows, and rows as people read them.

Floating point results are compared on ten significant digits: a SUM over the
same values in another order may differ in the last bits, which is no
difference of meaning. Numbers compare by value (``1`` equals ``1.0``); a date
never equals a timestamp, and a struct never equals a list.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from bot.parity.outcome import Table

MAX_SHOWN = 20


def _norm(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, Decimal):
        return float(f"{float(value):.10g}")
    if isinstance(value, dict):
        return ("struct", tuple((str(k).lower(), _norm(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(_norm(v) for v in value))
    if isinstance(value, datetime.datetime):
        return ("timestamp", value.replace(tzinfo=None).isoformat())
    if isinstance(value, datetime.date):
        return ("date", value.isoformat())
    return value


def multiset(rows: Sequence[tuple[object, ...]]) -> Counter[tuple[object, ...]]:
    return Counter(tuple(_norm(v) for v in row) for row in rows)


def show(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return "'" + value.replace("'", "\\'") + "'"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, bytes):
        return "b" + repr(value)[1:]
    return str(value)


def table(columns: Sequence[str], rows: Sequence[tuple[object, ...]]) -> Table:
    """At most ``MAX_SHOWN`` rows, sorted so equal inputs read the same."""
    shown = sorted(tuple(show(v) for v in row) for row in rows)
    return Table(tuple(columns), tuple(shown[:MAX_SHOWN]))
