"""Notes (``n``) on a real SQLite file, driven with Pilot.

A note of several lines is saved in the operator's name (off the UI thread) and shows,
attributed and timed, in the events pane and on the timeline; an empty or blank note is
refused in words and nothing is written; escape writes nothing; hostile text stays
literal; without a database the key says so instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable

from conftest import START, Room, settle, wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.store import Store
from autus_tui.ui.dialogs.note import NoteDialog
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.testing import screen_text

Rooms = Callable[..., Room]


def notes(store: Store) -> list[str]:
    return [str(e.detail.get("text")) for e in store.timeline(kinds=["note"])]


async def test_a_note_of_two_lines_is_saved_attributed_and_shown(control_room: Rooms) -> None:
    room = control_room()
    app, store = room.app, room.store
    assert store is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        assert "ctrl+s saves" in screen_text(app)
        await pilot.press(*"DB pool 41/100", "enter", *"에러율 안정", "ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, NoteDialog))
        assert await wait_until(pilot, lambda: "kim note: DB pool 41/100 / 에러율 안정"
                                in app.events_text)
        assert "09:03:00 kim note: DB pool 41/100 / 에러율 안정" in screen_text(app)
        assert notes(store) == ["DB pool 41/100\n에러율 안정"]
        event = store.timeline(kinds=["note"])[0]
        assert event.operator == "kim" and event.at == START

        await pilot.press("t")
        assert isinstance(app.screen, TimelineScreen)
        await pilot.pause()
        rows = app.screen.rows_text
        assert rows[0] == "09:03:00 | kim | note |  | DB pool 41/100 에러율 안정"


async def test_an_empty_note_is_refused_and_escape_writes_nothing(control_room: Rooms) -> None:
    room = control_room()
    app, store = room.app, room.store
    assert store is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert "A note needs some text" in screen_text(app)
        await pilot.press("space", "enter", "space", "ctrl+s")  # blank is empty too
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"never mind", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
        assert notes(store) == []
        assert "note" not in app.events_text


async def test_hostile_note_text_is_literal(control_room: Rooms) -> None:
    room = control_room()
    app, store = room.app, room.store
    assert store is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with Store(store.path, FixedClock(START)) as other:  # another process writes it
            from autus_tui.store.notes import add_note

            add_note(other, "lee", "[@click=app.quit]Q[/] x[/]y \x1b]0;T\x07")
        assert await wait_until(pilot, lambda: "lee note: [@click=app.quit]Q[/] x[/]y"
                                in screen_text(app))
        assert "\x1b" not in app.export_screenshot()
        assert app.is_running


async def test_without_a_database_a_note_cannot_be_kept_and_says_so(
    control_room: Rooms,
) -> None:
    app = control_room(None).app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
        assert await wait_until(pilot, lambda: "no database attached: no notes"
                                in screen_text(app))
