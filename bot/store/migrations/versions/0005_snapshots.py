"""Snapshots kept from discovery for the PR job; targets' default branch; delivery re-queueing."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "repo_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repo", sa.String(length=255), nullable=False),
        sa.Column("commit_sha", sa.String(length=40), nullable=False),
        sa.Column("files", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repo_snapshots")),
        sa.UniqueConstraint("repo", "commit_sha", name=op.f("uq_repo_snapshots_repo_commit_sha")),
    )
    op.create_index(op.f("ix_repo_snapshots_repo"), "repo_snapshots", ["repo"])
    op.create_index(op.f("ix_repo_snapshots_stored_at"), "repo_snapshots", ["stored_at"])
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("default_branch", sa.String(length=255), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("requeued_at", TIMESTAMP, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("requeued_at")
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("default_branch")
    op.drop_index(op.f("ix_repo_snapshots_stored_at"), table_name="repo_snapshots")
    op.drop_index(op.f("ix_repo_snapshots_repo"), table_name="repo_snapshots")
    op.drop_table("repo_snapshots")
