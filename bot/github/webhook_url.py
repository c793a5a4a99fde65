"""The address GitHub posts webhooks to, checked before an App is registered with it.

GitHub stores the URL in the App and delivers there for good; a typo found only
when no event arrives costs a person an afternoon, so ``godwit register`` refuses
a URL GitHub could not post to and completes a bare origin with Godwit's route.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

WEBHOOK_PATH = "/webhook"
"""The intake's route (``bot.web``); ``godwit register`` appends it to a bare origin."""
MAX_WEBHOOK_URL_CHARS = 2000


class WebhookUrlError(ValueError):
    """A ``--webhook-url`` GitHub could not deliver to; the message says why."""


def webhook_url(text: str) -> str:
    """``text`` as the App's webhook URL: absolute http(s), with ``WEBHOOK_PATH`` if no path.

    A path that is given is kept as given: a proxy in front of ``godwit serve`` may
    map its own path to ``WEBHOOK_PATH``.
    """
    candidate = text.strip()
    if not candidate:
        raise WebhookUrlError("is empty: give the address GitHub should post to")
    if len(candidate) > MAX_WEBHOOK_URL_CHARS:
        raise WebhookUrlError(f"is longer than {MAX_WEBHOOK_URL_CHARS} characters")
    if any(char.isspace() for char in candidate):
        raise WebhookUrlError("contains white space")
    parts = urlsplit(candidate)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise WebhookUrlError(
            f"must be an absolute http(s) URL, such as https://godwit.example.com{WEBHOOK_PATH}"
        )
    if not parts.hostname:
        raise WebhookUrlError("names no host")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlError("must not carry a user name or password (GitHub would store them)")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise WebhookUrlError("has an invalid port") from None
    if parts.fragment:
        raise WebhookUrlError("must not have a #fragment (GitHub does not send it)")
    path = parts.path if parts.path not in {"", "/"} else WEBHOOK_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def is_godwit_route(url: str) -> bool:
    """Whether ``url`` reaches the intake directly, not through a proxy's own path."""
    return urlsplit(url).path == WEBHOOK_PATH
