"""Synthetic rows: every dataset holds two rows of one day at different times."""

from __future__ import annotations

import datetime

from sqlglot import exp

from bot.parity import data

TYPES = [exp.DataType.build("STRING"), exp.DataType.build("TIMESTAMP")]


def test_every_dataset_has_rows_of_one_day_at_different_times() -> None:
    for seed in range(3):
        rows = data.dataset(TYPES, data.Literals(), seed, 16)
        by_day: dict[datetime.date, set[datetime.datetime]] = {}
        for _, stamp in rows:
            if isinstance(stamp, datetime.datetime):
                by_day.setdefault(stamp.date(), set()).add(stamp)
        assert any(len(stamps) > 1 for stamps in by_day.values()), (seed, rows)


def test_a_sibling_keeps_every_other_value_and_moves_the_time_within_its_day() -> None:
    noon = datetime.datetime(2024, 1, 1, 12)
    rows = [("a", datetime.datetime(2024, 1, 1)), ("b", None), ("c", None), ("d", noon)]
    siblings = data.same_day_siblings(rows, TYPES)
    assert siblings == [
        ("a", noon),  # every third row: the first and the fourth
        ("d", datetime.datetime(2024, 1, 2) - datetime.timedelta(microseconds=1)),
    ]


def test_rows_without_a_timestamp_get_no_sibling() -> None:
    rows = [("a", None), ("b", None)]
    assert data.same_day_siblings(rows, TYPES) == []
    assert data.same_day_siblings([("a",)], TYPES[:1]) == []
