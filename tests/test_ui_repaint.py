"""The terminal shows what the screen is, after a burst of presses and toasts (issue 11
item 10).

Two control rooms on one real SQLite file, alice and bob; 15 + 15 spaces on one item
within about half a second, each losing race answered "already … by …" with a toast,
the toasts timing out (0.4 s here) while marks, the header and the panes repaint in
part. Each app is a ``Terminal``: what Textual writes for each frame (its partial
updates, exactly as sent over SSH) is fed to a pyte screen. Once all is quiet that
terminal must equal the screen rendered whole (``screen_text``), and again after a
forced full repaint — a region left unpainted (a toast-shaped ghost over the header, the
checklist a row low, ``done · `` without the name) would differ.

The race found: a toast taken away before its time (replaced, or cleared when a screen
opens) left its holder in Textual's toast rack, for good (Textual removes the holder only
for a toast that times out); and the checklist raised one toast per lost press, a stack
of them up over the header. Now the holder goes with the toast (``ui.toasts``) and an
item's "already" toast replaces the last one.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, ClassVar

import pyte
from conftest import START, settle, wait_until
from textual import events
from textual._compositor import CompositorUpdate
from textual.screen import Screen
from textual.widgets._toast import Toast, ToastHolder, ToastRack

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.testing import screen_text

SIZE = (80, 24)


class Terminal(ControlRoom):
    """The control room, and a terminal that receives each frame it would write."""

    NOTIFICATION_TIMEOUT: ClassVar[float] = 0.4
    most_toasts = 0

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate):
            if not hasattr(self, "terminal"):
                self.terminal = pyte.Screen(*SIZE)
                self.stream = pyte.Stream(self.terminal)
            self.stream.feed(renderable.render_segments(self.console))
            self.most_toasts = max(self.most_toasts, len(self._notifications))
        super()._display(screen, renderable)

    @property
    def terminal_text(self) -> str:
        return "\n".join(self.terminal.display)


def room(db: Path, operator: str) -> tuple[Terminal, Store]:
    clock = FixedClock(START)
    store = Store(db, clock)
    app = Terminal(Config(operator=operator), clock, rehearsal=True, poll=False,
                   host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0), store=store,
                   tick_seconds=None)
    return app, store


def plain(text: str) -> list[str]:
    return [re.sub(r"\s+$", "", line) for line in text.splitlines()]


def same(app: Terminal) -> str | None:
    """``None`` when the terminal shows the screen; else the difference."""
    terminal, whole = plain(app.terminal_text), plain(screen_text(app))
    if terminal == whole:
        return None
    return "\n".join(difflib.unified_diff(whole, terminal, "whole", "terminal", lineterm=""))


async def test_after_a_burst_the_terminal_shows_what_a_full_repaint_shows(
    tmp_path: Path,
) -> None:
    db = tmp_path / "pair.db"
    alice, alice_store = room(db, "alice")
    bob, bob_store = room(db, "bob")
    try:
        async with alice.run_test(size=SIZE, notifications=True) as pa, \
                bob.run_test(size=SIZE, notifications=True) as pb:
            await settle(pa)
            await settle(pb)
            item = alice.checklist.selected
            assert item is not None and bob.checklist.selected == item
            for _ in range(15):  # as fast as keys come in, without waiting for a frame
                alice.post_message(events.Key("space", " "))
                bob.post_message(events.Key("space", " "))
            for app, pilot in ((alice, pa), (bob, pb)):
                assert await wait_until(pilot, lambda app=app: app.checklist.pending == 0)
            await settle(pa)
            await settle(pb)
            for app, pilot in ((alice, pa), (bob, pb)):
                # Every toast timed out (0.4 s) and the frames after it were sent.
                assert await wait_until(pilot, lambda app=app: not app._notifications)
                await settle(pilot)
                assert app.most_toasts <= 2, app.most_toasts  # no stack up the screen
                rack = app.screen.query_one(ToastRack)
                assert not rack.query(Toast) and not rack.query(ToastHolder)
                assert same(app) is None, same(app)
                assert "done · " in app.terminal_text
                app.screen.refresh(layout=True)  # a full repaint changes nothing
                await settle(pilot)
                assert same(app) is None, same(app)
            mark = alice_store.marks().get(item.id)
            shown = "done · " if mark is not None and mark.state.value == "done" else "[ ]"
            assert shown in alice.terminal_text and shown in bob.terminal_text
    finally:
        alice_store.close()
        bob_store.close()


async def test_a_replaced_toast_takes_its_holder_with_it(tmp_path: Path) -> None:
    app, store = room(tmp_path / "day.db", "kim")
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            for number in range(12):
                app.announcer.toaster.show(f"Error Rate flapped {number}", "warning",
                                           key="error_rate")
                await pilot.pause()
            rack = app.screen.query_one(ToastRack)
            assert len(rack.query(ToastHolder)) == 1 and len(rack.query(Toast)) == 1
            await pilot.press("question_mark")  # a screen opens: the toast goes
            await pilot.press("escape")
            await settle(pilot)
            assert not rack.query(ToastHolder)
            assert same(app) is None, same(app)
    finally:
        store.close()
