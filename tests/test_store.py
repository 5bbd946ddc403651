"""The store on real SQLite files: opening safely, migrations, marks, events, the clock."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.runbook import ItemState
from autus_tui.store import (
    Store,
    StoreError,
    default_db_path,
    load_or_start_rehearsal_clock,
    read_rehearsal_clock,
    resolve_db_path,
)
from autus_tui.store.migrations import APPLICATION_ID, LATEST_VERSION

T0 = datetime(2026, 11, 27, 0, 1, tzinfo=UTC)  # 09:01 in Seoul


def _pragma(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        conn.close()


# -- opening ----------------------------------------------------------------------------


def test_a_new_file_is_created_private_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "data" / "launch.db"
    with Store(path) as store:
        store.mark("pre.infra.db", "done", "alice")
        wal = path.with_name("launch.db-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _pragma(path, "user_version") == LATEST_VERSION
    assert _pragma(path, "application_id") == APPLICATION_ID
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"events", "checklist_marks", "meta"} <= tables


def test_in_a_group_shared_folder_the_file_is_group_readable(tmp_path: Path) -> None:
    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    with Store(shared / "sub" / "launch.db"):
        pass
    assert stat.S_IMODE((shared / "sub").stat().st_mode) == 0o2770
    assert stat.S_IMODE((shared / "sub" / "launch.db").stat().st_mode) == 0o660


def test_an_empty_file_is_taken_as_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with Store(path) as store:
        assert store.events_since(0) == []
    assert _pragma(path, "user_version") == LATEST_VERSION


def test_opening_again_keeps_the_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as store:
        store.append_event("alice", "note", "", {"text": "hello"})
    with Store(path) as store:
        assert [e.detail for e in store.events_since(0)] == [{"text": "hello"}]


def test_a_newer_schema_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value).startswith(str(path))
    assert f"schema version {LATEST_VERSION + 5}, newer than" in str(caught.value)
    assert path.read_bytes() == before


def _random_bytes(size: int) -> bytes:
    data = random.Random(7).randbytes(size)
    return b"\x00" + data[1:]  # never the SQLite header by chance


@pytest.mark.parametrize(("name", "content", "words"), [
    ("random.db", _random_bytes(8192), "is not an SQLite database"),
    ("notes.db", "출시 체크리스트\n- [ ] 백엔드\n".encode() * 40, "is not an SQLite database"),
    ("half.db", b"SQLite format 3\x00" + b"\x10", "truncated"),
    ("damaged.db", b"SQLite format 3\x00" + _random_bytes(8192), "damaged or not a database"),
], ids=["random", "text", "truncated", "damaged"])
def test_a_file_that_is_not_our_database_is_left_untouched(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and words in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"another program \(tables: invoices\)"):
        Store(path)
    assert path.read_bytes() == before


def test_a_folder_or_a_file_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder, not a database file"):
        Store(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        Store(blocker / "launch.db")


def test_default_locations() -> None:
    live, rehearsal = default_db_path(False), default_db_path(True)
    assert (live.name, rehearsal.name) == ("launch.db", "rehearsal.db")
    assert live.parent == rehearsal.parent and live.parent.name == "autus-tui"
    assert resolve_db_path("~/x.db", True) == Path("~/x.db").expanduser()
    assert resolve_db_path(None, True) == rehearsal


# -- marks and events -------------------------------------------------------------------


def test_done_na_undo_persist_across_reopen_with_their_events(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    clock = FixedClock(T0)
    with Store(path, clock) as store:
        store.mark("pre.infra.db", ItemState.DONE, "alice")
        clock.advance(timedelta(minutes=1))
        store.mark("pre.infra.cdn", "na", "bob", reason="CDN 미사용")
        clock.advance(timedelta(minutes=1))
        store.mark("pre.infra.ssl", "done", "alice")
        store.mark("pre.infra.ssl", "open", "alice", reason="인증서 재확인")
    with Store(path) as store:
        marks = store.marks()
        assert marks["pre.infra.db"].state is ItemState.DONE
        assert (marks["pre.infra.db"].operator, marks["pre.infra.db"].at) == ("alice", T0)
        assert (marks["pre.infra.cdn"].state, marks["pre.infra.cdn"].reason) == (
            ItemState.NA, "CDN 미사용")
        assert marks["pre.infra.ssl"].state is ItemState.OPEN
        assert store.item_states()["pre.infra.ssl"] is ItemState.OPEN
        kinds = [(e.kind, e.subject, e.operator) for e in store.events_since(0)]
        assert kinds == [
            ("checklist.done", "pre.infra.db", "alice"),
            ("checklist.na", "pre.infra.cdn", "bob"),
            ("checklist.done", "pre.infra.ssl", "alice"),
            ("checklist.undo", "pre.infra.ssl", "alice"),
        ]
        assert store.events_since(0)[1].at == T0 + timedelta(minutes=1)
        assert marks["pre.infra.ssl"].event_id == store.last_event_id()


def test_not_applicable_without_a_reason_writes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "launch.db") as store:
        with pytest.raises(ValueError, match="needs a reason"):
            store.mark("pre.infra.cdn", "na", "bob", reason="   ")
        assert store.events_since(0) == [] and store.marks() == {}


def test_marking_what_is_already_so_says_by_whom_and_keeps_both_events(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        first = store.mark("launch.check.gate", "done", "alice")
        assert not first.already and first.already_text(UTC) is None
        clock.advance(timedelta(seconds=40))
        second = store.mark("launch.check.gate", "done", "bob")
        assert second.already
        assert second.already_text(ZoneInfo("Asia/Seoul")) == "already done by alice at 09:01"
        assert store.mark_of("launch.check.gate").operator == "alice"  # type: ignore[union-attr]
        events = store.events_since(0)
        assert [(e.operator, e.detail.get("already", False)) for e in events] == [
            ("alice", False), ("bob", True)]
        undo = store.mark("noon.memory", "open", "bob")
        assert undo.already and undo.already_text(UTC) == "already open"


def test_events_are_append_only(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as store:
        store.append_event("alice", "note", "", {"text": "x"})
    conn = sqlite3.connect(path)
    for sql in ("UPDATE events SET operator = 'mallory'", "DELETE FROM events"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_timeline_newest_first_filtered_by_kind_and_operator(tmp_path: Path) -> None:
    with Store(tmp_path / "launch.db") as store:
        store.mark("a", "done", "alice")
        store.mark("b", "done", "bob")
        store.append_event("bob", "note", "", {"text": "18:00 인수인계"})
        store.mark("a", "open", "alice")
        assert [e.subject for e in store.timeline()] == ["a", "", "b", "a"]
        assert [e.kind for e in store.timeline(operator="bob")] == ["note", "checklist.done"]
        assert len(store.timeline(kind_prefix="checklist.")) == 3
        assert [e.subject for e in store.timeline(kinds=["checklist.undo"])] == ["a"]
        assert store.timeline(limit=1)[0].kind == "checklist.undo"
        newest = store.timeline()[0].id
        assert [e.subject for e in store.timeline(before_id=newest, limit=2)] == ["", "b"]
        assert store.event_kinds() == ["checklist.done", "checklist.undo", "note"]
        assert store.operators() == ["alice", "bob"]
        assert [e.subject for e in store.events_since(2)] == ["", "a"]


# -- the rehearsal clock ------------------------------------------------------------------


class RealTime:
    """A stand-in for the wall clock the test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_rehearsal_clock_is_stored_shared_and_continued_after_restart(tmp_path: Path) -> None:
    path = tmp_path / "rehearsal.db"
    real = RealTime(datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    start = datetime(2026, 11, 26, 23, 55, tzinfo=UTC)  # 08:55 on launch day in Seoul
    with Store(path) as store:
        clock = load_or_start_rehearsal_clock(store, start, 60.0, operator="alice", real=real)
        assert clock.now() == start
        real.moment += timedelta(seconds=10)
        assert clock.now() == start + timedelta(minutes=10)
        assert store.clock is clock
        store.mark("launch.check.gate", "done", "alice")
        assert store.mark_of("launch.check.gate").at == start + timedelta(minutes=10)  # type: ignore[union-attr]
    with Store(path) as store:  # a restart: no --clock, no --speed
        again = load_or_start_rehearsal_clock(store, None, None, real=real)
        assert again.now() == start + timedelta(minutes=10) and again.speed == 60.0
        with Store(path) as other:  # a second process on the file sees the same time
            shared = read_rehearsal_clock(other, real=real)
            assert shared is not None and shared.now() == again.now()
        kinds = [e.kind for e in store.events_since(0)]
        assert kinds == ["clock.set", "checklist.done"]


def test_explicit_clock_restarts_and_a_new_speed_reanchors(tmp_path: Path) -> None:
    real = RealTime(datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    with Store(tmp_path / "rehearsal.db") as store:
        load_or_start_rehearsal_clock(store, T0, 10.0, real=real)
        real.moment += timedelta(seconds=6)  # one simulated minute
        faster = load_or_start_rehearsal_clock(store, None, 60.0, real=real)
        assert faster.now() == T0 + timedelta(minutes=1)
        real.moment += timedelta(seconds=1)
        assert faster.now() == T0 + timedelta(minutes=2)
        restart = datetime(2026, 11, 27, 8, 55, tzinfo=UTC)
        again = load_or_start_rehearsal_clock(store, restart, None, operator="bob", real=real)
        assert again.now() == restart and again.speed == 1.0
        events = store.events_since(0)
        assert [e.kind for e in events] == ["clock.set", "clock.speed", "clock.set"]
        assert events[-1].operator == "bob" and events[-1].at == restart
        assert "previous_sim" in events[-1].detail


def test_rehearsal_clock_refuses_nonsense(tmp_path: Path) -> None:
    with Store(tmp_path / "rehearsal.db") as store:
        with pytest.raises(ValueError, match="above 0"):
            load_or_start_rehearsal_clock(store, None, 0.0)
        with pytest.raises(ValueError, match="timezone-aware"):
            load_or_start_rehearsal_clock(store, datetime(2026, 11, 27, 9, 0), None)
        started = load_or_start_rehearsal_clock(store, None, None)
        assert abs(started.now() - datetime.now(UTC)) < timedelta(seconds=5)
