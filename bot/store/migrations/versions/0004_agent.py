"""The coding agent's runs: what triggered each, what it committed and what it spent."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agent_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("repo", sa.String(length=255), nullable=False),
        sa.Column("pr_number", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=255), nullable=False),
        sa.Column("head_sha", sa.String(length=40), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("stop_reason", sa.String(length=32), nullable=False),
        sa.Column("commit_sha", sa.String(length=40), nullable=True),
        sa.Column("usage", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_agent_tasks_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_agent_tasks_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_tasks")),
        sa.UniqueConstraint("repo", "trigger", name=op.f("uq_agent_tasks_repo_trigger")),
    )
    op.create_index(op.f("ix_agent_tasks_campaign_id"), "agent_tasks", ["campaign_id"])
    op.create_index(op.f("ix_agent_tasks_target_id"), "agent_tasks", ["target_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_agent_tasks_target_id"), table_name="agent_tasks")
    op.drop_index(op.f("ix_agent_tasks_campaign_id"), table_name="agent_tasks")
    op.drop_table("agent_tasks")
