"""Synthetic rows: two rows of one day at different times, every struct in some array."""

from __future__ import annotations

import datetime

from sqlglot import exp

from bot.parity import data
from bot.parity.outcome import Verdict
from bot.parity.prove import Prover
from bot.spec import load_campaign

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


PARAMS = exp.DataType.build(
    "ARRAY<STRUCT<key STRING, value STRUCT<string_value STRING, int_value INT64>>>",
    dialect="bigquery",
)


def test_some_array_holds_every_struct_of_the_pool_literals_included() -> None:
    literals = data.Literals(strings={"ga_session_id"})
    structs = [s for s in data.pool(PARAMS.expressions[0], literals) if s is not None]
    arrays = data.pool(PARAMS, literals)
    assert structs[: data.MAX_ARRAY] in arrays
    keys = {e["key"] for a in arrays if isinstance(a, list) for e in a if isinstance(e, dict)}
    assert "ga_session_id" in keys


EVENTS = load_campaign("""
id: events-v2
title: Move event reports to events_v2
guide: https://wiki.example.com/migrations/events-v2
tables:
  - old: web-proj.analytics.events_v1
    new: web-proj.analytics.events_v2
    columns:
      event_name: name
    old_columns: [event_date, event_name, user_pseudo_id, event_params]
    new_columns:
      event_date: STRING
      name: STRING
      user_pseudo_id: STRING
      event_params: ARRAY<STRUCT<key STRING, value STRUCT<string_value STRING, int_value INT64>>>
""")
SESSION = (
    "SELECT event_date, (SELECT value.int_value FROM UNNEST(event_params) "
    "WHERE key = 'ga_session_id') AS session "
    "FROM `web-proj.analytics.events_v1` WHERE event_name = 'session_start'"
)


def test_a_rewrite_reading_another_key_of_an_array_differs() -> None:
    """An event parameter is read by its key: a rewrite that reads another key is wrong.

    Before every struct of the pool was in some array, no row held the one with
    ``key = 'ga_session_id'``, both sides read NULL and the wrong rewrite was proven.
    """
    rewritten = SESSION.replace("events_v1", "events_v2").replace("event_name =", "name =")
    prover = Prover(EVENTS)
    assert prover.prove(SESSION, rewritten).verdict is Verdict.PROVEN
    wrong = rewritten.replace("ga_session_id", "ga_session_number")
    assert prover.prove(SESSION, wrong).verdict is Verdict.DIFFERS
