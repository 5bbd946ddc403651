"""A recorded morning for replay tests, written on a stepped clock into a real file.

From 09:00 to 09:40 KST one poll a minute whose error rate is ``minute / 10`` % (09:07 →
0.7 %, 09:12 → 1.2 % WARN, 09:25 → 2.5 %...) and whose active users are ``1000 + minute``;
marks: ``launch.monitor.errors`` done at 09:05 by kim, ``launch.monitor.response`` done
at 09:20 by lee, ``launch.monitor.errors`` reopened at 09:25 by kim; a note at 09:15;
incident #1 심각 서버 다운 declared at 09:10 by kim, acknowledged at 09:12 by lee,
resolved at 09:30 by kim. The Store is closed at the end: no ``-wal`` is left.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from autus_tui.core.clock import FixedClock
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.store import Store, incidents, samples
from autus_tui.store.meta import set_meta
from autus_tui.store.notes import add_note

NINE = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST on launch day
MINUTES = 40
ERRORS, RESPONSE = "launch.monitor.errors", "launch.monitor.response"


def at(minute: float) -> datetime:
    return NINE + timedelta(minutes=minute)


def poll(minute: int) -> PollResult:
    readings = {"error_rate": Reading(minute / 10), "active_users": Reading(1000.0 + minute)}
    return PollResult(at(minute), readings, Health("ok", "all good"), None, 0.01)


def record_day(path: Path, *, rehearsal: bool = False) -> Path:
    clock = FixedClock(at(0))
    store = Store(path, clock)
    try:
        with store.write() as tx:
            set_meta(tx.conn, "mode", "rehearsal" if rehearsal else "live")
            set_meta(tx.conn, "launch.date", "2026-11-27")
        steps = {
            5: lambda: store.mark(ERRORS, "done", "kim"),
            10: lambda: incidents.declare(store, "kim", severity="심각", situation="서버 다운",
                                          response="즉시 재시작", policy=EscalationPolicy(),
                                          rehearsal=rehearsal),
            12: lambda: incidents.acknowledge(store, 1, "lee"),
            15: lambda: add_note(store, "lee", "DB 확인 중"),
            20: lambda: store.mark(RESPONSE, "done", "lee"),
            25: lambda: store.mark(ERRORS, "open", "kim"),
            30: lambda: incidents.resolve(store, 1, "kim", "재시작으로 복구"),
        }
        for minute in range(MINUTES + 1):
            clock.moment = at(minute)
            samples.record_polls(store, [poll(minute)], 180.0)
            if minute in steps:
                steps[minute]()
    finally:
        store.close()
    return path


def leave_journal(path: Path) -> None:
    """Append a row through a connection that is never closed cleanly (as a killed
    process leaves it): the file keeps a ``-wal`` and a ``-shm`` beside it."""
    import subprocess
    import sys

    code = (
        "import sqlite3, os, sys\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode=WAL')\n"
        "c.execute(\"INSERT INTO meta (key, value) VALUES ('journal.test', 'x')\")\n"
        "sys.stdout.flush(); os._exit(0)\n"  # no close, no checkpoint: like kill -9
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert Path(f"{path}-wal").exists()
    assert sqlite3.sqlite_version  # (the journal is read by SQLite's recovery in a copy)
