"""The campaign as a whole: which issue commands are allowed in which campaign state."""

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


class TransitionError(ValueError):
    """A command that is valid in general but not in the campaign's current state."""


# (state, action) → next state. Actions are issue commands plus two outcomes of the
# I/O layer's work: "planned" (discovery finished) and "done" (``campaign_done``).
_TRANSITIONS: dict[tuple[CampaignState, str], CampaignState] = {
    (CampaignState.DISCOVERING, "plan"): CampaignState.DISCOVERING,
    (CampaignState.PLANNED, "plan"): CampaignState.DISCOVERING,
    # Re-planning a campaign under way refreshes the plan without stopping it.
    (CampaignState.RUNNING, "plan"): CampaignState.RUNNING,
    (CampaignState.PAUSED, "plan"): CampaignState.PAUSED,
    (CampaignState.DISCOVERING, "planned"): CampaignState.PLANNED,
    (CampaignState.PLANNED, "start"): CampaignState.RUNNING,
    (CampaignState.RUNNING, "start"): CampaignState.RUNNING,  # the next batch
    (CampaignState.PAUSED, "start"): CampaignState.RUNNING,
    (CampaignState.RUNNING, "pause"): CampaignState.PAUSED,
    (CampaignState.PAUSED, "resume"): CampaignState.RUNNING,
    (CampaignState.RUNNING, "done"): CampaignState.COMPLETED,
    (CampaignState.PAUSED, "done"): CampaignState.COMPLETED,
}
# Commands that never change the campaign state: allowed always, or until it is finished.
_ALWAYS = frozenset({"status", "help"})
_NEUTRAL = frozenset({"exclude", "include", "waive"})


def campaign_transition(state: CampaignState, action: str) -> CampaignState:
    """The state after ``action``; ``TransitionError`` says why it is refused in ``state``."""
    if action in _ALWAYS:
        return state
    if state in FINISHED:
        raise TransitionError(f"the campaign is {state.value}; `{action}` no longer applies")
    if action == "cancel":
        return CampaignState.CANCELLED
    if action in _NEUTRAL:
        return state
    following = _TRANSITIONS.get((state, action))
    if following is None:
        raise TransitionError(f"`{action}` does not apply while the campaign is {state.value}")
    return following
