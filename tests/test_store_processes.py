"""The store with other processes and threads: kill -9, a held lock, a second Store."""

from __future__ import annotations

import os
import selectors
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from autus_tui.core.runbook import ItemState
from autus_tui.store import Store, StoreBusy, StoreError

MARK_AND_WAIT = """
import sys, time
from autus_tui.store import Store
store = Store(sys.argv[1])
store.mark("launch.check.first-user", "done", "alice")
print("done", flush=True)
time.sleep(30)
"""


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return proc.stdout.readline().strip()


def test_a_mark_survives_kill_9_of_the_process_that_wrote_it(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", MARK_AND_WAIT, str(path)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert _read_line(proc, timeout=15) == "done"
    finally:
        proc.kill()  # SIGKILL: no clean-up, no checkpoint, no close
        proc.wait(timeout=5)
    assert proc.returncode == -9
    with Store(path) as store:
        mark = store.mark_of("launch.check.first-user")
        assert mark is not None and (mark.state, mark.operator) == (ItemState.DONE, "alice")
        assert [e.kind for e in store.events_since(0)] == ["checklist.done"]


class HeldLock:
    """Another connection holding the write lock (BEGIN IMMEDIATE) until ``release()``:
    the test decides when, so no timing decides the outcome."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.close()


def test_a_write_waits_for_another_lock_and_lands_while_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    # A busy timeout far longer than the test takes, even on a loaded machine.
    with Store(path, busy_timeout=60) as store:
        lock = HeldLock(path)
        try:
            result: list[object] = []
            writing = threading.Event()

            def write() -> None:
                writing.set()
                result.append(store.mark("noon.memory", "done", "bob"))

            writer = threading.Thread(target=write)
            writer.start()
            assert writing.wait(10)
            # Meanwhile reads go on: were they to wait for the lock, they would wait for
            # ever (it is released only below), not return.
            assert store.marks() == {}
            store.data_version()
            assert writer.is_alive() and result == []  # the write waits for the lock
        finally:
            lock.release()
        writer.join(10)
        assert result and store.mark_of("noon.memory") is not None


def test_a_lock_held_past_the_busy_timeout_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path, busy_timeout=0.2) as store:
        lock = HeldLock(path)  # held until the write has given up, however long that takes
        try:
            busy = r"locked by another process for longer than 0.2 s; nothing was written"
            with pytest.raises(StoreBusy, match=busy):
                store.mark("noon.memory", "done", "bob")
        finally:
            lock.release()
        assert store.marks() == {}
        store.mark("noon.memory", "done", "bob")  # once the lock is gone, writing works again
        assert store.mark_of("noon.memory") is not None


def test_two_stores_on_one_file_see_each_others_writes_via_data_version(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as alice, Store(path) as bob:
        seen = bob.data_version()
        assert bob.data_version() == seen  # nothing happened: no change
        alice.mark("evening.handover", "done", "alice")
        assert bob.data_version() != seen
        news = bob.events_since(0)
        assert [(e.operator, e.subject) for e in news] == [("alice", "evening.handover")]
        mine = alice.data_version()
        bob.mark("evening.snapshot", "done", "bob")
        assert alice.data_version() != mine
        assert [e.operator for e in alice.events_since(news[-1].id)] == ["bob"]
        # One's own write changes one's own data_version too: both take the same path.
        before = bob.data_version()
        bob.mark("evening.anomalies", "na", "bob", reason="이상 없음")
        assert bob.data_version() != before


def test_simultaneous_marks_from_two_stores_keep_one_state_and_both_events(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as alice, Store(path) as bob:
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def mark(store: Store, name: str) -> None:
            barrier.wait(5)
            results[name] = store.mark("launch.check.gate", "done", name)

        threads = [threading.Thread(target=mark, args=(s, n))
                   for s, n in ((alice, "alice"), (bob, "bob"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        flags = sorted(r.already for r in results.values())
        assert flags == [False, True]
        first = alice.mark_of("launch.check.gate")
        assert first is not None and first.operator in ("alice", "bob")
        assert len(alice.events_since(0)) == 2


def test_many_threads_writing_through_one_store(tmp_path: Path) -> None:
    with Store(tmp_path / "launch.db") as store:
        def work(n: int) -> None:
            for i in range(20):
                store.append_event(f"op{n}", "note", f"{n}.{i}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        events = store.events_since(0)
        assert len(events) == 80 and len({e.id for e in events}) == 80


# -- a read-only place --------------------------------------------------------------------

OPEN_AS = """
import os, sys
from autus_tui.store import Store, StoreError
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
try:
    Store(sys.argv[1]).close()
    print("opened")
except StoreError as error:
    print(error)
"""


def _open_as_other_user(path: Path) -> str:
    """Open ``path`` in a real process that cannot write there (root drops to nobody)."""
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AS, str(path)], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=20,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip()


def test_a_read_only_place_is_a_clear_error(open_folder: Path) -> None:
    existing = open_folder / "shared"
    existing.mkdir()
    Store(existing / "launch.db").close()
    os.chmod(existing / "launch.db", 0o644)
    os.chmod(existing, 0o555)
    before = (existing / "launch.db").read_bytes()
    message = _open_as_other_user(existing / "launch.db")
    assert message.startswith(str(existing / "launch.db")) and "read-only" in message
    assert (existing / "launch.db").read_bytes() == before

    empty = open_folder / "locked"
    empty.mkdir()
    os.chmod(empty, 0o555)
    message = _open_as_other_user(empty / "launch.db")
    assert message.startswith(str(empty / "launch.db"))
    assert "read-only" in message or "not writable" in message
    assert list(empty.iterdir()) == []


def test_store_error_is_what_callers_catch() -> None:
    assert issubclass(StoreBusy, StoreError)
