"""Engines, sessions and schema upgrades for the state store (SQLite or PostgreSQL).

Embedded installs use one SQLite file; WAL mode lets the webhook intake write
while workers read, and ``BEGIN IMMEDIATE`` makes a transaction that will write
wait for the lock up front instead of failing halfway when another process
got there first.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str | URL) -> URL:
    """``postgresql://`` means psycopg 3 here, the driver Godwit ships with."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine_for(url: str | URL) -> Engine:
    """An engine tuned for the backend: SQLite pragmas, or PostgreSQL with pre-ping."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5}, future=True
        )
    engine = create_engine(parsed, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite)
    _WriterQueue().attach(engine)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        f"busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}",
        "foreign_keys=ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class _WriterQueue:
    """One SQLite transaction at a time per engine, waiting in Python rather than in SQLite.

    SQLite admits one writer; the others sleep and poll with growing back-off
    (up to 100 ms a try), which under a burst of webhooks costs far more than
    the writes. Threads of one process therefore queue on a lock here, and
    only other processes ever meet SQLite's busy handler.
    """

    _HELD = "godwit_writer_lock"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, connection: Connection) -> None:
        self._lock.acquire()
        connection.info[self._HELD] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._end(connection)
            raise

    def _end(self, connection: Connection) -> None:
        if connection.info.pop(self._HELD, False):
            self._lock.release()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded rows usable after commit (handlers read them afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_database(url: str | URL | Engine) -> None:
    """Bring the schema to the newest migration; safe to run at every start."""
    engine = url if isinstance(url, Engine) else create_engine_for(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if engine is not url:
            engine.dispose()


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
