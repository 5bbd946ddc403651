"""Named leases in the database: one poller per database file.

A lease row says who holds it (``holder``, e.g. ``host:pid:operator``) until when
(``expires``). ``hold`` takes a free or expired lease, or renews one's own, in one short
``BEGIN IMMEDIATE`` transaction; the holder renews every ~1 s with a TTL of ~3 s, so if
it dies (even ``kill -9``) another process takes over within TTL + one attempt (< 5 s).
``release`` gives it up at a clean exit, so the next process takes over at once. A
holder that is a process of this host which no longer exists (``kill -9``, a crash) is
taken over at once too, at the next attempt (<= 1 s), well inside the 3-poll stale
window, so a crash does not make every metric flip to STALE and back.

Times are *real* epoch seconds (``time.time``), never the rehearsal clock: a lease is
about processes being alive, and a clock running 60x would expire it in 50 ms. Processes
sharing a file share a host, hence a wall clock.

A change of holder appends an event (``poller.start``, with the previous holder and
whether its lease had expired); renewals append nothing. ``release`` appends
``poller.stop``.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from autus_tui.core.text import clean
from autus_tui.store.store import Store

POLLER = "poller"
TTL = 3.0
RENEW_EVERY = 1.0


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    acquired: float
    heartbeat: float
    expires: float

    def live(self, now: float) -> bool:
        return now < self.expires


def read(conn: sqlite3.Connection, name: str) -> Lease | None:
    row = conn.execute("SELECT name, holder, acquired, heartbeat, expires FROM leases"
                       " WHERE name = ?", (name,)).fetchone()
    return None if row is None else Lease(row[0], row[1], float(row[2]), float(row[3]),
                                          float(row[4]))


def holds(conn: sqlite3.Connection, name: str, holder: str, now: float) -> bool:
    """Inside a transaction: does ``holder`` hold a live lease ``name`` at ``now``?"""
    lease = read(conn, name)
    return lease is not None and lease.holder == holder and lease.live(now)


def current(store: Store, name: str = POLLER) -> Lease | None:
    with store.read() as conn:
        return read(conn, name)


def holder_gone(holder: str) -> bool:
    """Is ``holder`` (``host:pid:...``) a process of this host that no longer exists?"""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != clean(socket.gethostname(), 64) or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    return False


def _takeable(lease: Lease | None, holder: str, now: float) -> bool:
    return (lease is None or lease.holder == holder or not lease.live(now)
            or holder_gone(lease.holder))


def hold(
    store: Store, holder: str, now: float | None = None, *, name: str = POLLER,
    ttl: float = TTL, operator: str = "", real: Callable[[], float] = time.time,
) -> bool:
    """Take or renew the lease; False while another live holder's lease is live.

    The lease is stamped with ``now`` if given (tests), else ``real()`` read *after* the
    write lock is ours: a renewal that waited out another process's lock is not written
    already expired."""
    peek = current(store, name)  # reads never wait: skip the write lock while it is taken
    if not _takeable(peek, holder, real() if now is None else now):
        return False
    with store.write() as tx:
        if now is None:
            now = real()
        lease = read(tx.conn, name)
        if not _takeable(lease, holder, now):
            return False
        if lease is not None and lease.holder == holder and lease.live(now):
            tx.conn.execute("UPDATE leases SET heartbeat = ?, expires = ? WHERE name = ?",
                            (now, now + ttl, name))
            return True
        tx.conn.execute(
            "INSERT OR REPLACE INTO leases (name, holder, acquired, heartbeat, expires)"
            " VALUES (?, ?, ?, ?, ?)", (name, holder, now, now, now + ttl))
        detail: dict[str, object] = {"holder": holder}
        if lease is not None:
            detail["previous"] = lease.holder
            detail["previous_expired"] = True  # a live one was refused above
            if lease.live(now):
                detail["previous_gone"] = True  # its process died: taken over at once
        tx.event(operator or holder, f"{name}.start", holder, detail)
        return True


def release(store: Store, holder: str, *, name: str = POLLER, operator: str = "") -> bool:
    """Give the lease up if ``holder`` has it; True when it did."""
    with store.write() as tx:
        lease = read(tx.conn, name)
        if lease is None or lease.holder != holder:
            return False
        tx.conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
        tx.event(operator or holder, f"{name}.stop", holder, {"holder": holder})
        return True
