"""The one place that talks to DuckDB: an in-process database per thread, tables kept by key.

DuckDB runs with one thread, so a scan returns rows in the order they were
inserted and every run of a statement over the same tables is the same run.
Synthetic tables are built once per key (a campaign's tables over one dataset,
a joined table with the columns statements read) and reused by every statement
of the process that needs them; the oldest are dropped past ``MAX_SCHEMAS``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import duckdb

MAX_SCHEMAS = 512
RUN_SECONDS = 10.0  # a query over synthetic rows that runs longer is interrupted (a cross join...)


class QueryFailedError(Exception):
    """DuckDB refused or failed a statement; the message is DuckDB's first line."""


class _Watchdog:
    """Interrupts a connection's query past ``RUN_SECONDS``: one waiting thread per session.

    A timer thread started for every query cost a fifth of DuckDB's own time on
    a plan's statements (a thread start for a few milliseconds of DuckDB work),
    so one daemon thread waits for each run and interrupts it when it does not
    finish in time. It is woken only when it waits for no run at all: while it
    sleeps until an earlier run's deadline, a later deadline is simply read
    when it wakes, so a run costs no thread switch.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._changed = threading.Condition()
        self._deadline: float | None = None  # monotonic time the running query must end by
        self._idle = False  # waiting with no deadline: only a notify wakes it
        self._closed = False
        thread = threading.Thread(target=self._watch, name="parity-watchdog", daemon=True)
        thread.start()

    def start(self, seconds: float) -> None:
        with self._changed:
            self._deadline = time.monotonic() + seconds
            if self._idle:  # else it wakes at the last run's deadline and waits on to this one
                self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._deadline = None

    def close(self) -> None:
        with self._changed:
            self._deadline = None
            self._closed = True
            self._changed.notify()

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if self._deadline is None:
                    self._idle = True
                    self._changed.wait()
                    self._idle = False
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                self._connection.interrupt()  # stop() cannot run meanwhile: the lock is held
                self._deadline = None


class _Session(threading.local):
    def __init__(self) -> None:
        self.connection: duckdb.DuckDBPyConnection | None = None
        self.watchdog: _Watchdog | None = None
        self.schemas: OrderedDict[str, None] = OrderedDict()
        self.scratch = 0


_SESSION = _Session()


def _connection() -> duckdb.DuckDBPyConnection:
    if _SESSION.connection is None:
        _SESSION.connection = duckdb.connect(
            ":memory:",
            config={"threads": 1, "enable_external_access": False, "memory_limit": "256MB"},
        )
        # A few dozen rows need no query optimizer, and planning is most of a run's cost.
        _SESSION.connection.execute("PRAGMA disable_optimizer")
        _SESSION.watchdog = _Watchdog(_SESSION.connection)
    return _SESSION.connection


def reset() -> None:
    """Close this thread's database and forget its tables (a benchmark measures a cold start)."""
    if _SESSION.connection is not None:
        if _SESSION.watchdog is not None:
            _SESSION.watchdog.close()
        _SESSION.connection.close()
    _SESSION.connection = None
    _SESSION.watchdog = None
    _SESSION.schemas.clear()


def ensure_schema(name: str, build: Callable[[str], str]) -> None:
    """Create schema ``name`` with the SQL ``build(name)`` returns, unless it exists already."""
    if name in _SESSION.schemas:
        _SESSION.schemas.move_to_end(name)
        return
    connection = _connection()
    try:
        connection.execute(f'CREATE SCHEMA "{name}"; {build(name)}')
    except duckdb.Error as error:
        connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        raise QueryFailedError(_first_line(error)) from None
    _SESSION.schemas[name] = None
    while len(_SESSION.schemas) > MAX_SCHEMAS:
        oldest, _ = _SESSION.schemas.popitem(last=False)
        connection.execute(f'DROP SCHEMA IF EXISTS "{oldest}" CASCADE')


def scratch_schema(build: Callable[[str], str]) -> str:
    """A new schema for one counterexample search; ``drop_schema`` it when done."""
    _SESSION.scratch += 1
    name = f"scratch_{_SESSION.scratch}"
    connection = _connection()
    try:
        connection.execute(f'CREATE SCHEMA "{name}"; {build(name)}')
    except duckdb.Error as error:
        connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        raise QueryFailedError(_first_line(error)) from None
    return name


def drop_schema(name: str) -> None:
    _connection().execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def run(sql: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """Output column names and rows of one query."""
    connection = _connection()
    watchdog = _SESSION.watchdog
    assert watchdog is not None
    watchdog.start(RUN_SECONDS)
    try:
        cursor = connection.execute(sql)
        rows = cursor.fetchall()
        names = [column[0] for column in cursor.description or []]
    except duckdb.Error as error:
        raise QueryFailedError(_first_line(error)) from None
    finally:
        watchdog.stop()
    return names, [tuple(row) for row in rows]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def describe(sql: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each output column of a query, without running it over data."""
    _, rows = run(f"DESCRIBE {sql}")
    return [(str(row[0]), str(row[1])) for row in rows]
