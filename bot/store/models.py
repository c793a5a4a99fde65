"""The App's durable state: what GitHub told us and what Godwit did about it.

Rows are keyed by GitHub's own identifiers so that every handler can be an
idempotent upsert: deliveries arrive out of order and may be redelivered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MAX_DELIVERY_ID = 64
"""GitHub's delivery ids are 36-character GUIDs; the intake refuses anything over this."""
MAX_EVENT_NAME = 64


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps come back timezone-aware in UTC on every backend, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        int: BigInteger,
    }


class Installation(Base):
    """One installation of the App; a deleted installation id never comes back."""

    __tablename__ = "installations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    account: Mapped[str] = mapped_column(String(255))
    suspended: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    github_updated_at: Mapped[datetime | None]
    """The installation's ``updated_at`` in the newest event applied, to ignore older ones."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InstalledRepository(Base):
    """A repository an installation grants access to (or granted, when ``removed``)."""

    __tablename__ = "installation_repositories"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(255))
    removed: Mapped[bool] = mapped_column(default=False)
    github_updated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Campaign(Base):
    """A migration campaign opened by an issue in a repository."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("repo", "issue_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"), index=True)
    repo: Mapped[str] = mapped_column(String(255))
    issue_number: Mapped[int]
    campaign_id: Mapped[str] = mapped_column(String(255), index=True)
    spec_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    spec_yaml: Mapped[str] = mapped_column(Text)
    """The campaign issue's body as last validated; the spec is read back from it."""
    author: Mapped[str | None] = mapped_column(String(255))
    """Who opened the campaign issue: always allowed to command it."""
    overrides: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    """``/migrate exclude`` and ``include`` by lower-case repository (``bot.campaigns.scope``)."""
    batch_size: Mapped[int | None]
    validation_comment_id: Mapped[int | None]
    plan_comment_id: Mapped[int | None]
    summary_comment_id: Mapped[int | None]
    dashboard_due: Mapped[bool] = mapped_column(default=False)
    """A dashboard refresh is queued; requests until it runs add nothing."""
    usage: Mapped[dict[str, object] | None] = mapped_column(JSON)
    waivers: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    """``/migrate waive``: residual references allowed to stay (``bot.campaigns.residual``)."""
    warehouse_residual: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    """Readers in the campaign's jobs export found in no repository (``bot.campaigns.usage``)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Target(Base):
    """One repository a campaign changes, with the pull request that carries the change."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("campaign_id", "repo"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    repo: Mapped[str] = mapped_column(String(255), index=True)
    state: Mapped[str] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(255))
    pr_number: Mapped[int | None]
    head_sha: Mapped[str | None] = mapped_column(String(64))
    base_sha: Mapped[str | None] = mapped_column(String(64))
    default_branch: Mapped[str | None] = mapped_column(String(255))
    spec_hash: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(255))
    last_activity: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    installation_id: Mapped[int | None]
    facts: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    """The pure state machine's target (``bot.campaigns.states``); ``state`` mirrors it."""
    pr_url: Mapped[str | None] = mapped_column(Text)
    files_changed: Mapped[int] = mapped_column(default=0)
    guardrails: Mapped[int] = mapped_column(default=0)
    needs_human: Mapped[bool] = mapped_column(default=False)
    """Every change is a guardrail comment: a person writes the actual migration."""
    human_commits: Mapped[bool] = mapped_column(default=False)
    nudged_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    usage: Mapped[dict[str, object] | None] = mapped_column(JSON)
    residual: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    """What the default branch still reads of the old tables, as last scanned."""
    residual_sha: Mapped[str | None] = mapped_column(String(64))
    """The default-branch commit ``residual`` was read from."""
    residual_due: Mapped[bool] = mapped_column(default=False)
    """The default branch changed (a merge, a push) and has not been scanned again yet."""
    parity: Mapped[dict[str, int] | None] = mapped_column(JSON)
    """Parity counts of the last plan (``bot.campaigns.parity_totals``); None: not recorded."""


class Delivery(Base):
    """A webhook delivery exactly as received; the unique id makes redeliveries no-ops."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(MAX_DELIVERY_ID), unique=True)
    event: Mapped[str] = mapped_column(String(MAX_EVENT_NAME))
    action: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    requeued_at: Mapped[datetime | None]
    """When a sweep last queued this delivery again (stranded, or its worker died)."""
    worker_id: Mapped[str | None] = mapped_column(String(32))
    """The worker running it now; a pending delivery whose worker died is run again."""


class AuditEntry(Base):
    """Something Godwit saw or did, for people asking "why did the bot do that?"."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    installation_id: Mapped[int | None]
    repo: Mapped[str | None] = mapped_column(String(255), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_url: Mapped[str | None] = mapped_column(Text)
    target_number: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)


class JobLock(Base):
    """A named lock shared by every worker process, free once its worker is dead or it expires."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    worker_id: Mapped[str | None] = mapped_column(String(32))
    """The worker process holding it; ``None`` leaves only the expiry to free it."""


class Worker(Base):
    """A worker process that is (or was) alive: its heartbeat says if its work is still its own."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(index=True)


class OwedJob(Base):
    """A campaign job that was asked for and has not finished: the durable half of the queue.

    The queue message carries only ``id``; the row says what to run. ``state``
    is ``queued`` (a message is on its way) or ``running`` (``worker_id`` has
    it). The row is deleted when the job finishes, for good or as failed.
    """

    __tablename__ = "owed_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    args: Mapped[list[Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    worker_id: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]


class AgentTask(Base):
    """One run of the coding agent on a campaign target, with what it spent.

    ``trigger`` names what asked for the run (a review comment, a check suite,
    an opened PR) so a redelivered event never starts it twice; the rows also
    answer the rate limit per PR and the two fix attempts per head commit.
    """

    __tablename__ = "agent_tasks"
    __table_args__ = (UniqueConstraint("repo", "trigger"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    repo: Mapped[str] = mapped_column(String(255))
    pr_number: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(255))
    head_sha: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime]
    stop_reason: Mapped[str] = mapped_column(String(32))
    commit_sha: Mapped[str | None] = mapped_column(String(40))
    usage: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    """``bot.agent.CampaignUsage.to_dict()`` of this one task."""


class RepoSnapshotRow(Base):
    """A repository's text files at one commit, compressed, kept from discovery for the PR job.

    A commit's files never change, so a snapshot is valid for as long as it is
    kept; only the newest per repository is kept.
    """

    __tablename__ = "repo_snapshots"
    __table_args__ = (UniqueConstraint("repo", "commit_sha"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repo: Mapped[str] = mapped_column(String(255), index=True)
    commit_sha: Mapped[str] = mapped_column(String(40))
    files: Mapped[bytes] = mapped_column(LargeBinary)
    """``zlib``-compressed JSON: ``files`` (path → text) and ``executables`` (paths)."""
    stored_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
