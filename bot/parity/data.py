"""Synthetic rows for a table schema: small value pools full of edge cases, several seeds.

Pools are deliberately small, so joins find partners, GROUP BY keys repeat and
filters on literals of the statement both match and miss: every literal the
statement compares with joins its type's pool, with its neighbours (``>= 30000``
brings 29999, 30000 and 30001). Dataset 0 walks every pool in turn, so every
edge value appears; the others draw at random from fixed seeds. Every third row
with a timestamp has a sibling at another time of the same day, and every dataset
ends with a copy of its first row: duplicate keys and duplicate rows.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlglot import exp

Value = object  # None, str, int, float, bool, Decimal, bytes, date/datetime/time, dict, list
DType = exp.DataType.Type

DAYS = (datetime.date(2023, 12, 31), datetime.date(2024, 1, 1), datetime.date(2024, 1, 2))
TODAY = datetime.date(2024, 1, 2)  # CURRENT_DATE() in every run
NOW = datetime.datetime(2024, 1, 2, 12, 0, 0)  # CURRENT_TIMESTAMP() in every run
_STRINGS = ("", "a", "b", "A", "ios", "android", "us", "it's")
_INTEGERS = (0, 1, -1, 2, 7, 30000, 60000, 3600000)
_FLOATS = (0.0, 1.0, -1.5, 0.5, 2.25, 1000000.0)
_DECIMALS = (Decimal("0"), Decimal("1.5"), Decimal("-2.25"), Decimal("100"))
MAX_ARRAY = 16  # elements of the longest synthetic array

_TEXT = frozenset({DType.VARCHAR, DType.CHAR, DType.TEXT, DType.NVARCHAR, DType.NCHAR})
_INTEGER = frozenset(
    {DType.BIGINT, DType.INT, DType.SMALLINT, DType.TINYINT, DType.UBIGINT, DType.UINT}
)
_FLOAT = frozenset({DType.DOUBLE, DType.FLOAT})
_DECIMAL = frozenset({DType.DECIMAL, DType.BIGDECIMAL})
_TIMESTAMP = frozenset(
    {DType.TIMESTAMP, DType.DATETIME, DType.TIMESTAMPTZ, DType.TIMESTAMPLTZ, DType.DATETIME64}
)
SUPPORTED = (
    _TEXT
    | _INTEGER
    | _FLOAT
    | _DECIMAL
    | _TIMESTAMP
    | {DType.DATE, DType.BOOLEAN, DType.BINARY, DType.VARBINARY, DType.TIME, DType.STRUCT}
    | {DType.ARRAY}
)


@dataclass
class Literals:
    """Values the statement mentions, which the pools of their type take in."""

    strings: set[str] = field(default_factory=set)
    integers: set[int] = field(default_factory=set)
    dates: set[datetime.date] = field(default_factory=set)

    def add(self, value: Value) -> None:
        """A value the statement compares with, once DuckDB computed it (a month, a year).

        Only text and numbers are taken: a date or a time is one the pools already
        hold near the pinned clock, and adding it would only split their reuse.
        """
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**12:
            self.integers.add(value)
        elif isinstance(value, str) and len(value) <= 64:
            self.strings.add(value)

    def key(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
        return (
            tuple(sorted(self.strings)),
            tuple(sorted(self.integers)),
            tuple(sorted(d.isoformat() for d in self.dates)),
        )


def unsupported(data_type: exp.DataType) -> str | None:
    """The first type inside ``data_type`` that no pool exists for, as BigQuery spells it."""
    if data_type.this not in SUPPORTED:
        return data_type.sql("bigquery")
    for inner in data_type.expressions:
        nested = inner.args.get("kind") if isinstance(inner, exp.ColumnDef) else inner
        if isinstance(nested, exp.DataType):
            found = unsupported(nested)
            if found is not None:
                return found
    return None


def struct_fields(data_type: exp.DataType) -> list[tuple[str, exp.DataType]]:
    fields: list[tuple[str, exp.DataType]] = []
    for inner in data_type.expressions:
        if isinstance(inner, exp.ColumnDef):
            kind = inner.args.get("kind")
            if isinstance(kind, exp.DataType):
                fields.append((inner.name, kind))
    return fields


def element_type(data_type: exp.DataType) -> exp.DataType:
    inner = data_type.expressions[0] if data_type.expressions else None
    return inner if isinstance(inner, exp.DataType) else exp.DataType.build("STRING")


def _days(literals: Literals) -> list[datetime.date]:
    return sorted(set(DAYS) | literals.dates)


def pool(data_type: exp.DataType, literals: Literals, depth: int = 0) -> list[Value]:
    """Every value this type may take in a dataset, NULL first."""
    kind = data_type.this
    if kind in _TEXT:
        return [None, *_STRINGS, *sorted(literals.strings - set(_STRINGS))]
    if kind in _INTEGER:
        near = {n + d for n in literals.integers for d in (-1, 0, 1)}
        return [None, *_INTEGERS, *sorted(near - set(_INTEGERS))]
    if kind in _FLOAT:
        return [None, *_FLOATS, *(float(n) for n in sorted(literals.integers))]
    if kind in _DECIMAL:
        return [None, *_DECIMALS, *(Decimal(n) for n in sorted(literals.integers))]
    if kind is DType.BOOLEAN:
        return [None, True, False]
    if kind is DType.DATE:
        return [None, *_days(literals)]
    if kind in _TIMESTAMP:
        stamps: list[Value] = [None]
        for day in _days(literals):
            start = datetime.datetime.combine(day, datetime.time())
            stamps += [
                start,
                start + datetime.timedelta(hours=12),
                start + datetime.timedelta(days=1, microseconds=-1),
            ]
        return stamps
    if kind is DType.TIME:
        return [None, datetime.time(0, 0), datetime.time(12, 30), datetime.time(23, 59, 59)]
    if kind in {DType.BINARY, DType.VARBINARY}:
        return [None, b"", b"a", b"\x00\xff"]
    if kind is DType.STRUCT:
        return _struct_pool(data_type, literals, depth)
    if kind is DType.ARRAY:
        return _array_pool(data_type, literals, depth)
    raise ValueError(f"no values for {data_type.sql('bigquery')}")


def _struct_pool(data_type: exp.DataType, literals: Literals, depth: int) -> list[Value]:
    """NULL, a struct of NULLs, and structs whose fields walk their pools (literals included)."""
    fields = struct_fields(data_type)
    pools = [pool(kind, literals, depth + 1) for _, kind in fields]
    structs: list[Value] = [None, {name: None for name, _ in fields}]
    width = max((len(p) for p in pools), default=1)
    for index in range(1, min(width, 12)):
        # Field f takes value index of its pool, shifted by f, so fields do not move together.
        structs.append(
            {
                name: p[(index + shift) % len(p)]
                for shift, ((name, _), p) in enumerate(zip(fields, pools, strict=True))
            }
        )
    return structs


def _array_pool(data_type: exp.DataType, literals: Literals, depth: int) -> list[Value]:
    """BigQuery has no NULL arrays (a NULL array is empty), so the pool has none.

    The last array holds every element of the pool (up to ``MAX_ARRAY``), so an
    element only a filter over the array's elements keeps (``WHERE ep.key =
    'page_location'``, with the literal in its struct) is in some row.
    """
    items = [v for v in pool(element_type(data_type), literals, depth + 1) if v is not None]
    if not items:
        return [[]]
    first, second, last = items[0], items[min(1, len(items) - 1)], items[-1]
    arrays: list[Value] = [[], [first], [first, second], [second, second], [last]]
    arrays.append(items[: min(4, len(items))])
    if len(items) > 4:
        arrays.append(items[:MAX_ARRAY])
    return arrays


def dataset(
    types: Sequence[exp.DataType], literals: Literals, seed: int, rows: int
) -> list[tuple[Value, ...]]:
    """``rows`` rows (plus a copy of the first); seed 0 walks the pools, others draw."""
    pools = [pool(t, literals) for t in types]
    out: list[tuple[Value, ...]] = []
    if seed == 0:
        # Column c takes pool[(row * (c + 1) + c) % size]: every value of every pool
        # appears, and columns do not move in lock step.
        for row in range(max(rows, max((len(p) for p in pools), default=0))):
            out.append(tuple(p[(row * (c + 1) + c) % len(p)] for c, p in enumerate(pools)))
    else:
        rng = random.Random(seed)
        for _ in range(rows):
            out.append(tuple(rng.choice(p) for p in pools))
    out += same_day_siblings(out, types)
    if out:
        out.append(out[0])
    return out


def same_day_siblings(
    rows: Sequence[tuple[Value, ...]], types: Sequence[exp.DataType]
) -> list[tuple[Value, ...]]:
    """For every third row with a timestamp, a copy with each timestamp at another time that day.

    A rewrite that groups by a timestamp where the original grouped by its date, or
    drops a ``DATE()``, gives other results only over two rows of one day at different
    times, which random draws from the pools rarely bring together.
    """
    stamps = [c for c, t in enumerate(types) if t.this in _TIMESTAMP]
    siblings: list[tuple[Value, ...]] = []
    if not stamps:
        return siblings
    for row in rows[::3]:
        if all(row[c] is None for c in stamps):
            continue
        moved = list(row)
        for c in stamps:
            value = row[c]
            if isinstance(value, datetime.datetime):
                moved[c] = _later_that_day(value)
        siblings.append(tuple(moved))
    return siblings


def _later_that_day(stamp: datetime.datetime) -> datetime.datetime:
    """Midnight to noon, noon to the day's last microsecond, anything else back to midnight."""
    start = datetime.datetime.combine(stamp.date(), datetime.time(), stamp.tzinfo)
    if stamp == start:
        return start + datetime.timedelta(hours=12)
    if stamp == start + datetime.timedelta(hours=12):
        return start + datetime.timedelta(days=1, microseconds=-1)
    return start


