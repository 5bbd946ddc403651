"""Quitting never crashes: timers and messages that arrive while the app closes do nothing.

The app's tick queried a header that was already gone while the app shut down (the
screens close before the app's own timers stop, and the app then waits seconds for the
recorder to leave), so quitting could end in ``NoMatches``. Here: every late call into
the app after it closed, and quitting while a fast tick fires and a recorder is leaving.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Room, settle

from autus_tui.core.config import BackendConfig, Config
from autus_tui.services.snapshot import EMPTY
from autus_tui.ui.exports import ExportDone
from autus_tui.ui.intents import IntentDone, WriteNote
from autus_tui.ui.messages import PollerStopped
from autus_tui.ui.store_watch import StoreChanged


async def test_late_timers_and_messages_after_quit_do_nothing(
    control_room: Callable[..., Room], tmp_path: Path,
) -> None:
    room = control_room()
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert not app.is_running
    app.tick()  # a tick that was already due
    app.on_store_changed(StoreChanged(EMPTY))
    app.on_store_changed(StoreChanged(EMPTY, error="database is locked"))
    app.on_poller_stopped(PollerStopped("recording stopped: gone"))
    app.on_intent_done(IntentDone(WriteNote(app, "a note"), error="not saved"))
    app.on_export_done(ExportDone("report", tmp_path / "report.md"))
    assert app.watcher is not None
    checks = app.watcher.checks
    app.watcher.check_now()  # starts no look after the app stopped
    assert app.watcher.checks == checks and not list(app.workers)


async def test_quitting_while_a_fast_tick_fires_and_the_recorder_leaves(
    control_room: Callable[..., Room],
) -> None:
    # A closed port: the recorder keeps trying, so leaving waits for it to stop.
    config = Config(operator="kim",
                    backend=BackendConfig(url="http://127.0.0.1:9", interval=0.05,
                                          timeout=0.05))
    for attempt in range(5):
        room = control_room(f"quit-{attempt}.db", config=config, poll=True,
                            tick_seconds=0.001)
        async with room.app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
        # run_test re-raises what crashed the app; nothing did.
        assert room.app.return_code in (None, 0)
