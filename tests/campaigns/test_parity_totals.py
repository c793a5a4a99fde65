"""Parity counts as the target keeps them, summed for a campaign."""

from __future__ import annotations

import pytest

from bot.campaigns.parity_totals import (
    ParityTotals,
    campaign_totals,
    totals_of_marker,
    totals_of_stored,
    totals_of_verdicts,
)
from bot.parity.outcome import Verdict


def test_counts_survive_the_store_and_add_up() -> None:
    counts = totals_of_verdicts(
        [Verdict.PROVEN, Verdict.PROVEN, Verdict.DIFFERS, Verdict.NOT_CHECKABLE]
    )
    assert counts == ParityTotals(proven=2, differs=1, not_checkable=1)
    assert totals_of_stored(counts.stored()) == counts
    other = ParityTotals(proven=5)
    assert campaign_totals([counts, None, other]) == (ParityTotals(7, 1, 1), 2)
    assert campaign_totals([None, None]) is None


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        {"proven": 1, "differs": 0},  # a verdict missing
        {"proven": -1, "differs": 0, "not checkable": 0},
        {"proven": True, "differs": 0, "not checkable": 0},
        {"proven": "3", "differs": 0, "not checkable": 0},
        {"proven": 10**9, "differs": 0, "not checkable": 0},
    ],
)
def test_what_is_not_a_plans_counts_reads_as_not_recorded(stored: object) -> None:
    assert totals_of_stored(stored) is None


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("8/0/1", ParityTotals(8, 0, 1)),
        ("0/0/0", ParityTotals(0, 0, 0)),
        (None, None),
    ],
)
def test_a_pr_marker_hands_its_parity_to_a_rebuilt_database(
    marker: str | None, expected: ParityTotals | None
) -> None:
    assert totals_of_marker(marker) == expected
