"""A whole world over HTTP: the GitHub sandbox and Godwit (intake, store, real worker) on loopback.

The sandbox delivers signed webhooks to Godwit under uvicorn; Godwit's worker
threads call the sandbox's REST API back. The organisation is seeded from
``examples/plays-v2/repos`` with owners (``bot.demo.world``), and a test acts
only as people do: open and edit issues, comment, push, review, merge.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.demo.outcome import CampaignPull, campaign_pulls, dashboard_text
from bot.demo.stack import Stack, running_stack
from bot.demo.world import CAMPAIGN_LABEL, LEAD, ORG, Organisation, examples_dir, seed_organisation
from bot.sandbox import Sandbox
from bot.sandbox.state import IssueComment
from bot.sandbox.webhooks import Delivery, signature
from bot.spec import Campaign as CampaignSpec
from bot.spec import load_campaign_file
from bot.store.db import session_factory
from bot.store.models import AuditEntry, Campaign, Target

SETTLE_TIMEOUT_S = 60.0
CAMPAIGN_TITLE = "Retire legacy-proj.music.plays_v1"


def campaign_yaml() -> str:
    return (examples_dir() / "campaign.yml").read_text(encoding="utf-8")


def campaign_body(yaml_text: str | None = None) -> str:
    """An issue body as people write it: a sentence, then the campaign in a yaml fence."""
    text = campaign_yaml() if yaml_text is None else yaml_text
    return f"Moving every consumer of plays_v1 to plays_v2.\n\n```yaml\n{text}```\n"


@dataclass
class World:
    stack: Stack
    org: Organisation

    @property
    def sandbox(self) -> Sandbox:
        return self.stack.sandbox

    @property
    def host(self) -> str:
        """The repository that holds campaign issues."""
        return self.org.host

    @property
    def bot(self) -> str:
        return f"{self.stack.app.slug}[bot]"

    @property
    def spec(self) -> CampaignSpec:
        return load_campaign_file(examples_dir() / "campaign.yml")

    def settle(self) -> None:
        """Wait until webhooks, deliveries and jobs (debounced ones included) are all done."""
        self.stack.settling.wait(SETTLE_TIMEOUT_S)

    def open_campaign(self, body: str | None = None, *, author: str = LEAD) -> int:
        """Open a labelled campaign issue and wait until Godwit is idle; its number."""
        number = self.sandbox.open_issue(
            self.host,
            author,
            CAMPAIGN_TITLE,
            campaign_body() if body is None else body,
            labels=[CAMPAIGN_LABEL],
        )
        self.settle()
        return number

    def command(self, number: int, text: str, *, login: str = LEAD, repo: str | None = None) -> int:
        """Comment ``text`` on an issue or PR and wait until Godwit is idle; the comment id."""
        comment_id = self.sandbox.comment(repo or self.host, number, login, text)
        self.settle()
        return comment_id

    def bot_comments(self, number: int, repo: str | None = None) -> list[IssueComment]:
        issue = self.sandbox.issue(repo or self.host, number)
        return [c for c in issue.comments if c.user.login == self.bot]

    def reactions(self, number: int, comment_id: int, repo: str | None = None) -> list[str]:
        issue = self.sandbox.issue(repo or self.host, number)
        comment = next(c for c in issue.comments if c.id == comment_id)
        return [f"{r.content} by {r.user.login}" for r in comment.reactions]

    def dashboard(self, number: int) -> str | None:
        return dashboard_text(self.sandbox, self.host, number)

    def pulls(self) -> list[CampaignPull]:
        return campaign_pulls(self.sandbox, self.spec)

    def targets(self) -> dict[str, str]:
        """Repository (without the organisation) → state, from Godwit's store."""
        with session_factory(self.stack.services.engine)() as session:
            rows = session.scalars(select(Target).order_by(Target.repo)).all()
            return {row.repo.removeprefix(f"{ORG}/"): row.state for row in rows}

    def campaigns(self) -> list[Campaign]:
        with session_factory(self.stack.services.engine)() as session:
            return list(session.scalars(select(Campaign).order_by(Campaign.id)).all())

    def replay(self, delivery: Delivery) -> int:
        """Send a delivery again under a new id, as GitHub does when an event is sent twice.

        Replaying an old delivery after newer ones is how tests deliver out of order.
        """
        response = httpx.post(
            f"{self.stack.godwit_url}/webhook",
            content=delivery.body,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": delivery.event,
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": signature(self.stack.app.webhook_secret, delivery.body),
            },
        )
        self.settle()
        return response.status_code

    def deliveries(
        self, event: str, action: str | None = None, *, by: str | None = None
    ) -> list[Delivery]:
        """Deliveries the sandbox sent, optionally only those caused by the person ``by``."""
        return [
            d
            for d in self.sandbox.deliveries(event)
            if (action is None or d.action == action)
            and (by is None or d.payload["sender"]["login"] == by)
        ]

    def audit_actions(self) -> list[str]:
        with session_factory(self.stack.services.engine)() as session:
            return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all())


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # Refresh the dashboard at once: the debounce is a production concern, and the
    # scheduler's one-second tick would add up over every command of a test.
    monkeypatch.setenv("GODWIT_DASHBOARD_DELAY", "0")
    sandbox = Sandbox()
    org = seed_organisation(sandbox, examples_dir() / "repos")
    with running_stack(sandbox, ORG, tmp_path, mutation_interval=0.0) as stack:
        world = World(stack, org)
        world.settle()  # the installation event
        yield world
