"""BigQuery statements as DuckDB runs them: names resolved the way BigQuery resolves them.

The cases come from billing-export reports, whose rows hold arrays of structs
(``credits``, ``labels``) read through UNNEST under the array's own name.
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from bot.parity import statement
from bot.parity.outcome import Verdict
from bot.parity.prove import Prover
from bot.spec import Campaign, load_campaign

BILLING_YAML = """\
id: billing-v2
title: Move billing reports to the v2 export
guide: https://wiki.example.com/migrations/billing-v2
tables:
  - old: fin-proj.billing.export_v1
    new: fin-proj.billing.export_v2
    columns:
      cost: cost_usd
    old_columns: [service, labels, credits, cost, invoice]
    new_columns:
      service: STRUCT<id STRING, description STRING>
      labels: ARRAY<STRUCT<key STRING, value STRING>>
      credits: ARRAY<STRUCT<name STRING, amount FLOAT64>>
      cost_usd: FLOAT64
      invoice: STRUCT<month STRING>
"""


def billing() -> Campaign:
    return load_campaign(BILLING_YAML)


def duckdb_text(sql: str, *transforms: str) -> str:
    tree = sqlglot.parse_one(sql, read="bigquery")
    for name in transforms:
        getattr(statement, name)(tree)
    return tree.sql(dialect="duckdb")


@pytest.mark.parametrize(
    ("bigquery", "duckdb"),
    [
        (
            "SELECT SUM(credits.amount) AS c FROM t LEFT JOIN UNNEST(credits) AS credits",
            "SELECT SUM(_u0.credits.amount) AS c FROM t LEFT JOIN UNNEST(credits) AS "
            "_u0(credits) ON TRUE",
        ),
        (
            "SELECT labels FROM t, UNNEST(labels) AS labels",
            "SELECT _u0.labels FROM t CROSS JOIN UNNEST(labels) AS _u0(labels)",
        ),
        (
            "SELECT (SELECT SUM(amount) FROM UNNEST(credits)) AS c FROM t",
            "SELECT (SELECT SUM(amount) FROM (SELECT UNNEST(credits, max_depth := 2))) AS c FROM t",
        ),
        (  # a nested query's own UNNEST of the same name keeps its own references
            "SELECT c.name, (SELECT MAX(c.amount) FROM UNNEST(t.credits) AS c) AS m "
            "FROM t, UNNEST(credits) AS c",
            "SELECT _u1.c.name, (SELECT MAX(_u0.c.amount) FROM UNNEST(t.credits) AS _u0(c)) AS m "
            "FROM t CROSS JOIN UNNEST(credits) AS _u1(c)",
        ),
        (  # WITH OFFSET is left as sqlglot writes it
            "SELECT c FROM t, UNNEST(credits) AS c WITH OFFSET AS i",
            sqlglot.transpile(
                "SELECT c FROM t, UNNEST(credits) AS c WITH OFFSET AS i",
                read="bigquery",
                write="duckdb",
            )[0],
        ),
    ],
)
def test_an_unnest_alias_names_the_element_not_the_column(bigquery: str, duckdb: str) -> None:
    assert duckdb_text(bigquery, "unnest_range_variables") == duckdb


def test_an_output_name_in_group_by_is_the_output_not_the_column() -> None:
    sql = (
        "SELECT labels.value AS service, labels.key AS key, service.id AS id, SUM(cost) AS s "
        "FROM t LEFT JOIN UNNEST(labels) AS labels GROUP BY service, key, id"
    )
    text = duckdb_text(sql, "group_by_aliases", "unnest_range_variables")
    assert text.endswith("GROUP BY _u0.labels.value, _u0.labels.key, service.id")


def test_a_name_that_is_its_own_output_stays_a_column() -> None:
    tree = sqlglot.parse_one("SELECT cost AS cost, COUNT(*) AS n FROM t GROUP BY cost", "bigquery")
    statement.group_by_aliases(tree)
    group = tree.args["group"]
    assert isinstance(group, exp.Group)
    assert [key.sql() for key in group.expressions] == ["cost"]


REPORTS = [
    "SELECT invoice.month AS invoice_month, ROUND(SUM(credits.amount), 2) AS credits "
    "FROM `fin-proj.billing.export_v1` LEFT JOIN UNNEST(credits) AS credits "
    "GROUP BY invoice_month",
    "SELECT ROUND(SUM(cost), 2) AS costs, "
    "ROUND(SUM((SELECT SUM(amount) FROM UNNEST(credits))), 2) AS credits "
    "FROM `fin-proj.billing.export_v1`",
    "SELECT labels.value AS service, SUM(cost) AS costs "
    "FROM `fin-proj.billing.export_v1` LEFT JOIN UNNEST(labels) AS labels GROUP BY service",
]


@pytest.mark.parametrize("original", REPORTS)
def test_billing_reports_over_arrays_of_structs_are_proven(original: str) -> None:
    rewritten = original.replace("export_v1", "export_v2").replace("SUM(cost)", "SUM(cost_usd)")
    outcome = Prover(billing()).prove(original, rewritten)
    assert outcome.verdict is Verdict.PROVEN, outcome.reason


@pytest.mark.parametrize(
    ("original", "wrong"),
    [
        (REPORTS[0], ("SUM(credits.amount)", "MAX(credits.amount)")),
        (REPORTS[1], ("SUM(amount)", "MIN(amount)")),
        (REPORTS[2], ("labels.value AS service", "labels.key AS service")),
    ],
)
def test_a_wrong_rewrite_of_them_differs(original: str, wrong: tuple[str, str]) -> None:
    rewritten = original.replace("export_v1", "export_v2").replace("SUM(cost)", "SUM(cost_usd)")
    outcome = Prover(billing()).prove(original, rewritten.replace(*wrong))
    assert outcome.verdict is Verdict.DIFFERS, outcome.reason


def test_values_only_the_clock_decides_are_queries_on_the_pinned_clock() -> None:
    tree = sqlglot.parse_one(
        "SELECT * FROM t WHERE invoice.month = FORMAT_DATE('%Y%m', "
        "DATE_SUB(CURRENT_DATE(), INTERVAL 1 MONTH)) AND cost > 10 "
        "AND day BETWEEN DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY) AND day_end "
        "AND month IN (FORMAT_DATE('%Y%m', CURRENT_DATE()), month_end)",
        read="bigquery",
    )
    queries = statement.clock_expressions([tree])
    # Not a literal, a column, or a date the pools hold already (a week ago): two months.
    assert len(queries) == 2
    assert all("CURRENT_DATE" not in q and "2024-01-02" in q for q in queries)
    assert all(q.startswith("SELECT ") for q in queries)


LAST_MONTH = (
    "SELECT invoice.month AS month, SUM(cost) AS costs FROM `fin-proj.billing.export_v1` "
    "WHERE invoice.month = FORMAT_DATE('%Y%m', DATE_SUB(CURRENT_DATE(), INTERVAL 1 MONTH)) "
    "GROUP BY month"
)


def test_a_report_on_last_month_is_proven_and_a_wrong_month_differs() -> None:
    rewritten = LAST_MONTH.replace("export_v1", "export_v2").replace("SUM(cost)", "SUM(cost_usd)")
    prover = Prover(billing())
    proven = prover.prove(LAST_MONTH, rewritten)
    assert proven.verdict is Verdict.PROVEN, proven.reason
    wrong = prover.prove(LAST_MONTH, rewritten.replace("INTERVAL 1 MONTH", "INTERVAL 2 MONTH"))
    assert wrong.verdict is Verdict.DIFFERS, wrong.reason


def test_a_nested_query_over_a_table_keeps_its_own_column_of_that_name() -> None:
    sql = (
        "SELECT c.amount, (SELECT MAX(c) FROM other) AS m, "
        "(SELECT SUM(c.amount) FROM UNNEST(credits) AS x) AS s FROM t, UNNEST(credits) AS c"
    )
    text = duckdb_text(sql, "unnest_range_variables")
    assert "SELECT _u1.c.amount, (SELECT MAX(c) FROM other)" in text
    assert "(SELECT SUM(_u1.c.amount) FROM UNNEST(credits) AS _u0(x))" in text
