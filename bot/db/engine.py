"""Opening the SQL database (SQLite or PostgreSQL) and bringing its schema to the latest revision.

SQLite is the one-machine default: WAL so readers never block the writer, synchronous=FULL so a
commit survives a power cut, foreign keys on (SQLite leaves them off), a busy timeout so a second
process waits instead of failing, and transactions begun by SQLAlchemy so that DDL and SAVEPOINTs
are transactional. PostgreSQL serves several
workers; concurrent start-ups serialise their migrations with an advisory lock.

Every engine hides bound parameters: a failing statement's error (and any SQL echo) names the
statement but never the values, so questions, report texts and names do not reach the logs.
"""
from __future__ import annotations

import threading

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# SQLite's durability: FULL, so a committed report survives a power cut (bench/report_throughput.py
# measures the cost against NORMAL).
SQLITE_SYNCHRONOUS = "FULL"
# Milliseconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Any fixed number below 2**63 (a signed bigint), the same in every process of this application.
MIGRATION_LOCK_KEY = 0x7472_6F6C_7963_6869  # "trolychi"
# Execution option: begin SQLite transactions with BEGIN IMMEDIATE (take the write lock at once).
BEGIN_IMMEDIATE = "sqlite_begin_immediate"
# Connection info key: this connection holds the process's turn to write (until it is returned).
_WRITING = "sqlite_writing"
_FIRST: ContextVar[bool] = ContextVar("sqlite_writes_first", default=False)


def normalise_url(url: str | URL) -> URL:
    """Plain `postgresql://` (or `postgres://`) URLs use psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def open_engine(url: str | URL) -> Engine:
    """An engine for the URL, with the per-backend settings this application relies on."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    # pre_ping: a pooled connection may have been closed by a server restart.
    return create_engine(parsed, pool_pre_ping=True, hide_parameters=True)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                           hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see _on_begin); the legacy sqlite3 mode skips it
        # for DDL and SELECT.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                _enable_wal(cursor)
                # FULL syncs the WAL at every commit: a receipt shown to a reporter survives a
                # power cut too (NORMAL survives only application crashes). Cost: README.
                cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    turns = WriteTurns()  # this process's writers, queued (commands first) before SQLite's lock

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred transaction that reads and then writes fails at once (no busy wait) when
        # another process wrote in between; writers ask for IMMEDIATE to queue up instead.
        immediate = connection.get_execution_options().get(BEGIN_IMMEDIATE, False)
        if immediate and not connection.info.get(_WRITING):
            connection.info[_WRITING] = turns.take(_FIRST.get(), SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        except BaseException:
            _done_writing(connection.info)
            raise

    def _done_writing(info: dict[Any, Any]) -> None:
        if info.pop(_WRITING, False):
            turns.give_back()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _done_writing(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _done_writing(record.info)

    return engine


class WriteTurns:
    """This process's writers queue for SQLite's write lock here, each woken as soon as the last
    gives its turn back, and writers marked `first` (commands, see `writes_first`) before the
    rest. SQLite's own busy handler polls with sleeps of up to 100 ms and serves no one first:
    under a flood of writes an admin's command could wait seconds for the lock."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._taken = False
        self._first_waiting = 0

    def take(self, first: bool, timeout: float) -> bool:
        """Wait for the turn (False after `timeout`: the caller then waits in SQLite as before)."""
        with self._changed:
            self._first_waiting += first
            try:
                got = self._changed.wait_for(lambda: not self._taken and (first or not self._first_waiting), timeout)
                self._taken = self._taken or got
                return got
            finally:
                self._first_waiting -= first

    def give_back(self) -> None:
        with self._changed:
            self._taken = False
            self._changed.notify_all()


@contextmanager
def writes_first() -> Iterator[None]:
    """Writes made inside take this process's next turn to write before other waiting writers."""
    token = _FIRST.set(True)
    try:
        yield
    finally:
        _FIRST.reset(token)


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL (a persistent setting), waiting out other connections.

    The switch needs an exclusive lock and SQLite reports "locked" at once instead of calling
    the busy handler, so processes opening a new file together retry here.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL").fetchone()
            return  # a file system without WAL support keeps its mode: nothing more to do
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions are meant to write.

    On SQLite they take the write lock when they begin; elsewhere nothing changes.
    """
    return engine.execution_options(**{BEGIN_IMMEDIATE: True})


# INSERT with ON CONFLICT (upserts, idempotent inserts) for each backend this application runs on.
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class Repository:
    """Base of the stores: sessions for reading and for writing (which take SQLite's write lock
    when they begin) over one engine, and the backend's INSERT … ON CONFLICT."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name not in _INSERTS:
            raise ValueError(f"unsupported database backend: {engine.dialect.name}")
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)
        self._insert = _INSERTS[engine.dialect.name]


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code: no alembic.ini, independent of the working folder.

    With a connection, env.py migrates through it (inside the caller's transaction).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision; a no-op when it is already there.

    Runs in one transaction. On PostgreSQL an advisory lock held until that transaction ends
    makes concurrently starting processes migrate one after another: the later ones find the
    schema at head and do nothing. On SQLite, BEGIN IMMEDIATE does the same.
    """
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(connection), "head")


def connect(url: str | URL) -> Engine:
    """Open the database and migrate it to the latest schema: a new engine (tests, tools).
    A running program takes `shared_engine` instead."""
    engine = open_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


_SHARED: dict[str, Engine] = {}
_SHARED_LOCK = threading.Lock()


def shared_engine(url: str | URL) -> Engine:
    """The process's one engine for this database, opened and migrated on first use: every
    store, command and channel of a process shares one pool, and the migrations run once."""
    key = normalise_url(url).render_as_string(hide_password=False)
    with _SHARED_LOCK:
        engine = _SHARED.get(key)
        if engine is None:
            engine = _SHARED[key] = connect(url)
        return engine