def literal_sql(value: Value, data_type: exp.DataType) -> str:
    """``value`` as a DuckDB literal of ``data_type`` (used in INSERT ... VALUES)."""
    if value is None:
        return "NULL"
    kind = data_type.this
    if kind is DType.STRUCT and isinstance(value, dict):
        fields = struct_fields(data_type)
        inner = ", ".join(
            f"{_quote(name)}: {literal_sql(value.get(name), kind)}" for name, kind in fields
        )
        return "{" + inner + "}"
    if kind is DType.ARRAY and isinstance(value, list):
        element = element_type(data_type)
        return "[" + ", ".join(literal_sql(v, element) for v in value) + "]"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return f"CAST({value!r} AS DOUBLE)" if isinstance(value, float) else str(value)
    if isinstance(value, bytes):
        return "'" + "".join(f"\\x{b:02x}" for b in value) + "'::BLOB"
    if isinstance(value, datetime.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, datetime.time):
        return f"TIME '{value.isoformat()}'"
    return _quote(str(value))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rows_sql(rows: Iterable[tuple[Value, ...]], types: Sequence[exp.DataType]) -> str:
    return ", ".join(
        "(" + ", ".join(literal_sql(v, t) for v, t in zip(row, types, strict=True)) + ")"
        for row in rows
    )
