"""The campaign as a whole: which commands and outcomes move it from one state to another.

What a command may do in each state is part of that command's entry in
``bot.campaigns.command_registry``; only the two outcomes of the I/O layer's
work are listed here.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.campaigns.campaign_state import FINISHED, UNFINISHED, CampaignState
from bot.campaigns.command_registry import find_command

__all__ = ["FINISHED", "UNFINISHED", "CampaignState", "TransitionError", "campaign_transition"]


class TransitionError(ValueError):
    """A command that is valid in general but not in the campaign's current state."""


# Outcomes of the I/O layer's work: "planned" (discovery finished) and "done" (``campaign_done``).
_OUTCOMES: dict[str, Mapping[CampaignState, CampaignState]] = {
    "planned": {CampaignState.DISCOVERING: CampaignState.PLANNED},
    "done": {
        CampaignState.RUNNING: CampaignState.COMPLETED,
        CampaignState.PAUSED: CampaignState.COMPLETED,
    },
}


def campaign_transition(state: CampaignState, action: str) -> CampaignState:
    """The state after ``action``; ``TransitionError`` says why it is refused in ``state``."""
    command = find_command(action)
    transitions = command.transitions if command is not None else _OUTCOMES.get(action, {})
    following = transitions.get(state)
    if following is not None:
        return following
    if state in FINISHED:
        raise TransitionError(f"the campaign is {state.value}; `{action}` no longer applies")
    raise TransitionError(f"`{action}` does not apply while the campaign is {state.value}")
