"""Opening the database file safely: where it lives, who may read it, what it must be.

Before anything is written, the file is checked: a folder, a FIFO or device, an
unreadable file, a file that is not SQLite (random bytes, a text file), a damaged one
(``file_guard.quick_check``), the ``-wal``/``-shm`` of a deleted file, or the SQLite
database of another program is refused with a ``StoreError`` naming the file, and not
one byte of it is changed. A database whose schema (``PRAGMA user_version``) is newer
than this code is refused too. Only then are WAL mode and the migrations applied.

Permissions. Pairing operators share one account (the usual case on a launch host: two
SSH sessions as the same user) or a group. A folder this code creates is 0o700 and a new
database file 0o600 — nobody else can read the day's record — unless the folder the file
goes into is group-shared, i.e. has the setgid bit (``chmod 2770``, set up on purpose
for a team): then the folder is created 0o2770 and the file 0o660. SQLite gives the
``-wal`` and ``-shm`` files the database file's permissions. Existing files and folders
are never chmod-ed.

Connections: WAL, ``busy_timeout`` (5 s: a write waits out another process's lock of a
few seconds and lands), foreign keys on, ``synchronous=FULL`` (a committed tick is on
disk even if the power goes, not only after ``kill -9``), autocommit mode
(``isolation_level=None``): transactions are begun explicitly with ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections import Counter
from pathlib import Path

import platformdirs

from autus_tui.core.config import UNKNOWN_HOME
from autus_tui.core.text import clean
from autus_tui.store.errors import StoreBusy as StoreBusy  # re-exported: callers import
from autus_tui.store.errors import StoreError as StoreError  # them from here too
from autus_tui.store.file_guard import quick_check, refuse_not_regular, refuse_orphan_journal
from autus_tui.store.migrations import APPLICATION_ID, LATEST_VERSION, SchemaTooNew, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT = 5.0
APP_NAME = "autus-tui"
LIVE_FILE, REHEARSAL_FILE = "launch.db", "rehearsal.db"


# POSIX ends every fcntl lock a process holds on a file when the process closes ANY
# descriptor of that file. SQLite's own connections know this and share one record per
# inode, but the plain header read of ``_check_existing`` does not: run while a Store of
# this process has the file open, it silently dropped that Store's locks, and another
# process's exit then deleted the WAL under it. So files already open here are not
# read again (they were checked when first opened).
_open_here: Counter[Path] = Counter()
_open_here_lock = threading.Lock()


def default_db_path(rehearsal: bool = False) -> Path:
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return folder / (REHEARSAL_FILE if rehearsal else LIVE_FILE)


def resolve_db_path(configured: str | None, rehearsal: bool) -> Path:
    """``--db`` / config ``db`` when given, else the user data folder's file."""
    if configured:
        try:
            return Path(configured).expanduser()
        except RuntimeError:  # ~someone that does not exist: never a literal "~x" folder
            raise StoreError(configured, UNKNOWN_HOME) from None
    return default_db_path(rehearsal)


def prepare_file(path: Path) -> None:
    """Make sure ``path`` is an SQLite file we may use, creating it (privately) if absent."""
    refuse_not_regular(path)  # before any open: a FIFO would wait for a writer for ever
    if path.exists() or path.is_symlink():
        _check_existing(path)
        return
    refuse_orphan_journal(path)
    folder = path.parent
    shared = _ensure_folder(path, folder)
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process created it just now
        _check_existing(path)
        return
    except PermissionError:
        raise StoreError(path, f"cannot create the database: folder {folder} is not "
                               "writable (permission denied)") from None
    except OSError as error:
        raise StoreError(path, f"cannot create the database ({error.strerror})") from None
    try:
        os.fchmod(handle, 0o660 if shared else 0o600)
    finally:
        os.close(handle)


