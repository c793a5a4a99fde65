"""Webhook delivery like GitHub's: signed POSTs from a background queue, logged, redeliverable.

Delivery runs on its own thread so the API call that caused an event returns before the
app's handler runs, as on github.com, and a slow or failing handler never blocks the API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.sandbox.state import Installation

USER_AGENT = "GitHub-Hookshot/sandbox"
Jobs = queue.Queue[tuple[int, "Delivery", str] | None]
DELIVERY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver an event; ``status_code`` is ``None`` until sent, 0 on no answer."""

    id: str
    event: str
    action: str | None
    installation_id: int
    app_id: int
    url: str
    body: bytes
    status_code: int | None = None
    redelivery: bool = False
    delivered_at: datetime | None = None

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


def signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256``: hex HMAC-SHA256 of the raw body with the app's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDispatcher:
    """Queues events for each interested installation and posts them on a worker thread."""

    def __init__(self) -> None:
        self._log: list[Delivery] = []
        self._lock = threading.Condition()
        self._pending = 0
        self._worker: tuple[threading.Thread, Jobs] | None = None

    def enqueue(self, event: str, payload: dict[str, Any], installation: Installation) -> None:
        """Queue ``payload`` (which already carries ``installation``) for the app's webhook URL."""
        app = installation.app
        if app.webhook_url is None:
            return
        if event not in app.events and event not in ("installation", "installation_repositories"):
            return
        delivery = Delivery(
            id=str(uuid.uuid4()),
            event=event,
            action=payload.get("action"),
            installation_id=installation.id,
            app_id=app.id,
            url=app.webhook_url,
            body=json.dumps(payload).encode(),
        )
        self._submit(delivery, app.webhook_secret)

    def _submit(self, delivery: Delivery, secret: str) -> None:
        with self._lock:
            index = len(self._log)
            self._log.append(delivery)
            self._pending += 1
            if self._worker is None:
                jobs: Jobs = queue.Queue()
                thread = threading.Thread(
                    target=self._run, args=(jobs,), name="sandbox-webhooks", daemon=True
                )
                thread.start()
                self._worker = (thread, jobs)
            self._worker[1].put((index, delivery, secret))

    def _run(self, jobs: Jobs) -> None:
        with httpx.Client(timeout=DELIVERY_TIMEOUT_S) as client:
            while (item := jobs.get()) is not None:
                self._deliver(client, *item)

    def _deliver(self, client: httpx.Client, index: int, delivery: Delivery, secret: str) -> None:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-GitHub-Event": delivery.event,
            "X-GitHub-Delivery": delivery.id,
            "X-GitHub-Hook-ID": str(delivery.app_id),
            "X-GitHub-Hook-Installation-Target-Type": "integration",
            "X-GitHub-Hook-Installation-Target-ID": str(delivery.app_id),
            "X-Hub-Signature-256": signature(secret, delivery.body),
        }
        try:
            answer = client.post(delivery.url, content=delivery.body, headers=headers)
            status = answer.status_code
        except httpx.HTTPError:
            status = 0
        sent = replace(delivery, status_code=status, delivered_at=datetime.now(UTC))
        with self._lock:
            self._log[index] = sent
            self._pending -= 1
            self._lock.notify_all()

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._log)

    def redeliver(self, delivery_id: str, secret: str) -> Delivery:
        """Send a logged delivery again with the same delivery id, as GitHub's redeliver does."""
        with self._lock:
            original = next((d for d in self._log if d.id == delivery_id), None)
        if original is None:
            raise KeyError(delivery_id)
        again = replace(original, status_code=None, redelivery=True, delivered_at=None)
        self._submit(again, secret)
        return again

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery has been attempted; ``False`` on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Stop the worker after the queued deliveries; a later event starts a new one."""
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            thread, jobs = worker
            jobs.put(None)
            thread.join(timeout=DELIVERY_TIMEOUT_S)
