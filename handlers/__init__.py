"""Webhook handlers, one thin module per event family: parse, decide, call the core in ``bot``.

``router`` combines every family's router; it is the only thing the worker needs.
"""

from __future__ import annotations

from handlers import (
    check_suite,
    installation,
    installation_repositories,
    issue_comment,
    issues,
    pull_request,
    pull_request_review,
    pull_request_review_comment,
    push,
)
from handlers.routing import Router

router = Router(
    installation.router,
    installation_repositories.router,
    issues.router,
    issue_comment.router,
    pull_request.router,
    pull_request_review.router,
    pull_request_review_comment.router,
    check_suite.router,
    push.router,
)
