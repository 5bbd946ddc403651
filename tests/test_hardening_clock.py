"""The shared rehearsal clock and the launch day (issue 11, item 6): one clock for every
process on a file — followed within a second when another process changes it, said in
the events pane, stamped on every write, also by a process that joined without
``--clock`` — and a launch day stored on first use that a later start does not move.
Real SQLite files and real ``autus-tui record`` processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import wait_until

from autus_tui.core.config import Config, LaunchConfig
from autus_tui.core.observations import HostSample
from autus_tui.core.runbook import ItemState
from autus_tui.services.launch_day import stored_launch_date
from autus_tui.services.session import open_store
from autus_tui.store import Store, StoreError, load_or_start_rehearsal_clock, samples
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.header import ControlHeader

KST = ZoneInfo("Asia/Seoul")


def rehearsal(db: Path, clock: str | None = None, speed: float | None = None,
              operator: str = "alice", day: date | None = None) -> Config:
    return Config(operator=operator, db=str(db), rehearsal=True, speed=speed,
                  clock=datetime.fromisoformat(clock) if clock else None,
                  launch=LaunchConfig(date=day))


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTUS_")}


def _record(db: Path, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "record", "--db", str(db), "--backend",
         "http://127.0.0.1:9", "--operator", "bob", "--rehearsal", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment(),
        stdin=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def test_joining_without_clock_stamps_writes_with_the_stored_clock(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.db"
    first, _ = open_store(rehearsal(db, "2026-11-27T08:55"))
    joined, clock = open_store(rehearsal(db, operator="bob"))  # no --clock
    try:
        assert clock.now().astimezone(KST).date() == date(2026, 11, 27)
        result = joined.mark("launch.monitor.errors", ItemState.DONE, "bob")
        assert result.mark.at.astimezone(KST).strftime("%Y-%m-%d %H") == "2026-11-27 08"
    finally:
        joined.close()
        first.close()


async def test_a_control_room_follows_a_clock_set_by_another_process(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.db"
    config = rehearsal(db, "2026-11-27T08:55")
    store, clock = open_store(config)
    app = ControlRoom(config, clock, poll=False, store=store,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))
    proc: subprocess.Popen[str] | None = None
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            header = app.query_one(ControlHeader)
            assert await wait_until(pilot, lambda: header.clock.text.startswith("08:5"))
            proc = _record(db, "--clock", "2026-11-27T12:30", "--speed", "2")
            assert await wait_until(pilot, lambda: header.clock.text.startswith("12:3"), 20)
            assert await wait_until(
                pilot, lambda: "bob set the rehearsal clock (2x)" in app.events_text, 5)
            assert clock.speed == 2.0
            assert app.stale_after.total_seconds() == pytest.approx(6.0)  # 3 polls at 2x
            assert "12:3" in screen_text(app)
    finally:
        if proc is not None:
            _stop(proc)
        store.close()


async def test_a_headless_record_stamps_its_writes_with_the_changed_clock(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rehearsal.db"
    proc = _record(db, "--clock", "2026-11-27T08:55")
    try:
        assert proc.stdout is not None and "recording to" in proc.stdout.readline()
        with Store(db) as store:
            assert await _until(lambda: bool(samples.polls_since(store, 0)), 20)
            load_or_start_rehearsal_clock(store, datetime(2026, 11, 27, 15, 0, tzinfo=KST),
                                          None, operator="alice")
            last = samples.polls_since(store, 0)[-1][0]

            def stamped_after_the_change() -> bool:
                newer = samples.polls_since(store, last)
                return bool(newer) and newer[-1][1].at.astimezone(KST).hour == 15

            assert await _until(stamped_after_the_change, 20)
    finally:
        _stop(proc)


async def test_the_launch_day_is_stored_and_a_start_after_midnight_keeps_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rehearsal.db"
    store, _ = open_store(rehearsal(db, "2026-11-27T08:58"))
    store.mark("prelaunch.backend.health", ItemState.DONE, "alice")
    store.close()
    config = rehearsal(db, "2026-11-28T08:58")  # the next morning, no [launch] date
    store, clock = open_store(config)
    try:
        assert stored_launch_date(store) == date(2026, 11, 27)
        app = ControlRoom(config, clock, poll=False, store=store,
                          host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert app.day.date == date(2026, 11, 27)
            assert app.query_one(ControlHeader).to_launch.text.startswith("T+23:5")
            assert "launch day is 2026-11-27 (stored in this database)" in app.events_text
    finally:
        store.close()


def test_a_configured_launch_day_that_disagrees_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rehearsal.db"
    store, _ = open_store(rehearsal(db, "2026-11-27T08:58"))
    store.close()
    config = tmp_path / "autus.toml"
    config.write_text('[launch]\ndate = 2026-11-28\n')
    done = subprocess.run(
        [sys.executable, "-m", "autus_tui.cli", "record", "--config", str(config), "--db",
         str(db), "--rehearsal", "--backend", "http://127.0.0.1:9"], capture_output=True,
        text=True, timeout=30, env=_environment(), stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0]
    assert "its launch day is 2026-11-27" in lines[0] and "2026-11-28" in lines[0]
    with pytest.raises(StoreError, match="its launch day is 2026-11-27"):
        open_store(rehearsal(db, day=date(2026, 11, 28)))
