"""The Store: one database file, written in short transactions, watched cheaply.

Threads. The UI reads on its own thread and writes from worker threads. A Store holds
two connections (``check_same_thread=False``), each guarded by its own lock:
  * the writer: every write is ``with store.write() as tx:`` — ``BEGIN IMMEDIATE``, the
    state change and its event, ``COMMIT`` — under the write lock. If another process
    holds the database lock, the writer waits up to the busy timeout (5 s) and then lands;
  * the reader: queries and ``data_version()``. In WAL mode reads never wait for a
    writer, so a write stuck behind another process's lock never freezes the UI thread.

Change detection (the mechanism issue 4 and later work rely on). ``data_version()``
is ``PRAGMA data_version`` on the reader connection: it changes after any commit made
by another connection — another process, or this Store's own writer — so the UI polls
it (~250 ms, no table read) and only then calls ``events_since(last_id)`` and re-reads
state. One's own change and another process's take the same path.

Times written come from ``store.clock`` (the rehearsal clock in rehearsal).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autus_tui.core.clock import Clock, WallClock
from autus_tui.core.marks import Mark
from autus_tui.core.runbook import ItemState
from autus_tui.store import checklist, events
from autus_tui.store.checklist import MarkResult
from autus_tui.store.db import (
    BUSY_TIMEOUT,
    StoreError,
    connect,
    describe_sqlite,
    open_database,
    release,
)
from autus_tui.store.events import Event

if TYPE_CHECKING:  # imported when first used: ~30 ms a start-up does not need
    import sqlite_utils


@dataclass
class Transaction:
    """What a write sees: the connection inside ``BEGIN IMMEDIATE`` and its moment."""

    conn: sqlite3.Connection
    at: datetime
    """Clock time of this write: every event of one transaction shares it."""

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection through sqlite-utils (made on demand)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def event(
        self, operator: str, kind: str, subject: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> Event:
        return events.append(self.conn, self.at, operator, kind, subject, detail)


class Store:
    def __init__(
        self, path: str | Path, clock: Clock | None = None,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.clock: Clock = clock or WallClock()
        self._busy_timeout = busy_timeout
        self._writer = open_database(self.path, busy_timeout)
        try:
            self._reader = connect(self.path, busy_timeout)
        except StoreError:
            self._writer.close()
            release(self.path)
            raise
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            if not self._closed:
                self._closed = True
                self._reader.close()
                self._writer.close()
                release(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One short write transaction; no network I/O inside. Errors become StoreError."""
        with self._write_lock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise describe_sqlite(self.path, error, self._busy_timeout) from None
            try:
                yield Transaction(conn, self.clock.now())
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.DatabaseError):
                    raise describe_sqlite(self.path, error, self._busy_timeout) from None
                raise

    def append_event(
        self, operator: str, kind: str, subject: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> Event:
        with self.write() as tx:
            return tx.event(operator, kind, subject, detail)

    def mark(
        self, item_id: str, state: ItemState | str, operator: str, reason: str | None = None
    ) -> MarkResult:
        """Set an item to ``state`` (done / na / open) in the name of ``operator``."""
        wanted = ItemState(state)
        with self.write() as tx:
            return checklist.write_mark(tx.conn, tx.at, item_id, wanted, operator, reason)

    # -- reading -----------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock:
            try:
                yield self._reader
            except sqlite3.DatabaseError as error:
                raise describe_sqlite(self.path, error, self._busy_timeout) from None

    def data_version(self) -> int:
        """Changes whenever anything was committed since the last call (see module doc)."""
        with self.read() as conn:
            return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def events_since(self, last_id: int = 0, limit: int | None = None) -> list[Event]:
        with self.read() as conn:
            return events.since(conn, last_id, limit)

    def timeline(
        self, *, kinds: Sequence[str] | None = None, kind_prefix: str | None = None,
        operator: str | None = None, before_id: int | None = None, limit: int = 500,
    ) -> list[Event]:
        with self.read() as conn:
            return events.newest_first(conn, kinds=kinds, kind_prefix=kind_prefix,
                                       operator=operator, before_id=before_id, limit=limit)

    def last_event_id(self) -> int:
        with self.read() as conn:
            return events.last_id(conn)

    def event_kinds(self) -> list[str]:
        with self.read() as conn:
            return events.distinct(conn, "kind")

    def operators(self) -> list[str]:
        with self.read() as conn:
            return events.distinct(conn, "operator")

    def marks(self) -> dict[str, Mark]:
        with self.read() as conn:
            return checklist.read_marks(conn)

    def item_states(self) -> dict[str, ItemState]:
        """item id → state, the input of ``core.schedule`` (unmarked items are open)."""
        return {item_id: mark.state for item_id, mark in self.marks().items()}

    def mark_of(self, item_id: str) -> Mark | None:
        with self.read() as conn:
            return checklist.read_mark(conn, item_id)

    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])
