"""One look at the database (``services.snapshot``), as the store watcher takes it.

Real SQLite files: the first look is the current state without events; nothing
committed, nothing read; another Store's commit is seen with its events, once; a burst
of events arrives in bounded pages, none lost or repeated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autus_tui.core.runbook import ItemState
from autus_tui.services import snapshot
from autus_tui.services.snapshot import SnapshotReader
from autus_tui.store import Store


def test_first_look_is_the_state_then_only_what_others_committed(tmp_path: Path) -> None:
    db = tmp_path / "day.db"
    with Store(db) as mine, Store(db) as other:
        other.mark("launch.monitor.errors", ItemState.DONE, "alice")
        reader = SnapshotReader(mine, polls=lambda: [])
        assert reader.first
        first = reader.look()
        assert first is not None and not reader.first
        assert first.events == () and first.pairing is None
        assert first.marks["launch.monitor.errors"].operator == "alice"
        assert reader.look() is None  # nothing committed: no table read
        other.mark("launch.monitor.response", ItemState.NA, "bob", "APM")
        seen = reader.look()
        assert seen is not None
        assert [(e.operator, e.subject) for e in seen.events] == [
            ("bob", "launch.monitor.response")]
        assert set(seen.marks) == {"launch.monitor.errors", "launch.monitor.response"}
        assert reader.look() is None


def test_a_burst_of_events_comes_in_bounded_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot, "MAX_EVENTS", 10)
    db = tmp_path / "day.db"
    with Store(db) as mine, Store(db) as other:
        reader = SnapshotReader(mine)
        assert reader.look() is not None
        with other.write() as tx:
            for number in range(25):
                tx.event("kim", "test.tick", f"n{number}")
        pages = []
        while (look := reader.look()) is not None:
            pages.append([event.subject for event in look.events])
        assert [len(page) for page in pages] == [10, 10, 5]
        assert [subject for page in pages for subject in page] == [f"n{n}" for n in range(25)]
