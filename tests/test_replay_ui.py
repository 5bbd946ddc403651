"""The replay screen over a real recorded file (``replay_day``: a poll a minute, marks, a
note and an incident written on a stepped clock): at the cursor the panes, checklist,
events, incident strip are those recorded up to then and none later; ``←``, ``shift+←``,
``g`` move it; the keys that would write say "replay is read-only" and write nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from conftest import settle, wait_until
from replay_day import at, record_day

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.store.as_of import ReplayStore
from autus_tui.ui.replay.goto import GoToDialog
from autus_tui.ui.replay.room import READ_ONLY, ReplayRoom
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

ERRORS_TEXT, RESPONSE_TEXT = "에러 로그 실시간 감시", "응답 시간 모니터링"


def replay(path: Path, start: datetime, **config: object) -> tuple[ReplayRoom, ReplayStore]:
    store = ReplayStore(path)
    span = store.recorded_span()
    assert span is not None
    app = ReplayRoom(Config(operator="park", **config), store, FixedClock(start), span=span)  # type: ignore[arg-type]
    return app, store


def pane_value(app: ReplayRoom, key: str) -> str:
    pane = next(p for p in app.view.panes
                if isinstance(p, MetricPane) and p.tracker.spec.key == key)
    return pane.value.text


def events(app: ReplayRoom) -> str:
    return app.query_one(EventsPane).text


async def shown(pilot: object, app: ReplayRoom, count: int) -> None:
    assert await wait_until(pilot, lambda: app.shown >= count)  # type: ignore[arg-type]


async def test_the_cursor_shows_what_was_recorded_then_and_nothing_later(
        tmp_path: Path) -> None:
    app, store = replay(record_day(tmp_path / "day.db"), at(7))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot, app, 1)
            assert pane_value(app, "error_rate") == "0.70%"
            text = screen_text(app)
            assert "REPLAY" in text and "09:07:00" in text
            assert f"[x] {ERRORS_TEXT}" in text and f"[ ] {RESPONSE_TEXT}" in text
            assert f"kim done {ERRORS_TEXT}" in events(app)
            assert "declared #1" not in events(app) and "note" not in events(app)
            assert app.incident_strip.text == ""  # 0.7 %: nothing suggested yet

            await pilot.press("g")
            assert isinstance(app.screen, GoToDialog)
            await pilot.press(*"09:22", "enter")
            await shown(pilot, app, 2)
            assert pane_value(app, "error_rate") == "2.20%"
            text = screen_text(app)
            assert f"[x] {RESPONSE_TEXT}" in text and "09:22:00" in text
            assert f"lee done {RESPONSE_TEXT}" in events(app)
            assert "lee note: DB 확인 중" in events(app)
            assert "#1" in app.incident_strip.text
            assert "reopened" not in events(app)  # 09:25: not yet

            await pilot.press("left")
            await shown(pilot, app, 3)
            assert pane_value(app, "error_rate") == "2.10%"
            await pilot.press("shift+left")
            await shown(pilot, app, 4)
            assert app.cursor == at(11)
            assert pane_value(app, "error_rate") == "1.10%"
            assert f"[ ] {RESPONSE_TEXT}" in screen_text(app)
            assert "lee note" not in events(app) and "acknowledged" not in events(app)
            assert "kim declared #1" in events(app)

            await pilot.press("g", *"09:26", "enter")
            await shown(pilot, app, 5)
            assert f"[ ] {ERRORS_TEXT}" in screen_text(app)  # reopened at 09:25

            await pilot.press("g", *"12:00", "enter")  # past the record: its end
            await shown(pilot, app, 6)
            assert app.cursor == at(40) and "(end)" in app.bar.text
            assert "#1" not in app.incident_strip.text  # resolved at 09:30
            assert "error_rate = 4 (> 1)" in app.incident_strip.text  # suggested then
    finally:
        store.close()


async def test_a_time_that_does_not_read_is_said_and_the_dialog_stays(tmp_path: Path) -> None:
    app, store = replay(record_day(tmp_path / "day.db"), at(7))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await shown(pilot, app, 1)
            await pilot.press("g", *"9h30", "enter")
            await settle(pilot)
            assert isinstance(app.screen, GoToDialog)
            assert "expected a time HH:MM" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert app.cursor == at(7)
    finally:
        store.close()


async def test_play_moves_the_cursor_on_and_space_pauses(tmp_path: Path) -> None:
    app, store = replay(record_day(tmp_path / "day.db"), at(30))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await shown(pilot, app, 1)
            await pilot.press("plus", "plus")  # 60x → 600x
            assert app.speed == 600
            await pilot.press("space")
            assert await wait_until(pilot, lambda: app.cursor >= at(31))
            await pilot.press("space")
            await settle(pilot)
            stopped = app.cursor
            assert app.playing is None and "paused" in app.bar.text
            await settle(pilot)
            assert app.cursor == stopped
    finally:
        store.close()


async def test_keys_that_would_write_say_so_and_write_nothing(tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    app, store = replay(path, at(22))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await shown(pilot, app, 1)
            with ReplayStore(path) as whole:
                events_after = len(whole.timeline(limit=1000))
            for key in ("space", "s", "v", "p", "n", "i", "a", "e", "r", "R"):
                app.clear_notifications()
                await pilot.press(key)
                await settle(pilot)
                if key == "space":  # space plays here: no mark
                    await pilot.press("space")
                    await settle(pilot)
                    continue
                assert len(app.screen_stack) == 1, key  # no dialog opened
                assert any(READ_ONLY in n.message for n in app._notifications), key
            await pilot.press("h")
            assert isinstance(app.screen, HandoverScreen)
            app.clear_notifications()
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, HandoverScreen)  # no confirm: nothing to take
            assert any(READ_ONLY in n.message for n in app._notifications)
            await pilot.press("escape", "I", "a")
            await settle(pilot)
            assert len(app.screen_stack) == 2  # the panel's a: said, no dialog
            store.move_to(at(40))
            assert len(store.timeline(limit=1000)) == events_after
    finally:
        store.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
