"""Durable jobs: owed campaign jobs, worker heartbeats, the worker behind each lock and delivery."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.BigInteger(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("beat_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )
    op.create_index(op.f("ix_workers_beat_at"), "workers", ["beat_at"])
    op.create_table(
        "owed_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owed_jobs")),
    )
    op.create_index(op.f("ix_owed_jobs_state"), "owed_jobs", ["state"])
    with op.batch_alter_table("job_locks") as batch:
        batch.add_column(sa.Column("worker_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("worker_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("worker_id")
    with op.batch_alter_table("job_locks") as batch:
        batch.drop_column("worker_id")
    op.drop_index(op.f("ix_owed_jobs_state"), table_name="owed_jobs")
    op.drop_table("owed_jobs")
    op.drop_index(op.f("ix_workers_beat_at"), table_name="workers")
    op.drop_table("workers")
