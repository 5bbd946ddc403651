"""Lease timing (issue 11, item 4): a lease is stamped after the lock was waited out, and
a holder whose process died is taken over at the next attempt, not after its TTL (which
outlasted the 3-poll stale window and flipped every metric to STALE and back)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from autus_tui.services.recorder import holder_id
from autus_tui.store import Store
from autus_tui.store import lease as leases

HOLD_IN_ANOTHER_PROCESS = """
import os, sys, time
from autus_tui.services.recorder import holder_id
from autus_tui.store import Store, lease
store = Store(sys.argv[1])
assert lease.hold(store, holder_id("carol"), time.time(), ttl=60.0)
print("held", flush=True)
if sys.argv[2] == "crash":
    os.kill(os.getpid(), 9)
sys.stdin.readline()  # alive until the test closes stdin
"""


class SteppedClock:
    """Real epoch seconds that move only when the test says; counts the looks."""

    def __init__(self, start: float) -> None:
        self.now, self.looks = start, 0
        self.looked = threading.Event()

    def __call__(self) -> float:
        self.looks += 1
        self.looked.set()
        return self.now


def test_a_lease_is_stamped_after_the_lock_was_waited_out(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path, busy_timeout=30) as store:
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process's long write
        clock = SteppedClock(1000.0)
        result: list[bool] = []
        worker = threading.Thread(target=lambda: result.append(
            leases.hold(store, "h:1:alice", ttl=3.0, real=clock)))
        worker.start()
        assert clock.looked.wait(10)  # it looked (the read before the write) ...
        clock.now += 10.0  # ... and the lock is held 10 s longer than the lease's TTL
        locker.execute("COMMIT")
        locker.close()
        worker.join(30)
        assert result == [True]
        lease = leases.current(store)
        assert lease is not None and lease.expires == 1013.0  # not 1003: born expired
        assert lease.live(clock.now)


def _holder_process(path: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_IN_ANOTHER_PROCESS, str(path), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_dead_holder_is_taken_over_at_once_a_live_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    Store(path).close()
    alive = _holder_process(path, "wait")
    try:
        with Store(path) as store:
            assert not leases.hold(store, holder_id("dave"), ttl=3.0)  # carol is alive
    finally:
        assert alive.stdin is not None
        alive.stdin.close()
        alive.wait(20)
    crashed = _holder_process(path, "crash")
    assert crashed.wait(20) == -9  # kill -9: its lease is live for another minute
    with Store(path) as store:
        before = leases.current(store)
        assert before is not None and before.holder.split(":")[1] == str(crashed.pid)
        assert leases.hold(store, holder_id("dave"), ttl=3.0)  # now, not in a minute
        started = store.timeline(kinds=["poller.start"])[0]
        assert started.detail["previous"] == before.holder
        assert started.detail["previous_gone"] is True
