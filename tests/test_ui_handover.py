"""The handover view (``h``), take over, export, and the report from the command palette.

Fixed data on a real SQLite file in tmp_path: pre-launch items done by 김민수 at 08:40
except one (so that slot is OVERDUE), 김민수 took over at 08:55 and wrote a two-line
note at 09:01, alice marked a launch item at 09:01; Avg Response was held WARN from 08:58
and CRIT from 09:00 (recorded level changes); the screen's clock stands at 09:03 KST and
two polls put Error Rate in WARN and Avg Response in CRIT. The app is alice's.
Snapshots of the view at 80x24 and 120x40 come from the same data.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import START, Room, settle, wait_until
from textual.command import CommandList, CommandPalette

from autus_tui.core.clock import FixedClock
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.rehearsal_mark import BANNER
from autus_tui.core.runbook import ItemState
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.store import Store
from autus_tui.store.notes import add_note, current_oncall, take_over
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.testing import screen_text

PRE_DONE = ("pre.infra.backend", "pre.infra.db", "pre.infra.websocket", "pre.infra.cdn",
            "pre.infra.ssl", "pre.deploy.tag", "pre.deploy.production", "pre.deploy.dns")
EXPORT_NAME = "handover-20261127-090300.md"


def fixed_day(db: Path) -> None:
    clock = FixedClock(START - timedelta(minutes=23))            # 08:40 KST
    with Store(db, clock) as store:
        for item_id in PRE_DONE:                                 # pre.deploy.sync stays open
            store.mark(item_id, ItemState.DONE, "김민수")
        add_note(store, "김민수", "before the shift: not in the summary")
        clock.moment = START - timedelta(minutes=8)              # 08:55
        take_over(store, "김민수")
        clock.moment = START - timedelta(minutes=2)              # 09:01
        add_note(store, "김민수", "CDN 캐시 정상\nDB pool 41/100 — 지켜볼 것")
        store.mark("launch.monitor.errors", ItemState.DONE, "alice")
        for minutes, before, after, value in ((5, "OK", "WARN", 800), (3, "WARN", "CRIT", 2500)):
            clock.moment = START - timedelta(minutes=minutes)    # 08:58, 09:00
            store.append_event("system", LEVEL_EVENT, "avg_response", {
                "label": "Avg Response", "before": before, "after": after, "value": value})


Rooms = Callable[..., Room]
HOST = HostSample(12.0, 45.5, 0.52, 61.0)


def make_app(control_room: Rooms, db: Path) -> tuple[ControlRoom, Store]:
    """alice's control room at 09:03:00 KST on the fixed day written to ``db``."""
    fixed_day(db)
    room = control_room(db, operator="alice", host_reader=lambda: HOST)
    assert room.store is not None
    return room.app, room.store


def feed(app: ControlRoom) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    calm = {"active_users": Reading(1200), "error_rate": Reading(0.4),
            "avg_response": Reading(180), "db_connections": Reading(41.0)}
    app.apply_poll(PollResult(clock.now() - timedelta(seconds=1), calm, Health("ok", "")))
    hot = dict(calm, error_rate=Reading(2.5), avg_response=Reading(2500))
    app.apply_poll(PollResult(clock.now(), hot, Health("degraded", "slow")))


def toasts(app: ControlRoom) -> str:
    return " ".join(str(toast.render()).replace("\n", "") for toast in app.screen.query("Toast"))


async def open_view(pilot: Any) -> HandoverScreen:
    app = pilot.app
    feed(app)
    await settle(pilot)  # the marks read and shown
    app.clear_notifications()
    await pilot.press("h")
    await pilot.pause()
    assert isinstance(app.screen, HandoverScreen)
    return app.screen


async def run_command(pilot: Any, words: str) -> None:
    """Open the command palette, type ``words``, and run the command found first."""
    app = pilot.app
    await pilot.press("ctrl+p")
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*words)
    group = CommandPalette._GATHER_COMMANDS_GROUP

    def found() -> bool:  # the search for all of the words has ended with a hit
        commands = palette.query_one(CommandList)
        searching = any(not w.is_finished for w in app.workers if w.group == group)
        return (not searching and commands.highlighted == 0
                and words in str(commands.get_option_at_index(0).prompt))

    assert await wait_until(pilot, found)
    await pilot.press("enter")


