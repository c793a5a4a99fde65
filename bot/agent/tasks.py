"""What the GitHub layer hands the agent, and what it gets back: plain data only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from bot.agent.usage import TokenUsage
from bot.spec import Campaign


@dataclass(frozen=True)
class MigrateTask:
    """Files the engine left with judgment guardrails, as the engine left them.

    ``repository`` holds other files the model may read (never edit) for context.
    """

    campaign: Campaign
    files: Mapping[str, str]
    repository: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ThreadComment:
    author: str
    body: str


@dataclass(frozen=True)
class ReviewComment:
    body: str
    author: str
    path: str
    line: int | None  # None for a comment on the whole file
    url: str = ""
    thread: tuple[ThreadComment, ...] = ()  # earlier comments of the same thread


@dataclass(frozen=True)
class ReviewTask:
    """A review comment on a Godwit pull request and the pull request's current files."""

    campaign: Campaign
    comment: ReviewComment
    files: Mapping[str, str]


@dataclass(frozen=True)
class Annotation:
    path: str
    line: int
    message: str


@dataclass(frozen=True)
class CheckFailure:
    name: str
    summary: str
    annotations: tuple[Annotation, ...] = ()


@dataclass(frozen=True)
class CheckTask:
    """Failing checks of a pull request's head commit and the pull request's files."""

    campaign: Campaign
    checks: tuple[CheckFailure, ...]
    files: Mapping[str, str]


@dataclass(frozen=True)
class AgentOutcome:
    """One task's result. ``changes`` holds only files that passed scope and verification."""

    changes: dict[str, str]
    summary: str  # the model's own account, cleaned for publication
    reply: str  # what Godwit posts: a review reply or a pull request comment
    commit_message: str | None  # None when nothing is to be committed
    stop_reason: str
    rejected_edits: int = 0
    rejected_out_of_scope: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost_usd: Decimal | None = None

    @property
    def worth_committing(self) -> bool:
        return bool(self.changes)
