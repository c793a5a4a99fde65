"""Each way a rewrite goes wrong is caught: the engine's rewrite is proven, its mutant differs.

Every case starts from a statement over the old table, lets the engine rewrite
it (which must be proven), then breaks the rewrite the way rewrites break and
checks that parity answers ``differs`` with a counterexample that shows it.
"""

from __future__ import annotations

import pytest

from bot.engine.edits import apply_edits
from bot.engine.sql import rewrite_sql
from bot.parity.outcome import Verdict
from bot.parity.prove import Prover
from tests.parity.orders import orders

CAMPAIGN = orders()

CASES = {
    # The mapping applied to a same-named column of another table.
    "wrong owner": (
        "SELECT o.order_id, p.sku AS catalog_sku FROM `shop-proj.sales.orders_v1` AS o "
        "JOIN `shop-proj.catalog.products` AS p ON p.sku = o.sku",
        ("p.sku AS catalog_sku", "p.item_sku AS catalog_sku"),
    ),
    # A mapped column left as it was (the new table has no such column).
    "left unmapped": (
        "SELECT status, SUM(order_total) AS revenue FROM `shop-proj.sales.orders_v1` "
        "GROUP BY status",
        ("SUM(subtotal + shipping)", "SUM(order_total)"),
    ),
    # Parentheses dropped around an expression mapping.
    "parentheses dropped": (
        "SELECT order_id, order_total * 2 AS doubled FROM `shop-proj.sales.orders_v1`",
        ("(subtotal + shipping) * 2", "subtotal + shipping * 2"),
    ),
    # The output alias dropped: downstream readers lose the column name.
    "alias dropped": (
        "SELECT order_id, sku FROM `shop-proj.sales.orders_v1`",
        ("item_sku AS sku", "item_sku"),
    ),
    # The output alias changed.
    "alias changed": (
        "SELECT order_id, sku FROM `shop-proj.sales.orders_v1`",
        ("item_sku AS sku", "item_sku AS skus"),
    ),
    # DATE() dropped: a timestamp compared with a date matches only midnight.
    "DATE vs TIMESTAMP": (
        "SELECT order_id FROM `shop-proj.sales.orders_v1` WHERE order_date = @run_date",
        ("DATE(created_at) = @run_date", "created_at = @run_date"),
    ),
    # A join key swapped for another column of the new table.
    "join key swapped": (
        "SELECT o.order_id, c.segment FROM `shop-proj.sales.orders_v1` AS o "
        "JOIN `shop-proj.crm.customers` AS c ON c.id = o.customer_id",
        ("c.id = o.customer.id", "c.id = o.order_id"),
    ),
    # COUNT over a nullable mapping: the struct is there when its field is NULL.
    "COUNT over a nullable mapping": (
        "SELECT status, COUNT(country) AS with_country FROM `shop-proj.sales.orders_v1` "
        "GROUP BY status",
        ("COUNT(customer.country)", "COUNT(customer)"),
    ),
}


def _rewrite(original: str) -> str:
    result = rewrite_sql(original, CAMPAIGN)
    assert result.statements_rewritten == 1, result.guardrails
    return apply_edits(original, result.edits)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_engines_rewrite_is_proven_and_the_mutant_differs(kind: str) -> None:
    original, (right, wrong) = CASES[kind]
    rewritten = _rewrite(original)
    assert right in rewritten, rewritten
    prover = Prover(CAMPAIGN)
    proven = prover.prove(original, rewritten)
    assert proven.verdict is Verdict.PROVEN, proven
    assert proven.datasets >= 3
    mutant = prover.prove(original, rewritten.replace(right, wrong))
    assert mutant.verdict is Verdict.DIFFERS, mutant
    assert mutant.reason


def test_the_counterexample_is_small_and_shows_both_sides() -> None:
    original, (right, wrong) = CASES["parentheses dropped"]
    outcome = Prover(CAMPAIGN).prove(original, _rewrite(original).replace(right, wrong))
    example = outcome.counterexample
    assert example is not None
    assert len(example.new_rows.rows) == 1  # one order is enough to show it
    assert example.new_rows.columns[:3] == ("order_id", "customer", "item_sku")
    assert "order_total" in example.old_rows.columns
    (new_row,), (old_row,) = example.new_rows.rows, example.old_rows.rows
    subtotal, shipping = (int(new_row[i]) for i in (3, 4))
    assert int(old_row[4]) == subtotal + shipping  # the old row holds the same facts
    (before,), (after,) = example.old_output.rows, example.new_output.rows
    assert int(before[1]) == (subtotal + shipping) * 2
    assert int(after[1]) == subtotal + shipping * 2
    assert before != after


def test_a_names_mismatch_is_reported_with_the_names() -> None:
    original, (right, wrong) = CASES["alias changed"]
    outcome = Prover(CAMPAIGN).prove(original, _rewrite(original).replace(right, wrong))
    assert outcome.reason == "output columns order_id, skus instead of order_id, sku"


def test_a_rewrite_that_fails_where_the_original_runs_differs() -> None:
    original, (right, wrong) = CASES["left unmapped"]
    outcome = Prover(CAMPAIGN).prove(original, _rewrite(original).replace(right, wrong))
    assert outcome.verdict is Verdict.DIFFERS
    assert outcome.reason is not None
    assert outcome.reason.startswith("the rewrite fails where the original runs")
    assert "order_total" in outcome.reason


def test_grouping_by_the_timestamp_instead_of_its_date_differs() -> None:
    """Only two orders of one day at different times tell the two apart."""
    original = (
        "SELECT order_date, SUM(order_total) AS revenue FROM `shop-proj.sales.orders_v1` "
        "WHERE status = 'complete' GROUP BY order_date"
    )
    rewritten = _rewrite(original)
    right, wrong = "GROUP BY DATE(created_at)", "GROUP BY created_at"
    assert right in rewritten, rewritten
    prover = Prover(CAMPAIGN)
    assert prover.prove(original, rewritten).verdict is Verdict.PROVEN
    mutant = prover.prove(original, rewritten.replace(right, wrong))
    assert mutant.verdict is Verdict.DIFFERS, mutant
    assert mutant.reason == "the rows differ"
