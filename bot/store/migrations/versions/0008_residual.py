"""Residual references per target and waivers per campaign (retirement readiness)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("residual", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("residual_sha", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("residual_due", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("waivers", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("waivers")
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("residual_due")
        batch.drop_column("residual_sha")
        batch.drop_column("residual")
