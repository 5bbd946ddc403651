"""SVG snapshots of the control room at 80x24 and 120x40 (pytest-textual-snapshot).

Fixed clock (09:03:00 KST, moved to 09:03:09 by the ten polls), fixed data fed through
``apply_poll`` (one OK, one WARN, one CRIT, one STALE metric, a "bad value", a degraded
health message with components, a fixed host sample), no polling and no wall-clock tick:
the test ticks once after the data, so the header and the panes show the same moment;
toasts cleared. The Korean runbook on a real SQLite file in tmp_path with fixed marks:
pre-launch items done by 김민수 at 08:40 except one (so the pre-launch slot is OVERDUE
with one OVERDUE item), two launch items done by alice at 09:01, one N/A with a reason.
Update with ``--snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import START, Room, settle

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.runbook import ItemState
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom

HEALTH = Health(
    "degraded", "Elevated error rate and response time",
    (("api", "degraded", "error 2.4 %, avg 2,310 ms"), ("db", "ok", "pool 41/100"),
     ("websocket", "ok", "1,204 clients"), ("cdn", "ok", "edge 41 ms")),
)


def feed(app: ControlRoom, clock: FixedClock) -> None:
    for step in range(10):
        readings = {
            "active_users": Reading(1180 + 7 * step),
            "gate_observe": Reading(1000 + 40 * step),
            "gate_ring": Reading(200 + 9 * step),
            "gate_lock": Reading(30 + step),
            "afterimage_rate": Reading(41.0 + step % 3),
            "error_rate": Reading(0.6 + 0.2 * step),           # ends WARN (2.40 %)
            "avg_response": Reading(300 + 230 * step),         # ends CRIT (2,370 ms)
            "gate_failures": Reading(0),
            "db_connections": Reading(40.0 + step),
        }
        if step >= 4:
            readings.pop("gate_failures")                      # STALE from step 4 on
        if step == 9:
            readings["afterimage_rate"] = Reading(
                None, "afterimage_per_min is not a number (text: 'many')")
        app.apply_poll(PollResult(clock.now(), readings, HEALTH))
        if step < 9:
            clock.advance(timedelta(seconds=1))


PRE_DONE = ("pre.infra.backend", "pre.infra.db", "pre.infra.websocket", "pre.infra.cdn",
            "pre.infra.ssl", "pre.deploy.tag", "pre.deploy.production", "pre.deploy.dns")


def fixed_marks(db: Path) -> None:
    clock = FixedClock(START - timedelta(minutes=23))            # 08:40 KST
    with Store(db, clock) as store:
        for item_id in PRE_DONE:                                 # pre.deploy.sync stays open
            store.mark(item_id, ItemState.DONE, "김민수")
        clock.moment = START - timedelta(minutes=2)              # 09:01 KST
        store.mark("launch.monitor.errors", ItemState.DONE, "alice")
        store.mark("launch.monitor.response", ItemState.NA, "alice",
                   "APM 대시보드로 대체 (backup)")
        store.mark("launch.alert.channel", ItemState.DONE, "alice")


Rooms = Callable[..., Room]


def make_app(control_room: Rooms, tmp_path: Path) -> ControlRoom:
    fixed_marks(tmp_path / "day.db")
    return control_room(config=Config(operator="김민수"),
                        host_reader=lambda: HostSample(12.0, 45.5, 0.52, 61.0)).app


async def run_before(pilot: Any) -> None:
    app = pilot.app
    feed(app, app.clock)
    app.tick()  # the header at the moment of the last poll
    await settle(pilot)  # the store watcher's first look, rendered
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_control_room(snap_compare: Any, size: tuple[int, int], control_room: Rooms,
                      tmp_path: Path) -> None:
    assert snap_compare(make_app(control_room, tmp_path), terminal_size=size,
                        run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_overdue_pre_launch_slot(snap_compare: Any, size: tuple[int, int],
                                 control_room: Rooms, tmp_path: Path) -> None:
    async def previous_slot(pilot: Any) -> None:
        await run_before(pilot)
        await pilot.press("left_square_bracket", "end")
        await pilot.pause()

    assert snap_compare(make_app(control_room, tmp_path), terminal_size=size,
                        run_before=previous_slot)


def test_help_screen(snap_compare: Any, control_room: Rooms, tmp_path: Path) -> None:
    async def open_help(pilot: Any) -> None:
        await run_before(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(control_room, tmp_path), terminal_size=(80, 24),
                        run_before=open_help)
