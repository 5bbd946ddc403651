"""Live or rehearsal, for good: the mode a database is created in is kept in its ``meta``.

``claim_mode(store, rehearsal)`` is called by whoever opens a database to run on it
(``services.session.open_store``, ``demo``; ``load_or_start_rehearsal_clock`` claims
rehearsal in its own transaction). The first claim writes the mark (``meta`` key
``mode``: ``live`` or ``rehearsal``); a later claim of the other mode raises
``StoreError`` — one line naming the file — and changes nothing, so a rehearsal's
scripted incidents never land in the launch-day record and no live file is played with.

Files made before the mark existed are read by what they hold: a stored rehearsal clock
makes a rehearsal; any other file with events is live; an empty file takes the mode it
is first opened in. That reading is then written down as the mark.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from autus_tui.store.db import StoreError
from autus_tui.store.store import Store

MODE = "mode"
LIVE, REHEARSAL = "live", "rehearsal"
_CLOCK_KEY = "rehearsal.origin_sim"  # store.meta.ORIGIN_SIM (meta imports this module)


def read_mode(store: Store) -> str | None:
    """``live``, ``rehearsal`` (marked, or read from an old file's contents) or None
    for an empty unmarked file. Writes nothing: a report or a replay may call it."""
    with store.read() as conn:
        return _mode(conn)


def claim_mode(store: Store, rehearsal: bool) -> None:
    """Mark the file with this mode, or refuse if it holds the other one."""
    wanted = REHEARSAL if rehearsal else LIVE
    with store.read() as conn:
        if _marked(conn) == wanted:
            return  # the common case: no write on every start
    with store.write() as tx:
        claim_in(tx.conn, store.path, rehearsal)


def claim_in(conn: sqlite3.Connection, path: Path, rehearsal: bool) -> None:
    """``claim_mode`` inside a write transaction already open on ``conn``."""
    wanted = REHEARSAL if rehearsal else LIVE
    found = _mode(conn)
    if found is not None and found != wanted:
        raise StoreError(path, _refusal(found))
    if _marked(conn) != wanted:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                     " DO UPDATE SET value = excluded.value", (MODE, wanted))


def _refusal(found: str) -> str:
    if found == REHEARSAL:
        return ("is a rehearsal database and cannot be opened live "
                "(add --rehearsal, or give the live database with --db)")
    return ("is a live launch-day database and cannot be opened as a rehearsal "
            "(a rehearsal needs its own file: leave out --db or give another one)")


def _marked(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (MODE,)).fetchone()
    return str(row[0]) if row is not None and row[0] in (LIVE, REHEARSAL) else None


def _mode(conn: sqlite3.Connection) -> str | None:
    marked = _marked(conn)
    if marked is not None:
        return marked
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (_CLOCK_KEY,)).fetchone():
        return REHEARSAL
    if conn.execute("SELECT 1 FROM events LIMIT 1").fetchone():
        return LIVE
    return None