def _ensure_folder(path: Path, folder: Path) -> bool:
    """Create the folder if needed; return whether it is group-shared (setgid)."""
    if folder.exists() and not folder.is_dir():
        raise StoreError(path, f"cannot create the database: {folder} is a file, not a folder")
    if not folder.exists():
        parent = _existing_ancestor(folder)
        shared = _is_shared(parent)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if shared:
                os.chmod(folder, 0o2770)
            else:
                os.chmod(folder, 0o700)
        except PermissionError:
            raise StoreError(path, f"cannot create folder {folder} (permission denied)") from None
        except OSError as error:
            raise StoreError(path, f"cannot create folder {folder} ({error.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(path, f"folder {folder} is read-only; choose another place with --db")
    return _is_shared(folder)


def _check_existing(path: Path) -> None:
    if path.is_dir():
        raise StoreError(path, "is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise StoreError(path, "cannot be read (permission denied)") from None
    except OSError as error:
        raise StoreError(path, f"cannot be read ({error.strerror})") from None
    if header and not header.startswith(SQLITE_HEADER):
        raise StoreError(path, "is not an SQLite database (its first bytes are not the SQLite "
                               "header); it was left untouched — pass another file with --db")
    if header and len(header) < 100:
        raise StoreError(path, "is a truncated SQLite file (shorter than its header); "
                               "it was left untouched")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(path, "is read-only (the file or its folder cannot be written); "
                               "the control room must write its record — use --db elsewhere")


def _existing_ancestor(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _is_shared(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def connect(path: Path, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """A connection with the pragmas every user of the file needs (no schema changes)."""
    try:
        conn = sqlite3.connect(
            str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise StoreError(path, f"cannot be opened ({error})") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise describe_sqlite(path, error, busy_timeout, opening=True) from None
    return conn


def open_database(path: Path, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """Check, open, switch to WAL and migrate; the returned connection is ready to write.

    Each successful call must be paired with ``release(path)`` when the file is closed.
    """
    try:
        key = _key(path)
        with _open_here_lock:
            if not _open_here[key]:
                prepare_file(path)
            _open_here[key] += 1
    except OSError as error:  # the path itself is unusable: a name too long, a link loop
        raise StoreError(path, f"cannot be used ({error.strerror or error})") from None
    try:
        return _open_checked(path, busy_timeout)
    except BaseException:
        release(path)
        raise


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except RuntimeError:  # Python 3.11 says a loop of links this way
        raise StoreError(path, "cannot be used (a loop of symbolic links)") from None


def release(path: Path) -> None:
    """This process closed its connections to ``path`` (see ``_open_here``)."""
    key = _key(path)
    with _open_here_lock:
        _open_here[key] -= 1
        if _open_here[key] <= 0:
            del _open_here[key]


def _open_checked(path: Path, busy_timeout: float) -> sqlite3.Connection:
    conn = connect(path, busy_timeout)
    try:
        _check_contents(conn, path)
        quick_check(conn, path)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(path, f"cannot use WAL journaling here (got {mode!r}); "
                                   "put the database on a local disk")
        migrate(conn)
    except SchemaTooNew as error:
        conn.close()
        raise _too_new(path, error.version) from None
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as error:
        conn.close()
        raise describe_sqlite(path, error, busy_timeout, opening=True) from None
    return conn


def _check_contents(conn: sqlite3.Connection, path: Path) -> None:
    """Read-only checks: a readable schema, ours or empty, not newer than this code."""
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise describe_sqlite(path, error, opening=True) from None
    if app_id != APPLICATION_ID and (tables or version):
        shown = ", ".join(clean(name, 40) for name in tables[:5]) or "none"  # another's names
        raise StoreError(path, f"is the SQLite database of another program (tables: {shown}); "
                               "autus-tui will not change it — pass another file with --db")
    if version > LATEST_VERSION:
        raise _too_new(path, version)


def _too_new(path: Path, version: int) -> StoreError:
    return StoreError(path, f"has schema version {version}, newer than this autus-tui "
                            f"understands ({LATEST_VERSION}); upgrade autus-tui to open it")


def describe_sqlite(
    path: Path, error: sqlite3.DatabaseError, busy_timeout: float = BUSY_TIMEOUT,
    *, opening: bool = False,
) -> StoreError:
    """Any SQLite error as one sentence naming the file: locked, read-only, or (while
    opening) a damaged file, else a database error. The one mapping every caller uses."""
    if isinstance(error, sqlite3.OperationalError):
        return describe_operational(path, error, busy_timeout)
    if opening:
        return StoreError(path, f"is damaged or not a database ({error}); it was left "
                                "untouched")
    return StoreError(path, f"database error ({error})")


def describe_operational(
    path: Path, error: sqlite3.OperationalError, busy_timeout: float = BUSY_TIMEOUT
) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreBusy(path, "is locked by another process for longer than "
                               f"{busy_timeout:g} s; nothing was written")
    if "readonly" in text or "read-only" in text:
        return StoreError(path, "is read-only; the control room must write its record — "
                                "use --db elsewhere")
    return StoreError(path, f"database error ({text})")
