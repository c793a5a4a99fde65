"""The states of a campaign as a whole, apart from how commands move between them.

Kept alone so that the command registry (which says in which states each
command applies) and the lifecycle (which reads the registry) can both name
them without importing each other.
"""

from __future__ import annotations

from enum import StrEnum


class CampaignState(StrEnum):
    DISCOVERING = "discovering"
    PLANNED = "planned"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


FINISHED = frozenset({CampaignState.COMPLETED, CampaignState.CANCELLED})
UNFINISHED = tuple(state for state in CampaignState if state not in FINISHED)
