"""Guarding the database file: what it must be before it is opened, and staying the same
file while it is open.

Before opening (``store.db`` calls these before it writes anything):
  * ``refuse_not_regular(path)``: a FIFO, a device or a socket at the path is refused
    (opening a FIFO would wait for a writer for ever; ``/dev/zero`` is endless);
  * ``refuse_orphan_journal(path)``: the file is absent but a non-empty ``-wal`` is
    there — the database was deleted while a process still had it open. Creating a new
    file beside it would make SQLite read the other file's journal and truncate it
    ("disk I/O error"), so nothing is created and the journal is left as it is (a process
    that noticed the deletion empties its journal first: ``Store._flush_own_journal``);
  * ``quick_check(conn, path)``: damage inside the file (``PRAGMA quick_check``), bounded
    in time (``CHECK_SECONDS``): a large file that cannot be checked within the bound is
    taken as it is rather than holding the start up.

While open (``FileIdentity``): the path's device and inode are remembered at open and
compared again before every commit and on every watch tick (``Store.check_file``). When
the path no longer names the open file (``rm``, or ``mv`` of another file over it),
the Store stops writing for good and raises ``StoreReplaced``: a write is never reported
saved that is not in the file at that path.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from autus_tui.store.errors import StoreError, StoreReplaced

CHECK_SECONDS = 2.0
"""At most this long is spent on ``quick_check`` at open."""
_CHECK_STEP = 1000
"""SQLite virtual-machine steps between looks at the time spent."""


def refuse_not_regular(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # absent (or a file in the folder's place): said when creating it
    except OSError as error:  # a loop of links, a name too long
        raise StoreError(path, f"cannot be used ({error.strerror or error})") from None
    if stat.S_ISDIR(mode):
        raise StoreError(path, "is a folder, not a database file")
    if not stat.S_ISREG(mode):
        raise StoreError(path, f"is not a regular file (it is a {file_kind(mode)}); "
                               "pass a database file with --db")


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in a word (for one-line refusals)."""
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def refuse_orphan_journal(path: Path) -> None:
    """Called when ``path`` does not exist, before anything is created."""
    try:
        journal = os.lstat(f"{path}-wal").st_size
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as error:
        raise StoreError(path, f"cannot be used: its -wal file cannot be read "
                               f"({error.strerror})") from None
    if journal:
        raise StoreError(path, f"is missing but {path.name}-wal is still there with "
                               f"{journal} bytes (was it deleted while a process had it "
                               "open?); nothing was created or changed — stop that process, "
                               "or pass another file with --db")


def quick_check(conn: sqlite3.Connection, path: Path, seconds: float = CHECK_SECONDS) -> None:
    """Refuse a damaged file (read-only: nothing is written); bounded by ``seconds``."""
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _CHECK_STEP)
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            return  # too big to check within the bound: taken as it is
        raise
    finally:
        conn.set_progress_handler(None, 0)
    problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
    if problems:
        raise StoreError(path, f"is damaged ({'; '.join(p[:120] for p in problems)}); it was "
                               "refused and left untouched — restore a copy or pass another "
                               "file with --db")


def file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of what ``path`` names now; ``None`` when nothing does."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass
class FileIdentity:
    """The file a Store opened, and whether the path still names it."""

    path: Path
    opened: tuple[int, int] | None = None
    lost: StoreReplaced | None = field(default=None)

    def __post_init__(self) -> None:
        if self.opened is None:
            self.opened = file_id(self.path)

    def check(self) -> None:
        """Raise ``StoreReplaced`` (now and from then on) if the path names another file."""
        if self.lost is not None:
            raise self.lost
        now = file_id(self.path)
        if now == self.opened:
            return
        what = "deleted" if now is None else "replaced by another file"
        self.lost = StoreReplaced(
            self.path, f"was {what} while this process had it open; stopped writing (nothing "
                       "more is saved) — restart to use the file now at that path")
        raise self.lost
