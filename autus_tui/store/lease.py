"""Named leases in the database: one poller per database file.

A lease row says who holds it (``holder``, e.g. ``host:pid:operator``) until when
(``expires``). ``hold`` takes a free or expired lease, or renews one's own, in one short
``BEGIN IMMEDIATE`` transaction; the holder renews every ~1 s with a TTL of ~3 s, so if
it dies (even ``kill -9``) another process takes over within TTL + one attempt (< 5 s).
``release`` gives it up at a clean exit, so the next process takes over at once.

Times are *real* epoch seconds (``time.time``), never the rehearsal clock: a lease is
about processes being alive, and a clock running 60x would expire it in 50 ms. Processes
sharing a file share a host, hence a wall clock.

A change of holder appends an event (``poller.start``, with the previous holder and
whether its lease had expired); renewals append nothing. ``release`` appends
``poller.stop``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

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


def hold(
    store: Store, holder: str, now: float, *, name: str = POLLER, ttl: float = TTL,
    operator: str = "",
) -> bool:
    """Take or renew the lease; False while another holder's lease is live."""
    peek = current(store, name)  # reads never wait: skip the write lock while it is taken
    if peek is not None and peek.holder != holder and peek.live(now):
        return False
    with store.write() as tx:
        lease = read(tx.conn, name)
        if lease is not None and lease.holder != holder and lease.live(now):
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
