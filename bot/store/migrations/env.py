"""Alembic environment: runs on the connection ``upgrade_database`` hands over.

There is no alembic.ini, so the migrations work the same from a checkout and
from an installed wheel.
"""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
