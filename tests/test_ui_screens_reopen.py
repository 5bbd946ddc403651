"""Screens opened again and again: one instance each, fresh every time, memory flat.

The help, the timeline and the handover view are installed once and shown again on the
next key press (a new screen per opening grew the app's memory for good); reopened, they
read the database afresh and start as new (no filters, empty status line). The footer
recomposes on every screen change and must not keep its old keys alive.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from conftest import Room, settle, wait_until
from textual.widgets._footer import FooterKey

from autus_tui.store import Store
from autus_tui.store.notes import add_note
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.testing import screen_text

Rooms = Callable[..., Room]


def make_app(room: Room) -> tuple[ControlRoom, Store]:
    assert room.store is not None
    return room.app, room.store


def footer_keys_alive() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, FooterKey))


async def test_help_is_one_screen_and_the_footer_keeps_no_old_keys(control_room: Rooms) -> None:
    app = control_room().app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screens = set()
        for cycle in range(8):
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen) and "Keys" in screen_text(app)
            screens.add(id(app.screen))
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
            if cycle == 1:
                keys_after_two = footer_keys_alive()
        assert len(screens) == 1
        # Each screen change recomposes the footer (8 new keys at 80 columns); the old
        # ones used to stay referenced by the footer's `compact` binding.
        assert footer_keys_alive() <= keys_after_two


async def test_timeline_reopens_fresh_without_filters(control_room: Rooms) -> None:
    room = control_room()
    app, store = make_app(room)
    add_note(store, "kim", "first note")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        first = app.screen
        assert isinstance(first, TimelineScreen)
        assert "first note" in first.rows_text[0]
        await pilot.press("o")  # operator filter: kim
        assert "operator kim" in screen_text(app)
        await pilot.press("escape")
        add_note(store, "lee", "written while the timeline was closed")
        await settle(pilot)  # the watcher saw it; the closed timeline is not shown
        await pilot.press("t")
        assert app.screen is first
        assert "operator all" in screen_text(app) and "kind all" in screen_text(app)
        assert "written while the timeline was closed" in first.rows_text[0]
        assert first.table.cursor_row == 0


async def test_handover_reopens_with_what_happened_meanwhile(control_room: Rooms) -> None:
    room = control_room()
    app, store = make_app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        first = app.screen
        assert isinstance(first, HandoverScreen)
        assert "DB pool" not in first.text
        await pilot.press("o")    # take over? …
        await pilot.press("n")    # … no
        assert await wait_until(pilot, lambda: "not taken over" in screen_text(app))
        await pilot.press("escape")
        add_note(store, "lee", "DB pool 41/100")
        await pilot.press("h")
        assert app.screen is first
        assert "DB pool 41/100" in first.text
        assert "not taken over" not in screen_text(app)
