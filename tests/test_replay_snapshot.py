"""SVG snapshot of the replay screen at 80x24: the recorded morning (``replay_day``) at
09:22, the cursor moved there with ``g`` (REPLAY and the cursor's time in the header,
the replay bar, values and marks of 09:22, incident #1 on the timer strip). Update with
``--snapshot-update`` only after looking at it (``rsvg-convert`` to a PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import settle, wait_until
from replay_day import at, record_day

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.store.as_of import ReplayStore
from autus_tui.ui.replay.room import ReplayRoom


def test_replay_screen(snap_compare: Any, tmp_path: Path) -> None:
    store = ReplayStore(record_day(tmp_path / "day.db"))
    span = store.recorded_span()
    assert span is not None
    app = ReplayRoom(Config(operator="park"), store, FixedClock(at(7)), span=span)

    async def go_to(pilot: Any) -> None:
        assert await wait_until(pilot, lambda: app.shown >= 1)
        await pilot.press("g", *"09:22", "enter")
        assert await wait_until(pilot, lambda: app.shown >= 2)
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=go_to)
    finally:
        store.close()
