"""Keys that never trap or surprise (issue 10 item 7).

Focus comes back to the checklist with ``.`` or ``escape`` from any pane; ``space`` marks
the checklist's item whatever pane has focus (never under a dialog); the events pane
follows its newest line through resizes; ``q`` asks first when quitting would stop the
recording of the day and says how to keep one running; the palette's screenshot lands
next to the database, or says why not; ``?`` lists the keys of the screen it was opened
on. A real SQLite file in tmp_path; a recorder polling a closed port where a lease is
needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from conftest import Room, settle, wait_until

from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.runbook import ItemState
from autus_tui.store import presence
from autus_tui.ui.room_keys import QuitDialog
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.checklist.parts import ItemList
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

Rooms = Callable[..., Room]


async def test_dot_and_escape_bring_focus_back_to_the_checklist(control_room: Rooms) -> None:
    app = control_room().app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # the next slot is shown
        assert not app.checklist.model.following
        app.query_one(MetricPane).focus()
        await pilot.press("full_stop")
        assert isinstance(app.focused, ItemList)
        assert app.checklist.model.following  # and the current slot again
        app.query_one(EventsPane).focus()
        await pilot.press("escape")
        assert isinstance(app.focused, ItemList)


async def test_space_marks_the_checklist_item_from_any_pane(control_room: Rooms) -> None:
    room = control_room()
    app, store = room.app, room.store
    assert store is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        item = app.checklist.selected
        assert item is not None
        app.query_one(MetricPane).focus()
        await pilot.press("space")
        assert isinstance(app.focused, ItemList)  # where the mark shows
        assert await wait_until(pilot, lambda: item.id in store.marks())
        assert store.marks()[item.id].state is ItemState.DONE
        # Under a dialog a space is the dialog's: typed into the note, nothing marked.
        await pilot.press("n")
        await pilot.press("a", "space", "b")
        await settle(pilot)
        assert store.marks()[item.id].state is ItemState.DONE
        assert app.screen.query_one("TextArea").text == "a b"  # type: ignore[attr-defined]


async def test_the_events_pane_follows_its_newest_line_through_resizes(
    control_room: Rooms,
) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        events = app.query_one(EventsPane)
        for number in range(40):
            events.add(room.clock.now(), f"event {number:02d} " + "x" * (number % 7) * 9)
        await pilot.pause()
        for size in ((120, 40), (100, 30), (80, 24), (160, 48), (80, 25)):
            await pilot.resize_terminal(*size)
            assert await wait_until(pilot, lambda: "event 39" in screen_text(app)), size
        events.add(room.clock.now(), "event 40")
        assert await wait_until(pilot, lambda: "event 40" in screen_text(app))
        # Scrolled up to read, it stays there; back at the end, it follows again.
        events.scroll_to(y=0, animate=False, immediate=True)
        events.add(room.clock.now(), "event 41")
        await pilot.pause()
        assert "event 41" not in screen_text(app) and not events.following
        events.scroll_end(animate=False, immediate=True)
        events.add(room.clock.now(), "event 42")
        assert await wait_until(pilot, lambda: "event 42" in screen_text(app))


def polling_alone(control_room: Rooms) -> Room:
    config = Config(operator="kim", backend=BackendConfig(url="http://127.0.0.1:9",
                                                          interval=0.2, timeout=0.1))
    return control_room(config=config, poll=True, rehearsal=False)  # live: the day


async def test_q_asks_first_when_quitting_stops_the_recording(control_room: Rooms) -> None:
    room = polling_alone(control_room)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: app.keys.stops_recording())
        await pilot.press("q")
        assert isinstance(app.screen, QuitDialog)
        text = screen_text(app)
        assert "Quit and stop recording the day?" in text and "autus-tui record" in text
        assert room.store is not None and str(room.store.path.parent)[:20] in text
        await pilot.press("n")
        assert app.is_running and not isinstance(app.screen, QuitDialog)
        await pilot.press("q", "y")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_q_quits_at_once_when_someone_else_can_record(control_room: Rooms) -> None:
    room = polling_alone(control_room)
    app, store = room.app, room.store
    assert store is not None
    bob = presence.me("bob", "recorder", time.time())
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: app.keys.stops_recording())
        presence.beat(store, bob, time.time())  # `autus-tui record` attached
        assert await wait_until(pilot, lambda: not app.keys.stops_recording())
        await pilot.press("q")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_q_quits_at_once_when_this_process_does_not_record(control_room: Rooms) -> None:
    app = control_room(rehearsal=False).app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_q_quits_a_rehearsal_at_once(control_room: Rooms) -> None:
    config = Config(operator="kim", backend=BackendConfig(url="http://127.0.0.1:9",
                                                          interval=0.2, timeout=0.1))
    app = control_room(config=config, poll=True).app  # the demo is one
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: app.recorder is not None
                                and app.recorder.holding)
        await pilot.press("q")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_the_screenshot_goes_next_to_the_database(control_room: Rooms,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "day"
    folder.mkdir()
    room = control_room(folder / "launch.db")
    app = room.app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.deliver_screenshot()  # what the palette's "Screenshot" calls
        target = folder / "autus-screenshot-20261127-090300.svg"
        assert await wait_until(pilot, lambda: target.is_file())
        assert "<svg" in target.read_text(encoding="utf-8")
        assert await wait_until(pilot, lambda: f"screenshot saved to {target}" in
                                " ".join(n.message for n in app._notifications))
        # A failure says why: here the name is taken by a folder.
        target.unlink()
        target.mkdir()
        app.clear_notifications()
        app.deliver_screenshot()
        assert await wait_until(pilot, lambda: f"screenshot not saved: {folder}: is a "
                                "directory" in " ".join(n.message for n in app._notifications))


async def test_help_lists_the_keys_of_the_screen_it_was_opened_on(control_room: Rooms) -> None:
    room = control_room()
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key, words in (("space", "Done/undo"), (".", "Current slot"),
                           ("escape", "To the checklist"), ("i", "Declare incident"),
                           ("[", "Prev slot")):
            assert key in text and words in text, words
        await pilot.press("escape")
        await pilot.press("t")
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys of the timeline" in text
        assert "Kind filter" in text and "Operator filter" in text and "Close" in text
        assert "Declare incident" not in text and "Done/undo" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, TimelineScreen)
        room.clock.advance(timedelta(seconds=1))  # (the clock only moves when told)
