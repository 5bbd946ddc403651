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

File identity. The path's device and inode are remembered at open; before every COMMIT
and on every ``data_version`` they are compared again, and a path that names another file
(or none) ends writing for good with ``StoreReplaced`` (``store.file_guard``).

Times written come from ``store.clock`` (the rehearsal clock in rehearsal).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
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
from autus_tui.store.errors import StoreReplaced
from autus_tui.store.events import Event
from autus_tui.store.file_guard import FileIdentity

if TYPE_CHECKING:  # imported when first used: ~30 ms a start-up does not need
    import sqlite_utils


def wrap(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """``conn`` through sqlite-utils (it runs PRAGMAs as it wraps a connection)."""
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


@dataclass
class Transaction:
    """What a write sees: the connection inside ``BEGIN IMMEDIATE`` and its moment."""

    conn: sqlite3.Connection
    at: datetime
    """Clock time of this write: every event of one transaction shares it."""
    wrapped: Callable[[], sqlite_utils.Database] | None = None
    """The store's one sqlite-utils view of this connection (made on first use)."""

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection through sqlite-utils: bulk inserts, table changes."""
        return self.wrapped() if self.wrapped is not None else wrap(self.conn)

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
        self._sqlite_utils: sqlite_utils.Database | None = None
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._closed = False
        self._file = FileIdentity(self.path)
        self._journal_flushed = False

    def _wrapped(self) -> sqlite_utils.Database:
        # Made once per Store and only when a write asks: never a PRAGMA per write.
        if self._sqlite_utils is None:
            self._sqlite_utils = wrap(self._writer)
        return self._sqlite_utils

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            if not self._closed:
                self._closed = True
                self._reader.close()
                self._writer.close()
                release(self.path)

    @property
    def lost(self) -> StoreReplaced | None:
        """Set once the path was found naming another file (or none): writing has ended."""
        return self._file.lost

    def check_file(self) -> None:
        """Raise ``StoreReplaced`` if the path no longer names the file opened (from then
        on every write is refused too); see ``store.file_guard``."""
        try:
            self._file.check()
        except StoreReplaced:
            with self._write_lock:
                self._flush_own_journal()
            raise

    def _flush_own_journal(self) -> None:
        """Once the path names another file (or none), move what this connection committed
        out of the ``-wal`` beside the path into its own (moved or deleted) file: that
        journal is read by whoever opens the path next, and nothing of this file may show
        up in another (a "ghost" mark, a "malformed" file). Under the write lock; once."""
        if self._journal_flushed or self._closed:
            return
        self._journal_flushed = True
        with contextlib.suppress(sqlite3.Error):
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
            if self._file.lost is not None:
                raise self._file.lost
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise describe_sqlite(self.path, error, self._busy_timeout) from None
            try:
                yield Transaction(conn, self.clock.now(), self._wrapped)
                self._file.check()  # never commit into a file the path no longer names
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(error, StoreReplaced):
                    self._flush_own_journal()
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

    def verify(
        self, item_id: str, operator: str, rule: str, passed: bool, evidence: str,
        *, mark_done: bool, word: str | None = None,
    ) -> MarkResult | None:
        """Record a verify verdict and, when ``mark_done``, mark the item done: one write.
        ``word``: the verdict's own word when it is not just PASS/FAIL (a probe's WARN)."""
        detail: dict[str, Any] = {"rule": rule, "passed": passed, "evidence": evidence}
        if word is not None:
            detail["word"] = word
        with self.write() as tx:
            tx.event(operator, checklist.VERIFY_KIND, item_id, detail)
            if not mark_done:
                return None
            return checklist.write_mark(tx.conn, tx.at, item_id, ItemState.DONE, operator, None)

    # -- reading -----------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock:
            try:
                yield self._reader
            except sqlite3.DatabaseError as error:
                raise describe_sqlite(self.path, error, self._busy_timeout) from None

    def data_version(self) -> int:
        """Changes whenever anything was committed since the last call (see module doc).
        Raises ``StoreReplaced`` once the path names another file (or none)."""
        self.check_file()
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
