"""The control room when its database goes away (issue 11 item 1) and when keys come
faster than the screen (item 11): real SQLite files, driven with Pilot."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from conftest import wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.core.runbook import ItemState
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel

START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)  # 09:03:00 KST, launch slot
FIRST_LAUNCH_ITEM = "launch.monitor.errors"


def make_app(db: Path) -> tuple[ControlRoom, Store]:
    clock = FixedClock(START)
    store = Store(db, clock)
    app = ControlRoom(Config(operator="kim"), clock, rehearsal=True, poll=False,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0), store=store)
    return app, store


def status(app: ControlRoom) -> str:
    return app.query_one(ChecklistPanel).status.text


async def test_a_deleted_database_is_said_on_every_screen_and_nothing_is_called_saved(
    tmp_path: Path,
) -> None:
    path = tmp_path / "day.db"
    app, store = make_app(path)
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("space")
            assert await wait_until(pilot, lambda: "[x] 에러 로그" in screen_text(app))
            os.unlink(path)
            assert await wait_until(pilot, lambda: "DATABASE GONE" in screen_text(app))
            await pilot.press("down", "space")
            assert await wait_until(pilot, lambda: status(app).startswith("not saved: "))
            assert "was deleted" in status(app)
            assert store.mark_of("launch.monitor.latency") is None
            await pilot.press("t")
            assert await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen))
            assert "DATABASE GONE" in screen_text(app)  # the timeline screen says it too
            gone = [n for n in app._notifications if "DATABASE GONE" in (n.title or "")]
            assert len(gone) == 1  # said once, not on every 0.25 s watch
    finally:
        store.close()


@contextlib.contextmanager
def write_held_back(db: Path) -> Iterator[None]:
    """Another process's write lock: the control room's writes wait (stay in flight) until
    the block ends, so presses meanwhile come faster than the refresh, deterministically."""
    locker = sqlite3.connect(db, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        locker.execute("COMMIT")
        locker.close()


async def test_space_twice_faster_than_the_refresh_acts_on_the_first_ones_state(
    tmp_path: Path,
) -> None:
    app, store = make_app(tmp_path / "day.db")
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            with write_held_back(store.path):
                await pilot.press("space", "space")  # the first write is still waiting
            panel = app.query_one(ChecklistPanel)
            assert await wait_until(pilot, lambda: panel.pending == 0)
            kinds = [e.kind for e in store.timeline(kind_prefix="checklist.")]
            assert kinds == ["checklist.undo", "checklist.done"]  # done, then undone
            mark = store.mark_of(FIRST_LAUNCH_ITEM)
            assert mark is not None and mark.state is ItemState.OPEN
            assert "already" not in status(app)
    finally:
        store.close()


async def test_a_burst_of_presses_gives_one_status_line_not_a_flood(tmp_path: Path) -> None:
    app, store = make_app(tmp_path / "day.db")
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            with write_held_back(store.path):
                await pilot.press(*["space"] * 11)  # odd: ends done
            panel = app.query_one(ChecklistPanel)
            assert await wait_until(pilot, lambda: panel.pending == 0)
            assert await wait_until(pilot, lambda: "[x] 에러 로그" in screen_text(app))
            mark = store.mark_of(FIRST_LAUNCH_ITEM)
            assert mark is not None and mark.state is ItemState.DONE
            events = store.timeline(kind_prefix="checklist.")
            assert [e.kind for e in events] == ["checklist.done"]  # not replayed one by one
            assert not app._notifications  # no toast for one's own burst
            assert status(app) == "saved"
    finally:
        store.close()
