"""The replay's store: a private read-only copy whose every read is "as of" a cursor.

Real files: a morning recorded on a stepped clock (``replay_day``), and one left with a
``-wal`` and ``-shm`` by a process that never closed it. The file, journal and shared
memory keep their checksums; marks, incidents, polls, events and notices are those
recorded up to the cursor and none later; nothing can be written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from replay_day import ERRORS, RESPONSE, at, leave_journal, record_day

from autus_tui.core.runbook import ItemState
from autus_tui.store import StoreError, incidents, outbox, samples
from autus_tui.store.as_of import ReplayStore
from autus_tui.store.mode import read_mode
from autus_tui.store.notes import add_note
from autus_tui.store.readonly import ReadOnlyStore


def checksums(path: Path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        out[suffix or "db"] = hashlib.sha256(part.read_bytes()).hexdigest() if part.exists() \
            else None
    return out


def test_the_cursor_shows_marks_incidents_polls_and_events_of_then(tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    with ReplayStore(path) as store:
        store.move_to(at(7))
        assert {k: m.state for k, m in store.marks().items()} == {ERRORS: ItemState.DONE}
        assert incidents.all_incidents(store) == []
        assert samples.latest_polls(store, 1)[0][1].at == at(7)
        assert max(e.at for e in store.events_since(0)) <= at(7)

        store.move_to(at(12))
        [incident] = incidents.all_incidents(store)
        assert incident.acknowledged_by == "lee" and incident.open
        assert outbox.pending_count(store) >= 1

        store.move_to(at(22))
        marks = store.marks()
        assert marks[ERRORS].state is ItemState.DONE and marks[RESPONSE].operator == "lee"

        store.move_to(at(26))
        assert store.marks()[ERRORS].state is ItemState.OPEN
        assert incidents.open_incidents(store)[0].resolved_at is None

        store.move_to(at(31))
        [incident] = incidents.all_incidents(store)
        assert incident.resolved_by == "kim" and incident.resolution == "재시작으로 복구"
        assert [e.operator for e in store.timeline(kinds=["note"])] == ["lee"]

        store.move_to(at(7))  # and back again: nothing later stays
        assert incidents.all_incidents(store) == [] and store.timeline(kinds=["note"]) == []
        assert samples.last_poll_id(store) == 8
        assert store.recorded_span() == (at(0), at(40))


def test_the_full_copy_equals_the_recorded_state(tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    with ReplayStore(path) as store:
        full_marks, full_incidents = store.marks(), incidents.all_incidents(store)
        store.move_to(at(40))
        assert store.marks() == full_marks
        assert incidents.all_incidents(store) == full_incidents


def test_nothing_can_be_written_and_the_file_is_unchanged(tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    before = checksums(path)
    assert before["-wal"] is None and before["-shm"] is None
    with ReplayStore(path) as store:
        store.move_to(at(20))
        with pytest.raises(StoreError, match="read-only"):
            add_note(store, "kim", "written in a replay")
        with pytest.raises(StoreError, match="read-only"):
            store.mark(ERRORS, "done", "kim")
        with store.read() as conn, pytest.raises(Exception, match="readonly"):
            conn.execute("DELETE FROM main.polls")
        assert read_mode(store) == "live"
    assert checksums(path) == before


def test_a_file_left_with_its_journal_is_read_whole_and_left_as_it_was(
        tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    leave_journal(path)
    before = checksums(path)
    assert before["-wal"] is not None and before["-shm"] is not None
    with ReadOnlyStore(path) as store:
        assert store.get_meta("journal.test") == "x"  # the journal's commit is seen
        assert len(samples.polls_since(store, 0)) == 41
    assert checksums(path) == before


def test_what_is_not_a_recorded_day_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        ReadOnlyStore(tmp_path / "absent.db")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 20)
    with pytest.raises(StoreError, match="not an SQLite database"):
        ReadOnlyStore(text)
    assert text.read_text() == "not a database\n" * 20


def test_a_report_leaves_the_file_journal_and_shared_memory_as_they_were(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    path = record_day(tmp_path / "day.db", rehearsal=True)
    for journal in (False, True):
        if journal:
            leave_journal(path)
        before = checksums(path)
        done = subprocess.run([sys.executable, "-m", "autus_tui.cli", "report", "--db",
                               str(path)], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "(REHEARSAL)" in done.stdout.splitlines()[0]  # no --rehearsal: the file says
        assert "재시작으로 복구" in done.stdout
        assert checksums(path) == before


def test_folded_minutes_end_the_sparklines_at_the_cursor(tmp_path: Path) -> None:
    """Three hours of a poll a minute, the first hour folded into minute rollups (as the
    recorder folds what is older than two hours): at 09:30 the values are the minutes'."""
    from autus_tui.core.config import Config
    from autus_tui.core.observations import PollResult
    from autus_tui.core.payload import Health, Reading
    from autus_tui.services.replay_frame import read_frame
    from autus_tui.store import Store

    path = tmp_path / "long.db"
    with Store(path) as store:
        samples.record_polls(store, [
            PollResult(at(m), {"error_rate": Reading(m / 100)}, Health("ok", ""), None, 0.0)
            for m in range(181)], 3.0)
        assert samples.fold_all_old(store, Config().metrics, at(180)) == 60
    with ReplayStore(path) as replay:
        frame = read_frame(replay, at(30))
        assert frame.folded
        values = [p.readings["error_rate"].value for p in frame.polls]
        assert values == [m / 100 for m in range(30)]  # minutes 09:00–09:29, none later
        assert frame.polls[-1].at == at(30)  # a minute's summary stands at its end
        assert frame.polls[-1].health is not None and frame.polls[-1].health.status == "ok"
        later = read_frame(replay, at(90))  # raw polls after the folded hour
        assert not later.folded and later.polls[-1].at == at(90)
        assert [p.at for p in later.polls][-31:] == [at(m) for m in range(60, 91)]
