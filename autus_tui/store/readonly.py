"""A recorded database opened so that nothing can write to it: a private copy in memory.

``ReadOnlyStore(path)`` is a ``Store`` (every read of the report, the handover, the
timeline, the incident board works on it unchanged) whose data is a copy of the file
held in memory, taken once when it opens; ``write()`` refuses with one line naming the
file, and ``query_only`` is on, so not even a stray ``conn.execute`` can change anything.
``replay`` and ``report`` use it: the file, its ``-wal`` and its ``-shm`` are left byte
for byte as they were (tests compare their checksums).

How the copy is read (``open_copy``), and why:

- No ``-wal`` beside the file (a day closed cleanly: the last connection checkpointed it
  and removed the journal): SQLite's URI ``mode=ro&immutable=1``. ``immutable`` takes no
  lock and creates no ``-wal`` or ``-shm``; ``mode=ro`` alone would still create a ``-shm``
  for a WAL database.
- A ``-wal`` beside it (a process has the file open, or one was killed): the journal holds
  committed transactions that are not in the main file yet. ``immutable`` would not see
  them, and a ``mode=ro`` connection rewrites the ``-shm`` (it rebuilds the wal-index and
  takes read marks there). So the file and its ``-wal`` are copied byte for byte (plain
  reads) into a private temporary folder and that copy is opened: SQLite recovers the
  journal in the copy. A writer committing while the files are copied could tear the
  copy, so their sizes and times are compared before and after and the copy is taken
  again (``COPY_TRIES``). A file that keeps changing is being recorded right now: it is
  then read through a ``mode=ro`` connection, consistent under SQLite's locks; its ``-shm``,
  which the recording process rewrites anyway, may be touched, never the file or journal.

Then SQLite's backup API copies the database into memory and the file is closed: nothing
of it stays open while the replay runs. The copy is checked like a file ``Store`` opens
(ours, not newer than this code, not damaged) and an older schema is migrated in memory.
A process that holds SQLite locks on the same file must not open it this way (the plain
reads would drop them, see ``store.db``); ``replay`` and ``report`` hold none.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from autus_tui.core.clock import Clock, WallClock
from autus_tui.store.db import BUSY_TIMEOUT, SQLITE_HEADER, _check_contents, describe_sqlite
from autus_tui.store.errors import StoreError, StoreReplaced
from autus_tui.store.file_guard import quick_check, refuse_not_regular
from autus_tui.store.migrations import SchemaTooNew, migrate
from autus_tui.store.store import Store, Transaction

COPY_TRIES = 5
READ_ONLY = "is open read-only (a replay or a report): nothing is written"


def _uri(path: Path, options: str) -> str:
    return f"file:{quote(str(path.resolve()), safe='/')}?{options}"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_size, info.st_mtime_ns


def _check_file(path: Path) -> None:
    refuse_not_regular(path)
    if not path.exists():
        raise StoreError(path, "no such database (pass the recorded one with --db)")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise StoreError(path, "cannot be read (permission denied)") from None
    except OSError as error:
        raise StoreError(path, f"cannot be read ({error.strerror})") from None
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise StoreError(path, "is not an SQLite database (its first bytes are not the "
                               "SQLite header); it was left untouched")


def _backup(uri: str, path: Path) -> sqlite3.Connection:
    """Open ``uri`` read-only, copy it into a new in-memory database, close it."""
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        source = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as error:
        memory.close()
        raise StoreError(path, f"cannot be opened ({error})") from None
    try:
        source.backup(memory)
    except sqlite3.DatabaseError as error:
        memory.close()
        raise describe_sqlite(path, error, opening=True) from None
    finally:
        source.close()
    return memory


def _copy_with_journal(path: Path, wal: Path) -> sqlite3.Connection | None:
    """The file and its journal copied into a private folder and read there; ``None``
    when they kept changing while being copied."""
    for _ in range(COPY_TRIES):
        before = (_stamp(path), _stamp(wal))
        folder = Path(tempfile.mkdtemp(prefix="autus-replay-"))
        try:
            copy = folder / "copy.db"
            try:
                shutil.copyfile(path, copy)
                if wal.exists():
                    shutil.copyfile(wal, folder / "copy.db-wal")
            except OSError as error:
                raise StoreError(path, f"cannot be read ({error.strerror or error})") from None
            if (_stamp(path), _stamp(wal)) != before:
                continue  # a commit landed meanwhile: the copy may be torn
            return _backup(_uri(copy, "mode=ro"), path)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return None


def open_copy(path: Path) -> sqlite3.Connection:
    """The database at ``path`` as an in-memory connection (see the module doc)."""
    _check_file(path)
    wal = Path(f"{path}-wal")
    if not wal.exists():
        memory = _backup(_uri(path, "mode=ro&immutable=1"), path)
    else:
        memory = _copy_with_journal(path, wal) or _backup(_uri(path, "mode=ro"), path)
    try:
        _check_contents(memory, path)
        quick_check(memory, path)
        migrate(memory)  # an older file's schema brought up to date, in memory only
    except SchemaTooNew as error:
        memory.close()
        raise StoreError(path, f"has schema version {error.version}, newer than this "
                               "autus-tui understands; upgrade autus-tui to open it") from None
    except StoreError:
        memory.close()
        raise
    except sqlite3.DatabaseError as error:
        memory.close()
        raise describe_sqlite(path, error, opening=True) from None
    memory.execute("PRAGMA query_only = ON")
    return memory


class ReadOnlyStore(Store):
    """A ``Store`` over a private in-memory copy of ``path``: reads only."""

    def __init__(self, path: str | Path, clock: Clock | None = None) -> None:
        # Not Store.__init__: that opens the file to write (WAL, migrations, locks).
        self.path = Path(path)
        self.clock = clock or WallClock()
        self._busy_timeout = BUSY_TIMEOUT
        self._reader = self._writer = open_copy(self.path)
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._closed = False
        self._journal_flushed = True

    def close(self) -> None:
        with self._read_lock:
            if not self._closed:
                self._closed = True
                self._reader.close()

    @property
    def lost(self) -> StoreReplaced | None:
        return None  # the copy is ours: what happens to the file later changes nothing

    def check_file(self) -> None:
        return None

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        raise StoreError(self.path, READ_ONLY)
        yield  # pragma: no cover  (a generator, for contextmanager)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock:
            if self._closed:
                raise StoreError(self.path, "is closed")
            try:
                yield self._reader
            except sqlite3.DatabaseError as error:
                raise describe_sqlite(self.path, error, self._busy_timeout) from None
