"""The database file under attack (issue 11, items 1, 2 and 5): deleted or replaced
under a running process, damaged inside, or not a regular file at all. Real files, real
``autus-tui`` processes; each case ends in one line naming the file, never a traceback,
a hang, or a write reported saved that is not in the file at that path."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.runbook import ItemState
from autus_tui.store import Store, StoreError, StoreReplaced

ITEM, OTHER = "launch.monitor.errors", "launch.monitor.latency"


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTUS_")}


def _cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autus_tui.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=_environment(),
                          stdin=subprocess.DEVNULL)


def _record(db: Path | str, *extra: str) -> subprocess.CompletedProcess[str]:
    # A backend nobody listens on: the start is what is judged here, not polling.
    return _cli("record", "--db", str(db), "--backend", "http://127.0.0.1:9",
                "--operator", "kim", *extra)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# -- 1. deleted or replaced under a running process -------------------------------------


def test_a_write_after_the_file_is_deleted_is_refused_never_reported_saved(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as store:
        store.mark(ITEM, ItemState.DONE, "kim")
        os.unlink(path)
        with pytest.raises(StoreReplaced, match="was deleted while this process had it open"):
            store.mark(OTHER, ItemState.DONE, "kim")
        with pytest.raises(StoreReplaced):
            store.data_version()  # the watcher's tick says so too
        with pytest.raises(StoreReplaced):
            store.append_event("kim", "note", "", {"text": "x"})
    assert not path.exists()


def test_a_file_moved_over_the_path_is_noticed_and_left_as_it_was(tmp_path: Path) -> None:
    path, other = tmp_path / "launch.db", tmp_path / "other.db"
    with Store(other) as theirs:
        theirs.mark(OTHER, ItemState.DONE, "bob")
    with Store(path) as store:
        store.mark(ITEM, ItemState.DONE, "kim")
        os.replace(other, path)
        before = _digest(path)
        with pytest.raises(StoreReplaced, match="replaced by another file"):
            store.mark(ITEM, ItemState.OPEN, "kim")
        with pytest.raises(StoreReplaced):
            store.check_file()
    assert _digest(path) == before
    with Store(path) as reopened:  # the file now at the path: only its own record
        assert set(reopened.marks()) == {OTHER}
        with reopened.read() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_start_beside_a_deleted_files_journal_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as store:  # a process that still has the deleted file open
        store.mark(ITEM, ItemState.DONE, "kim")
        os.unlink(path)
        journal = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(part.exists() for part in journal)
        before = [_digest(part) for part in journal]
        done = _record(path)
        assert done.returncode == 1
        line = _one_line(done.stderr)
        assert str(path) in line and "launch.db-wal" in line and "nothing was created" in line
        assert not path.exists()
        assert [_digest(part) for part in journal] == before


def test_record_stops_and_says_so_when_its_file_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "record", "--db", str(path), "--backend",
         "http://127.0.0.1:9", "--operator", "kim"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_environment(), stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("autus-tui record: recording to")
        os.unlink(path)
        assert proc.wait(timeout=20) == 1  # a lease renewal (1 s) notices it
        stderr = proc.stderr.read() if proc.stderr else ""
        line = _one_line(stderr)
        assert str(path) in line and "was deleted" in line and "stopped writing" in line
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- 2. damage inside the file -----------------------------------------------------------


def _damaged_database(path: Path) -> None:
    with Store(path) as store, store.write() as tx:
        for number in range(3000):
            tx.event("kim", "note", "", {"text": f"note {number} " + "x" * 200})
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek((size // 2) // 4096 * 4096)
        handle.write(os.urandom(8192))


def test_a_damaged_file_is_refused_untouched_and_named(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    _damaged_database(path)
    before = _digest(path)
    with pytest.raises(StoreError, match="is damaged") as caught:
        Store(path)
    assert str(path) in str(caught.value)
    done = _record(path)
    assert done.returncode == 1
    assert "is damaged" in _one_line(done.stderr)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_the_check_at_open_is_bounded_in_time(tmp_path: Path) -> None:
    from autus_tui.store.file_guard import quick_check

    path = tmp_path / "launch.db"
    _damaged_database(path)
    conn = sqlite3.connect(path)
    try:
        quick_check(conn, path, seconds=0.0)  # no time to look: taken as it is, no hang
    finally:
        conn.close()


# -- 5. not a regular file -----------------------------------------------------------------


def test_a_fifo_or_a_device_as_db_is_one_line_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for target, kind in ((fifo, "FIFO"), (Path("/dev/zero"), "device")):
        done = _record(target)
        assert done.returncode == 1
        line = _one_line(done.stderr)
        assert str(target) in line and f"is not a regular file (it is a {kind})" in line


def test_a_loop_of_links_as_db_is_one_line(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    a.symlink_to(b)
    b.symlink_to(a)
    done = _record(a)
    assert done.returncode == 1
    assert str(a) in _one_line(done.stderr)
