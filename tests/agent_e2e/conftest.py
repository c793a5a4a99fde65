"""The campaign world of ``tests/campaign_e2e`` with the coding agent on a fake Anthropic API.

Godwit reads its agent settings from the environment as in production
(``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``). The fake model answers each
task by the script whose marker its first message contains, so tasks that
run concurrently in Godwit's workers each follow their own script.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.demo.stack import running_stack
from bot.demo.world import ORG, examples_dir, seed_organisation
from bot.sandbox import Sandbox
from bot.sandbox.anthropic import (
    FakeAnthropicServer,
    RecordedRequest,
    Reply,
    ScriptedModel,
    serve_anthropic,
    tool_use,
)
from bot.sandbox.anthropic.script import Answer
from bot.sandbox.gitobjects import Commit
from bot.store.db import session_factory
from bot.store.models import AgentTask, Target
from tests.campaign_e2e.conftest import World, campaign_body, campaign_yaml

API_KEY = "sk-ant-api03-e2e-7d41c0"
AGENT_CAMPAIGN = campaign_yaml() + "agent:\n  migrate_guardrails: true\n"
DEPLOY = ".github/workflows/deploy.yml"
DEPLOY_TEXT = (
    "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n"
)
TASKS_PER_HOUR = 4
LEFT_FOR_A_PERSON = Reply.of(tool_use("finish", summary="Left the guardrails for a person."))

Turn = Reply | Callable[[RecordedRequest], Answer]


def first_message(request: RecordedRequest) -> str:
    content = request.messages[0]["content"]
    return content if isinstance(content, str) else "".join(b.get("text", "") for b in content)


@dataclass
class Conversations:
    """Scripts keyed by markers that the task's first message all contains; others finish."""

    scripts: dict[tuple[str, ...], list[Turn]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, markers: tuple[str, ...], turns: list[Turn]) -> None:
        with self.lock:
            self.scripts[markers] = turns

    def __call__(self, request: RecordedRequest) -> Answer:
        task = first_message(request)
        with self.lock:
            turns = next(
                (t for markers, t in self.scripts.items() if all(m in task for m in markers)),
                None,
            )
        if turns is None:
            return LEFT_FOR_A_PERSON
        turn = turns[(len(request.messages) - 1) // 2]
        return turn if isinstance(turn, Reply) else turn(request)

    def requests_for(self, fake: FakeAnthropicServer, marker: str) -> list[RecordedRequest]:
        return [r for r in fake.model.requests if marker in first_message(r)]


@dataclass
class AgentWorld:
    world: World
    fake: FakeAnthropicServer | None
    conversations: Conversations
    issue: int

    @property
    def sandbox(self) -> Sandbox:
        return self.world.sandbox

    def pull(self, name: str) -> int:
        return next(p.number for p in self.world.pulls() if p.repo == f"{ORG}/{name}")

    def head(self, name: str, number: int) -> str:
        pull = self.sandbox.issue(f"{ORG}/{name}", number).pull
        assert pull is not None
        return pull.head_sha

    def commits(self, name: str, number: int) -> list[Commit]:
        """The PR's commits, oldest first."""
        repo = self.sandbox.state.repo_by_full_name(f"{ORG}/{name}")
        pull = self.sandbox.issue(f"{ORG}/{name}", number).pull
        assert pull is not None
        with self.sandbox.state.lock:
            return repo.objects.commits_between(pull.base_sha, pull.head_sha)

    def file(self, name: str, ref: str, path: str) -> str:
        return self.sandbox.read_file(f"{ORG}/{name}", ref, path).decode()

    def target(self, name: str) -> Target:
        with session_factory(self.world.stack.services.engine)() as session:
            query = select(Target).where(Target.repo == f"{ORG}/{name}")
            return session.scalars(query).one()

    def agent_tasks(self, name: str) -> list[AgentTask]:
        with session_factory(self.world.stack.services.engine)() as session:
            query = select(AgentTask).where(AgentTask.repo == f"{ORG}/{name}")
            return list(session.scalars(query.order_by(AgentTask.id)).all())


def started_world(
    tmp_path: Path,
    key: str | None,
    before_start: Callable[[Conversations], None],
    pushed: Mapping[str, Mapping[str, str | bytes]] | None = None,
) -> Iterator[AgentWorld]:
    """Every repository seeded (plus ``pushed``: repository -> files), the agent campaign
    opened and started, Godwit idle."""
    conversations = Conversations()
    before_start(conversations)
    with pytest.MonkeyPatch.context() as env, _fake(key, conversations) as fake:
        env.delenv("ANTHROPIC_API_KEY", raising=False)
        if key is not None and fake is not None:
            env.setenv("ANTHROPIC_API_KEY", key)
            env.setenv("ANTHROPIC_BASE_URL", fake.url)
            env.setenv("GODWIT_AGENT_MAX_TASKS_PER_PR_PER_HOUR", str(TASKS_PER_HOUR))
        sandbox = Sandbox()
        org = seed_organisation(sandbox, examples_dir() / "repos")
        sandbox.push(f"{ORG}/acme-bq-jobs", "main", {DEPLOY: DEPLOY_TEXT}, author="bruno-jobs")
        for name, files in (pushed or {}).items():
            sandbox.push(f"{ORG}/{name}", "main", dict(files), author="bruno-jobs")
        with running_stack(sandbox, ORG, tmp_path, mutation_interval=0.0) as stack:
            world = World(stack, org)
            world.settle()
            issue = world.open_campaign(campaign_body(AGENT_CAMPAIGN))
            world.command(issue, "/migrate start")
            yield AgentWorld(world, fake, conversations, issue)
        if fake is not None:
            assert fake.model.failures == []


@contextmanager
def _fake(key: str | None, conversations: Conversations) -> Iterator[FakeAnthropicServer | None]:
    if key is None:
        yield None
        return
    with serve_anthropic(ScriptedModel(api_key=key, responder=conversations)) as fake:
        yield fake
