"""A database is live or a rehearsal for good: the other use is refused naming the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.config import Config
from autus_tui.services.session import open_store
from autus_tui.store import Store, StoreError
from autus_tui.store.mode import read_mode


def open_and_close(db: Path, rehearsal: bool) -> None:
    store, _clock = open_store(Config(db=str(db), rehearsal=rehearsal, operator="kim"))
    store.close()


def meta(db: Path) -> dict[str, str]:
    with Store(db) as store, store.read() as conn:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def test_a_rehearsal_database_is_refused_live_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.db"
    open_and_close(db, rehearsal=True)
    before = meta(db)
    assert before["mode"] == "rehearsal"
    with pytest.raises(StoreError) as caught:
        open_and_close(db, rehearsal=False)
    assert str(caught.value).startswith(f"{db}: is a rehearsal database")
    assert "\n" not in str(caught.value)
    assert meta(db) == before
    open_and_close(db, rehearsal=True)  # still fine as what it is


def test_a_live_database_is_refused_as_a_rehearsal_and_gets_no_clock(tmp_path: Path) -> None:
    db = tmp_path / "launch.db"
    open_and_close(db, rehearsal=False)
    with pytest.raises(StoreError) as caught:
        open_and_close(db, rehearsal=True)
    assert str(caught.value).startswith(f"{db}: is a live launch-day database")
    assert meta(db)["mode"] == "live"
    assert not any(key.startswith("rehearsal.") for key in meta(db))
    with Store(db) as store:
        assert read_mode(store) == "live"
        kinds = [e.kind for e in store.events_since(0)]
        assert not [kind for kind in kinds if kind.startswith("clock.")]  # no clock.start


def test_files_from_before_the_mark_are_read_by_what_they_hold(tmp_path: Path) -> None:
    rehearsal, live, empty = tmp_path / "r.db", tmp_path / "l.db", tmp_path / "e.db"
    open_and_close(rehearsal, rehearsal=True)
    with Store(live) as store:
        store.append_event("kim", "note", "x")
    Store(empty).close()
    for db in (rehearsal, live):  # as an older version left them: no mark
        with Store(db) as store, store.write() as tx:
            tx.conn.execute("DELETE FROM meta WHERE key = 'mode'")
    with Store(rehearsal) as store:
        assert read_mode(store) == "rehearsal"  # it has a stored clock
    with pytest.raises(StoreError, match="is a rehearsal database"):
        open_and_close(rehearsal, rehearsal=False)
    with pytest.raises(StoreError, match="is a live launch-day database"):
        open_and_close(live, rehearsal=True)  # it has events and no clock
    with Store(empty) as store:
        assert read_mode(store) is None
    open_and_close(empty, rehearsal=True)  # an empty file takes the first mode, for good
    assert meta(empty)["mode"] == "rehearsal"
    assert meta(live).get("mode") is None  # the refused open wrote nothing
    open_and_close(live, rehearsal=False)
    assert meta(live)["mode"] == "live"


def test_record_on_a_rehearsal_database_exits_1_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.db"
    open_and_close(db, rehearsal=True)
    done = subprocess.run(
        [sys.executable, "-m", "autus_tui.cli", "record", "--db", str(db),
         "--backend", "http://127.0.0.1:9"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"{db}: is a rehearsal database" in done.stderr
