"""The D-Day header and slot strip across slot boundaries (fixed clock), and the timeline
screen: newest first, filtered by kind and by operator, paged lazily."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from conftest import Room, wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.core.runbook import ItemState
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.timeline import PAGE, TimelineScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel

KST_0859_59 = datetime(2026, 11, 26, 23, 59, 59, tzinfo=UTC)   # 2026-11-27 08:59:59 KST
KST_2359_59 = datetime(2026, 11, 27, 14, 59, 59, tzinfo=UTC)   # 2026-11-27 23:59:59 KST


Rooms = Callable[..., Room]


def make_app(control_room: Rooms, at: datetime) -> tuple[ControlRoom, Store, FixedClock]:
    room = control_room("d.db", at=at, rehearsal=False)
    assert room.store is not None and isinstance(room.clock, FixedClock)
    return room.app, room.store, room.clock


def header(app: ControlRoom) -> str:
    return screen_text(app).splitlines()[0]


async def test_launch_boundary_turns_the_page_at_09_00(control_room: Rooms) -> None:
    app, _, clock = make_app(control_room, KST_0859_59)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        top = header(app)
        assert "08:59:59 KST" in top and "T-00:00:01" in top
        assert "출시 전 ▸09:00 00:00:01" in top
        heading = app.query_one(ChecklistPanel).heading
        assert heading.text.startswith("00:00 출시 전") and "ACTIVE" in heading.text
        assert "00 A 0/9" in screen_text(app) and "09 U 0/10" in screen_text(app)
        clock.advance(timedelta(seconds=1))
        app.tick()
        await pilot.pause()
        top = header(app)
        assert "09:00:00 KST" in top and "T+00:00:00" in top and "출시 ▸12:00 03:00:00" in top
        assert heading.text.startswith("09:00 출시 ") and "ACTIVE" in heading.text
        # The pre-launch slot's time has passed with everything open.
        assert "00 O 0/9" in screen_text(app) and "09 A 0/10" in screen_text(app)


async def test_midnight_boundary_moves_to_the_24_00_slot(control_room: Rooms) -> None:
    app, _, clock = make_app(control_room, KST_2359_59)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        top = header(app)
        assert "23:59:59 KST" in top and "T+14:59:59" in top
        assert "slot 저녁 · next 자정 24:00 in 00:00:01" in top
        assert "operator kim" in top and "AUTUS v1.0 control room" in top
        clock.advance(timedelta(seconds=1))
        app.tick()
        await pilot.pause()
        top = header(app)
        assert "00:00:00 KST" in top and "T+15:00:00" in top
        assert "slot 자정 · next D+1 아침 D+1 09:00 in 09:00:00" in top
        # A longer slot leaves the title less room: a shorter title, never one cut into
        # the operator ("AUTUS v1.0 control …operator").
        assert "…" not in top and " operator kim" in top and "AUTUS v1.0" in top
        heading = app.query_one(ChecklistPanel).heading
        assert heading.text.startswith("24:00 자정")
        assert "18:00 저녁 OVERDUE 0/3" in screen_text(app)


async def fill(store: Store) -> None:
    store.mark("launch.monitor.errors", ItemState.DONE, "kim")
    store.mark("launch.monitor.response", ItemState.NA, "alice", "APM not live yet")
    store.mark("launch.monitor.errors", ItemState.OPEN, "alice")
    store.append_event("kim", "checklist.verify", "launch.check.first-user",
                       {"passed": False, "evidence": "active_users = 0 (not > 0)"})


async def test_timeline_newest_first_and_filters_by_kind_and_operator(control_room: Rooms) -> None:
    app, store, _ = make_app(control_room, KST_0859_59 + timedelta(hours=1))
    await fill(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TimelineScreen)
        screen = app.screen
        rows = screen.rows_text
        assert len(rows) == 4
        assert "checklist.verify" in rows[0] and "FAIL" in rows[0]
        assert "alice | checklist.undo | 에러 로그 실시간 감시" in rows[1]
        assert "APM not live yet" in rows[2]
        assert rows[0].startswith("09:59:59 | kim")
        # kinds in order: all → checklist.done → checklist.na → ...
        await pilot.press("f")
        assert [r.split(" | ")[2] for r in screen.rows_text] == ["checklist.done"]
        await pilot.press("f")
        assert [r.split(" | ")[2] for r in screen.rows_text] == ["checklist.na"]
        assert "kind checklist.na" in screen_text(app)
        await pilot.press("f", "f", "f")  # undo, verify, back to all
        assert len(screen.rows_text) == 4
        await pilot.press("o")  # operators: alice
        assert {r.split(" | ")[1] for r in screen.rows_text} == {"alice"}
        assert len(screen.rows_text) == 2
        await pilot.press("o")
        assert {r.split(" | ")[1] for r in screen.rows_text} == {"kim"}
        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineScreen)


async def test_timeline_pages_lazily_and_follows_new_events(control_room: Rooms) -> None:
    app, store, _ = make_app(control_room, KST_0859_59 + timedelta(hours=1))
    with store.write() as tx:
        for number in range(PAGE + 30):
            tx.event("kim", "test.tick", f"n{number}")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert len(screen.rows_text) == PAGE and "shown" in screen_text(app)
        assert "n129" in screen.rows_text[0]
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert len(screen.rows_text) == PAGE + 30 and "n0" in screen.rows_text[-1]
        store.mark("noon.traffic", ItemState.DONE, "lee")  # the watcher reloads the page
        assert await wait_until(pilot, lambda: "lee" in screen.rows_text[0])
