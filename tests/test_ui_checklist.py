"""The checklist panel on real SQLite files, driven with Pilot.

Marking, undoing and N/A with a reason are written to the file and shown from it; slots
move with [ ] .; marks survive a new app on the same file; a second Store's mark shows
by itself (the store watcher) and an idle file is not read; a write stuck behind another
connection's lock leaves keys answering and lands afterwards; verify PASS marks done and
FAIL does not; hostile runbook text shows literally. The clock stands at 09:03:00 KST.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from conftest import Room, settle, wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Reading
from autus_tui.core.runbook import ItemState
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.not_applicable import NotApplicableDialog
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel

FIRST_LAUNCH_ITEM = "launch.monitor.errors"
Rooms = Callable[..., Room]


def parts(room: Room) -> tuple[ControlRoom, Store, FixedClock]:
    assert room.store is not None and isinstance(room.clock, FixedClock)
    return room.app, room.store, room.clock


def panel(app: ControlRoom) -> ChecklistPanel:
    return app.query_one(ChecklistPanel)


def state(store: Store, item_id: str) -> ItemState:
    mark = store.mark_of(item_id)
    return mark.state if mark else ItemState.OPEN


async def test_space_marks_done_with_who_and_when_and_again_undoes(control_room: Rooms) -> None:
    room = control_room()
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert panel(app).selected.id == FIRST_LAUNCH_ITEM  # type: ignore[union-attr]
        await pilot.press("space")
        assert await wait_until(pilot, lambda: "done · kim 09:03" in screen_text(app))
        assert state(store, FIRST_LAUNCH_ITEM) is ItemState.DONE
        assert "[x] 에러 로그 실시간 감시" in screen_text(app)
        assert "09 A 1/10" in screen_text(app)
        await pilot.press("space")
        assert await wait_until(pilot, lambda: "[ ] 에러 로그 실시간 감시" in screen_text(app))
        assert state(store, FIRST_LAUNCH_ITEM) is ItemState.OPEN
        kinds = [event.kind for event in store.timeline()]
        assert kinds[:2] == ["checklist.undo", "checklist.done"]
        assert store.timeline()[0].operator == "kim"


async def test_not_applicable_needs_a_reason_and_shows_it(control_room: Rooms) -> None:
    room = control_room()
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, NotApplicableDialog)
        await pilot.press("space", "enter")  # a blank reason is refused
        await settle(pilot)
        assert isinstance(app.screen, NotApplicableDialog)
        assert "A reason is required" in screen_text(app)
        assert state(store, FIRST_LAUNCH_ITEM) is ItemState.OPEN
        await pilot.press(*"log server down", "enter")
        assert await wait_until(pilot, lambda: "N/A · kim 09:03 · log server down"
                                in screen_text(app))
        mark = store.mark_of(FIRST_LAUNCH_ITEM)
        assert mark is not None and mark.state is ItemState.NA
        assert mark.reason == "log server down"
        assert "[-] 에러 로그" in screen_text(app)


async def test_escape_in_the_dialog_writes_nothing(control_room: Rooms) -> None:
    room = control_room()
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s", "x", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NotApplicableDialog)
        assert store.timeline() == [] or all(
            not e.kind.startswith("checklist.") for e in store.timeline())


async def test_brackets_and_dot_move_between_slots(control_room: Rooms) -> None:
    room = control_room()
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        heading = panel(app).heading
        assert heading.text.startswith("09:00 출시 ")
        await pilot.press("right_square_bracket")
        assert heading.text.startswith("12:00 점심")
        assert "UPCOMING" in heading.text and "(. = now)" in heading.text
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert heading.text.startswith("00:00 출시 전")
        assert "OVERDUE" in heading.text  # launch came with pre-launch checks open
        assert "OVERDUE 백엔드 서버 상태 확인" in screen_text(app)
        await pilot.press("left_square_bracket")  # already the first: stays
        assert heading.text.startswith("00:00 출시 전")
        await pilot.press("full_stop")
        assert heading.text.startswith("09:00 출시 ")


async def test_marks_survive_a_new_app_on_the_same_file(control_room: Rooms) -> None:
    room = control_room()
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert await wait_until(pilot, lambda: state(store, FIRST_LAUNCH_ITEM) is ItemState.DONE)
    store.close()
    later = control_room(operator="lee")
    again = later.app
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(again)
        assert "[x] 에러 로그 실시간 감시" in text and "done · kim 09:03" in text
        # The first *open* item is selected, so space goes on with the next one.
        assert panel(again).selected.id == "launch.monitor.response"  # type: ignore[union-attr]


async def test_another_process_mark_shows_and_an_idle_file_is_not_read(
    control_room: Rooms,
) -> None:
    room = control_room()
    app, store, clock = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with Store(store.path, clock) as other:
            other.mark("launch.monitor.response", ItemState.DONE, "alice")
        # No key pressed: the watcher sees it (within 0.25 s plus a frame; the benchmark
        # has the figure, the test only a generous bound).
        assert await wait_until(pilot, lambda: "done · alice 09:03" in screen_text(app))
        assert "alice done 응답 시간 모니터링" in app.events_text
        watcher = app.watcher
        assert watcher is not None
        await settle(pilot)
        reads, checks = watcher.reads, watcher.checks
        # Three more looks at an unchanged file: only data_version was asked.
        assert await wait_until(pilot, lambda: watcher.checks >= checks + 3)
        assert watcher.reads == reads


async def test_write_behind_a_held_lock_keeps_keys_answering_and_lands(
    control_room: Rooms,
) -> None:
    room = control_room()
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        blocker = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("space")
            assert await wait_until(pilot, lambda: "saving…" in panel(app).status.text)
            await pilot.press("right_square_bracket")  # the UI answers meanwhile
            assert panel(app).heading.text.startswith("12:00 점심")
            assert state(store, FIRST_LAUNCH_ITEM) is ItemState.OPEN
            await pilot.press("full_stop")
        finally:
            # Released well inside the writer's patience (5 s busy timeout, 3 attempts).
            blocker.execute("COMMIT")
            blocker.close()
        assert await wait_until(pilot, lambda: "done · kim 09:03" in screen_text(app))
        assert state(store, FIRST_LAUNCH_ITEM) is ItemState.DONE


def polls(app: ControlRoom, clock: FixedClock, users: float) -> None:
    for _ in range(2):
        app.apply_poll(PollResult(clock.now(), {"active_users": Reading(users)}))
        clock.advance(timedelta(milliseconds=500))


async def select(app: ControlRoom, item_id: str) -> None:
    items = panel(app).items
    items.highlighted = items.get_option_index(item_id)


async def test_verify_fail_shows_evidence_and_does_not_mark(control_room: Rooms) -> None:
    room = control_room()
    app, store, clock = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        polls(app, clock, 0)
        await select(app, "launch.check.first-user")
        await pilot.press("v")
        assert await wait_until(pilot, lambda: any(
            e.kind == "checklist.verify" for e in store.timeline()))
        assert "FAIL" in panel(app).status.text
        assert "active_users = 0 (not > 0)" in panel(app).status.text
        event = store.timeline(kinds=["checklist.verify"])[0]
        assert event.detail["passed"] is False and "not > 0" in event.detail["evidence"]
        await settle(pilot)
        assert state(store, "launch.check.first-user") is ItemState.OPEN


async def test_verify_pass_marks_done_for_who_asked(control_room: Rooms) -> None:
    room = control_room(operator="park")
    app, store, clock = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        polls(app, clock, 12)
        await select(app, "launch.check.first-user")
        await pilot.press("v")
        assert await wait_until(
            pilot, lambda: state(store, "launch.check.first-user") is ItemState.DONE)
        mark = store.mark_of("launch.check.first-user")
        assert mark is not None and mark.operator == "park"
        assert "PASS" in panel(app).status.text
        assert await wait_until(pilot, lambda: "done · park" in screen_text(app))


async def test_space_on_an_item_someone_else_did_says_so(control_room: Rooms) -> None:
    room = control_room()
    app, store, clock = parts(room)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        # alice marks it, and kim presses space before his screen caught up.
        app.watcher.stop()  # type: ignore[union-attr]
        with Store(store.path, clock) as other:
            other.mark(FIRST_LAUNCH_ITEM, ItemState.DONE, "alice")
        await pilot.press("space")
        assert await wait_until(pilot, lambda: "already done by alice at 09:03"
                                in panel(app).status.text)
        assert state(store, FIRST_LAUNCH_ITEM) is ItemState.DONE
        assert store.mark_of(FIRST_LAUNCH_ITEM).operator == "alice"  # type: ignore[union-attr]


HOSTILE_RUNBOOK = """
[[slots]]
id = "extra"
title = "[b]추가[/b]"
at = "10:30"
[[slots.groups]]
title = "x[/]y"
[[slots.groups.items]]
id = "extra.hostile"
text = "x[/]y [@click=app.quit]Q[/] \\u001b]0;T\\u0007 끝"
"""


async def test_runbook_markup_and_controls_show_literally(
    control_room: Rooms, tmp_path: Path,
) -> None:
    book = tmp_path / "extra.toml"
    book.write_text(HOSTILE_RUNBOOK, encoding="utf-8")
    room = control_room(config=Config(operator="kim", runbooks=(str(book),)))
    app, store, _ = parts(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        text = screen_text(app)
        assert "[b]추가[/b]" in text and "x[/]y" in text
        assert "[ ] x[/]y [@click=app.quit]Q[/]" in text and "끝" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("space")
        assert await wait_until(pilot, lambda: state(store, "extra.hostile") is ItemState.DONE)
        assert app.is_running
