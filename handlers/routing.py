"""Route a parsed webhook event to the handlers registered for its name and action.

Each event family has its own small ``Router``; ``handlers.router`` combines
them, in the manner of gidgethub's routing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from githubkit import webhooks
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from bot.service.context import AppServices

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventContext:
    """What a handler may use besides the event: the open store session and the delivery.

    ``services`` (GitHub, queue, clock) is absent where only the store is wired,
    as in tests of recording handlers; campaign handlers then only record.
    """

    session: Session
    delivery_id: str
    event: str
    services: AppServices | None = None


Handler = Callable[[Any, EventContext], None]
H = TypeVar("H", bound=Handler)


class Router:
    """Handlers keyed by event name and action (``None`` means every action)."""

    def __init__(self, *routers: Router) -> None:
        self._handlers: dict[tuple[str, str | None], list[Handler]] = {}
        for router in routers:
            for key, handlers in router._handlers.items():
                self._handlers.setdefault(key, []).extend(handlers)

    def register(self, event: str, action: str | None = None) -> Callable[[H], H]:
        """Decorate a handler ``(typed_event, context) -> None`` for ``event`` / ``action``."""

        def decorator(handler: H) -> H:
            self._handlers.setdefault((event, action), []).append(handler)
            return handler

        return decorator

    @property
    def events(self) -> frozenset[str]:
        return frozenset(event for event, _ in self._handlers)

    def handlers_for(self, event: str, action: str | None) -> list[Handler]:
        specific = self._handlers.get((event, action), []) if action is not None else []
        return [*self._handlers.get((event, None), []), *specific]

    def dispatch(
        self, event: str, action: str | None, payload: bytes, context: EventContext
    ) -> int:
        """Parse the payload into githubkit's typed model and call each matching handler.

        Returns how many handlers ran. A payload that does not match GitHub's
        schema raises pydantic's ``ValidationError``.
        """
        handlers = self.handlers_for(event, action)
        if not handlers:
            logger.info("no handler for %s.%s (delivery %s)", event, action, context.delivery_id)
            return 0
        parsed = webhooks.parse(event, payload)
        for handler in handlers:
            handler(parsed, context)
        return len(handlers)
