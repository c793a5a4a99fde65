"""One prover per campaign object, so every file of a plan shares its prepared tables.

The SQL core asks for a prover here; ``bot.parity.prove`` (which reads SQL with
the core's own helpers) is imported on first use, so importing either side
first works.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.spec import Campaign

if TYPE_CHECKING:
    from bot.parity.prove import Prover

_KEPT = 8


class _Provers(threading.local):
    def __init__(self) -> None:
        # Keyed by id(); the campaign is kept in the value so its id is not reused meanwhile.
        self.by_campaign: dict[int, tuple[Campaign, Prover]] = {}


_PROVERS = _Provers()


def prover_for(campaign: Campaign) -> Prover:
    from bot.parity.prove import Prover

    kept = _PROVERS.by_campaign.get(id(campaign))
    if kept is not None and kept[0] is campaign:
        return kept[1]
    prover = Prover(campaign)
    if len(_PROVERS.by_campaign) >= _KEPT:
        _PROVERS.by_campaign.pop(next(iter(_PROVERS.by_campaign)))
    _PROVERS.by_campaign[id(campaign)] = (campaign, prover)
    return prover