async def test_the_view_lists_what_the_next_on_call_must_know(
    control_room: Rooms, tmp_path: Path,
) -> None:
    app, _ = make_app(control_room, tmp_path / "day.db")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_view(pilot)
        lines = view.text.splitlines()
        assert lines[:2] == ["On call 김민수 since 08:55",
                             "13 open (1 OVERDUE) · 2 in WARN/CRIT · 1 note"]
        opened = lines[lines.index("Open checklist items"):lines.index("Metrics in WARN or CRIT")]
        assert opened[:3] == ["Open checklist items", "00:00 출시 전  OVERDUE ",
                              "  [ ] OVERDUE 스테이징 vs 프로덕션 동기화"]
        assert "09:00 출시  ACTIVE " in opened and "12:00 점심  UPCOMING " in opened
        assert "  [ ] 에러 로그 실시간 감시" not in opened     # done by alice
        assert "  [ ] 응답 시간 모니터링" in opened
        assert "18:00 저녁  UPCOMING " not in opened         # only this slot and the next
        metrics = lines[lines.index("Metrics in WARN or CRIT") + 1:][:2]
        assert metrics == ["   WARN   Error Rate 2.50%", "   CRIT   Avg Response 2,500 ms"]
        handover = lines[lines.index("Handover") + 1:][:3]
        assert handover == ["  김민수 hands over to the next on-call (not taken over yet)",
                            "  covers 김민수 since 08:55", "  health now degraded: slow"]
        health = lines[lines.index("Health over the shift (since 08:55)") + 1:][:2]
        assert health == ["  no outage",
                          "   CRIT   Avg Response 0:03:00 in CRIT, 0:02:00 in WARN (1 episode)"]
        done = lines[lines.index("Done in the shift (since 08:55)") + 1:][:1]
        assert done == ["  09:01 alice done 에러 로그 실시간 감시"]
        notes = lines[lines.index("Notes since the shift began (since 08:55)") + 1:][:2]
        assert notes == ["  09:01 김민수  CDN 캐시 정상", "        DB pool 41/100 — 지켜볼 것"]
        assert "before the shift" not in view.text
        assert lines[-2:] == [
            "Open incidents — none open",
            "Rollbacks — none"]
        assert "Handover — 2026-11-27 09:03 KST" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HandoverScreen)


async def test_take_over_asks_first_then_records_and_shows_it(
    control_room: Rooms, tmp_path: Path,
) -> None:
    app, store = make_app(control_room, tmp_path / "day.db")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_view(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Take over on-call as alice?" in text and "On call now: 김민수" in text
        await pilot.press("n")
        await pilot.pause()
        shown: object = app.screen
        assert shown is view and current_oncall(store) == "김민수"
        assert "not taken over" in view.status.text
        await pilot.press("o", "y")
        assert await wait_until(pilot, lambda: current_oncall(store) == "alice")
        assert await wait_until(pilot, lambda: view.text.startswith(
            "On call alice since 09:03, taking over from 김민수"))
        # The shift handed over still counts: its note and its work are not lost.
        assert "  김민수 → alice at 09:03\n  covers 김민수 08:55–09:03, alice since 09:03" \
            in view.text
        assert ("Notes since the shift began (since 08:55)\n  09:01 김민수  CDN 캐시 정상"
                in view.text)
        event = store.timeline(kinds=["handover"])[0]
        assert (event.operator, event.detail) == ("alice", {"from": "김민수", "to": "alice"})
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: "alice took over on-call from 김민수"
                                in app.events_text)


