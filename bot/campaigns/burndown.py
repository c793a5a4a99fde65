"""The burndown: per day, repositories still reading the old tables and pull requests open.

Counted from each target's facts (when it was planned, when its PR opened, when that PR
merged or closed), so it needs no history table and agrees with the states shown next to
it. A PR that was closed and reopened counts from its latest lifecycle change only; the
page says that the chart is rebuilt from the current facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.campaigns.states import PrStatus
from bot.campaigns.states import Target as TargetFacts

MAX_DAYS = 366
"""The chart shows at most a year; older days are left out (and the page says so)."""
WIDTH, HEIGHT, MARGIN = 640, 220, 40


@dataclass(frozen=True)
class Day:
    day: date
    reading_old: int
    prs_open: int


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _reads_old(facts: TargetFacts, end: datetime) -> bool:
    if not facts.has_changes or facts.planned_at is None or facts.planned_at > end:
        return False
    merged = facts.pr_status is PrStatus.MERGED and facts.pr_at is not None
    return not (merged and facts.pr_at is not None and facts.pr_at <= end)


def _open(facts: TargetFacts, end: datetime) -> bool:
    if facts.opened_at is None or facts.opened_at > end:
        return False
    ended = facts.pr_status in (PrStatus.MERGED, PrStatus.CLOSED) and facts.pr_at is not None
    return not (ended and facts.pr_at is not None and facts.pr_at <= end)


def burndown(targets: Sequence[TargetFacts], *, start: date, today: date) -> list[Day]:
    """One entry per day from ``start`` to ``today`` (at most ``MAX_DAYS``, the newest kept)."""
    first = max(start, today - timedelta(days=MAX_DAYS - 1))
    days = []
    current = first
    while current <= today:
        end = _end_of(current)
        days.append(
            Day(
                current,
                sum(_reads_old(t, end) for t in targets),
                sum(_open(t, end) for t in targets),
            )
        )
        current += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Chart:
    """Coordinates for a server-rendered SVG: two polylines and the axis labels."""

    width: int
    height: int
    margin: int
    top: int  # the y axis' largest value
    reading_old: str  # SVG ``points``
    prs_open: str
    first: date
    last: date


def chart(days: Sequence[Day]) -> Chart:
    top = max([1, *(d.reading_old for d in days), *(d.prs_open for d in days)])
    span = max(1, len(days) - 1)
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN

    def points(values: Sequence[int]) -> str:
        return " ".join(
            f"{MARGIN + inner_w * i / span:.1f},{MARGIN + inner_h * (1 - v / top):.1f}"
            for i, v in enumerate(values)
        )

    return Chart(
        WIDTH,
        HEIGHT,
        MARGIN,
        top,
        points([d.reading_old for d in days]),
        points([d.prs_open for d in days]),
        days[0].day,
        days[-1].day,
    )
