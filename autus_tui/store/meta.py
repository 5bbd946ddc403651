"""Settings kept in the database: the rehearsal clock shared by every attached process.

The clock is stored as three ``meta`` rows (``rehearsal.origin_real``,
``rehearsal.origin_sim``, ``rehearsal.speed``): simulated time ``origin_sim`` at real
moment ``origin_real``, moving ``speed`` times real time. Every process on the file
builds the same ``ScaledClock`` from them, so they share one simulated time.

``load_or_start_rehearsal_clock``:
  * ``start`` given (``--clock``): the clock restarts there (``clock.set`` event);
  * nothing stored and no ``start``: it starts at the current real time (``clock.start``);
  * else the stored clock continues where it is — a restart does not start over; a
    ``speed`` different from the stored one re-anchors it at the current simulated time
    and changes pace from there (``clock.speed``).
Reading and writing happen in one write transaction, so two processes starting at once
agree on one clock. That transaction also marks the file a rehearsal for good, and
refuses a live one (``store.mode``). A process already attached notices a restart through
``data_version`` and re-reads it with ``read_rehearsal_clock``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from datetime import datetime

from autus_tui.core.clock import ScaledClock, utc_now
from autus_tui.store.events import from_text, to_text
from autus_tui.store.mode import claim_in
from autus_tui.store.store import Store

ORIGIN_REAL, ORIGIN_SIM, SPEED = "rehearsal.origin_real", "rehearsal.origin_sim", "rehearsal.speed"


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value),
    )


def read_rehearsal_clock(
    store: Store, real: Callable[[], datetime] = utc_now
) -> ScaledClock | None:
    with store.read() as conn:
        return _stored(conn, real)


def load_or_start_rehearsal_clock(
    store: Store,
    start: datetime | None,
    speed: float | None,
    *,
    operator: str = "",
    real: Callable[[], datetime] = utc_now,
) -> ScaledClock:
    if speed is not None and (not math.isfinite(speed) or speed <= 0):
        raise ValueError(f"speed must be a number above 0, got {speed!r}")
    if start is not None and start.tzinfo is None:
        raise ValueError("the rehearsal start must be timezone-aware")
    with store.write() as tx:
        claim_in(tx.conn, store.path, rehearsal=True)
        stored = _stored(tx.conn, real)
        now_real = real()
        if start is not None:
            clock, kind = ScaledClock(now_real, start, speed or 1.0, real), "clock.set"
        elif stored is None:
            clock, kind = ScaledClock(now_real, now_real, speed or 1.0, real), "clock.start"
        elif speed is not None and speed != stored.speed:
            clock, kind = ScaledClock(now_real, stored.now(), speed, real), "clock.speed"
        else:
            store.clock = stored  # joining without --clock: writes use the stored clock
            return stored
        set_meta(tx.conn, ORIGIN_REAL, to_text(clock.origin_real))
        set_meta(tx.conn, ORIGIN_SIM, to_text(clock.origin_sim))
        set_meta(tx.conn, SPEED, repr(clock.speed))
        detail = {"origin_sim": to_text(clock.origin_sim), "speed": clock.speed}
        if stored is not None:
            detail["previous_sim"] = to_text(stored.now())
        tx.at = clock.origin_sim
        tx.event(operator or "system", kind, "rehearsal", detail)
    store.clock = clock
    return clock


def _stored(conn: sqlite3.Connection, real: Callable[[], datetime]) -> ScaledClock | None:
    rows = dict(conn.execute(
        "SELECT key, value FROM meta WHERE key IN (?, ?, ?)", (ORIGIN_REAL, ORIGIN_SIM, SPEED)
    ).fetchall())
    if len(rows) < 3:
        return None
    try:
        speed = float(rows[SPEED])
        clock = ScaledClock(from_text(rows[ORIGIN_REAL]), from_text(rows[ORIGIN_SIM]), speed, real)
    except ValueError:
        return None  # unreadable: treated as absent, so the next start writes a good one
    return clock if math.isfinite(speed) and speed > 0 else None
