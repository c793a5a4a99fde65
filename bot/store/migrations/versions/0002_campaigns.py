"""Campaign state for the GitHub App: who may command it, comments to edit, per-repo facts."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def campaign_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("author", sa.String(length=255), nullable=True),
        sa.Column("overrides", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("batch_size", sa.BigInteger(), nullable=True),
        sa.Column("validation_comment_id", sa.BigInteger(), nullable=True),
        sa.Column("plan_comment_id", sa.BigInteger(), nullable=True),
        sa.Column("summary_comment_id", sa.BigInteger(), nullable=True),
        sa.Column("dashboard_due", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("usage", sa.JSON(), nullable=True),
    )


def target_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("installation_id", sa.BigInteger(), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("pr_url", sa.Text(), nullable=True),
        sa.Column("files_changed", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("guardrails", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("needs_human", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("human_commits", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("nudged_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("usage", sa.JSON(), nullable=True),
    )


def upgrade() -> None:
    # Server defaults fill rows written before this revision; the models set their own.
    tables = (("campaigns", campaign_columns), ("targets", target_columns))
    for table, columns in tables:
        with op.batch_alter_table(table) as batch:
            for column in columns():
                batch.add_column(column)
    for table, columns in tables:
        with op.batch_alter_table(table) as batch:
            for column in columns():
                if column.server_default is not None:
                    batch.alter_column(column.name, server_default=None)


def downgrade() -> None:
    for table, columns in (("targets", target_columns), ("campaigns", campaign_columns)):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns()):
                batch.drop_column(column.name)