async def test_export_writes_the_markdown_next_to_the_database(
    control_room: Rooms, tmp_path: Path,
) -> None:
    db = tmp_path / "day.db"
    app, _ = make_app(control_room, db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        view = await open_view(pilot)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: view.last_export is not None)
        path = tmp_path / EXPORT_NAME
        assert view.last_export is not None and view.last_export.path == path
        assert view.status.text == f"handover written to {path}"
        assert await wait_until(pilot, lambda: f"handover written to {path}" in toasts(app))
    assert path.stat().st_mode & 0o777 == db.stat().st_mode & 0o777
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == BANNER  # a rehearsal's export (the fixture's room rehearses)
    assert lines[2] == "# Handover — 2026-11-27 09:03"
    assert "- On call: 김민수 since 08:55" in lines
    section = lines[lines.index("### 출시 전 (00:00) — overdue"):][:3]
    assert section == ["### 출시 전 (00:00) — overdue", "",
                       "- 스테이징 vs 프로덕션 동기화 — OVERDUE"]
    assert "- Error Rate: WARN (2.50%)" in lines and "- Avg Response: CRIT (2,500 ms)" in lines
    assert lines[4:8] == [
        "- On call: 김민수 since 08:55",
        "- Handed over: 김민수 hands over to the next on-call (not taken over yet)",
        "- This handover covers: 김민수 since 08:55", "- Health now: degraded: slow"]
    health = lines.index("## Health over the shift (since 08:55)")
    assert lines[health + 2:health + 4] == [
        "- Outages: none", "- Avg Response: CRIT — 0:03:00 in CRIT, 0:02:00 in WARN (1 episode)"]
    done = lines.index("## Done in the shift (since 08:55)")
    assert lines[done + 2] == "- 09:01 alice done 에러 로그 실시간 감시"
    note = lines.index("## Notes since the shift began")
    assert lines[note + 2:note + 5] == ["- 09:01 김민수:", "  - CDN 캐시 정상",
                                        "  - DB pool 41/100 — 지켜볼 것"]
    assert lines[-7:] == ["## Open incidents", "", "None recorded.", "",
                          "## Rollbacks", "", "None recorded."]


async def test_an_export_that_cannot_be_written_says_why(
    control_room: Rooms, tmp_path: Path,
) -> None:
    app, _ = make_app(control_room, tmp_path / "day.db")
    (tmp_path / EXPORT_NAME).mkdir()  # the file's place is taken: the write must fail
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        view = await open_view(pilot)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: view.last_export is not None)
        assert view.last_export is not None and view.last_export.error
        assert view.status.text.startswith(
            f"cannot write the handover to {tmp_path / EXPORT_NAME}: Is a directory")
        assert app.is_running and isinstance(app.screen, HandoverScreen)


async def test_the_launch_day_report_from_the_command_palette(
    control_room: Rooms, tmp_path: Path,
) -> None:
    app, _ = make_app(control_room, tmp_path / "day.db")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        feed(app)
        await run_command(pilot, "Launch-day report")
        assert await wait_until(pilot, lambda: any(tmp_path.glob("report-*.md")))
        path = tmp_path / "report-20261127-090300.md"
        assert await wait_until(pilot, lambda: f"launch-day report written to {path}"
                                in toasts(app))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# D-Day 리포트")
    assert "## Checklist" in text and "스테이징 vs 프로덕션 동기화" in text
    assert "CDN 캐시 정상" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_handover_view_snapshot(snap_compare: Any, size: tuple[int, int],
                                control_room: Rooms, tmp_path: Path) -> None:
    app, _ = make_app(control_room, tmp_path / "day.db")

    async def run_before(pilot: Any) -> None:
        await open_view(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _in_another_process(db: Path, body: str, *args: str) -> str:
    code = ("import sys\nfrom autus_tui.store import Store\n"
            "from autus_tui.core.runbook import ItemState\n"
            "with Store(sys.argv[1]) as store:\n" + body)
    done = subprocess.run([sys.executable, "-c", code, str(db), *args], check=True,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


async def test_after_the_report_both_processes_still_share_one_file(
    control_room: Rooms, tmp_path: Path,
) -> None:
    """Writing the report must not cost this process its hold on the file. (Opening a
    second Store in-process did: its plain open()/close() of the file dropped this
    process's SQLite locks, so another process leaving checkpointed and deleted the WAL
    under us and our next writes went to a deleted file — seen in tmux.)"""
    db = tmp_path / "day.db"
    app, _ = make_app(control_room, db)
    mark = "    store.mark(sys.argv[2], ItemState.DONE, sys.argv[3])\n"
    read = "    m = store.mark_of(sys.argv[2]); print(m.operator if m else '-')\n"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await run_command(pilot, "Launch-day report")
        assert await wait_until(pilot, lambda: any(tmp_path.glob("report-*.md")))
        await settle(pilot)  # the report's worker has ended
        _in_another_process(db, mark, "launch.monitor.gate", "lee")  # attaches, leaves
        assert await wait_until(pilot, lambda: "lee done Gate 이벤트 수집 시작"
                                in app.events_text)
        await pilot.press("space")  # alice marks the selected (first open) item
        item = "launch.monitor.response"
        assert await wait_until(pilot, lambda: "alice done 응답 시간 모니터링" in app.events_text)
        assert _in_another_process(db, read, item) == "alice"
