"""Starting the control room: clocks for run/rehearsal, demo argument errors, and the
real ``autus-tui demo`` under a pseudo-terminal (it starts, shows values, quits on q)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

import pytest

from autus_tui.commands.demo import launch_moment, run_demo
from autus_tui.core.clock import WallClock
from autus_tui.core.config import Config, LaunchConfig
from autus_tui.services.session import open_store


def test_launch_moment_is_on_the_configured_day_in_its_timezone() -> None:
    launch = LaunchConfig(date=date(2026, 11, 27))
    moment = launch_moment(launch, clock_time(9, 2))
    assert moment.astimezone(UTC) == datetime(2026, 11, 27, 0, 2, tzinfo=UTC)


def test_unknown_scenario_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_demo("nope", 1.0, "kim") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown scenario 'nope'" in err and "spike" in err


def test_bad_speed_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_demo("spike", float("nan"), None) == 2
    assert "--speed" in capsys.readouterr().err


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.slow
def test_demo_runs_in_a_terminal_and_quits_on_q() -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    process = subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "demo", "--scenario", "calm"],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )
    os.close(follower)
    try:
        seen = _read_until(leader, b"REHEARSAL", timeout=15)
        assert b"REHEARSAL" in seen
        assert b"Active Users" in _read_until(leader, b"Active Users", timeout=15) + seen
        os.write(leader, b"q")
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            _read_until(leader, b"\0never", timeout=0.2)  # keep the terminal drained
        assert process.wait(timeout=1) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
        os.close(leader)


# -- the database of a run ---------------------------------------------------------------


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``autus-tui ARGS`` with a terminal (``run`` refuses without one), stderr captured."""
    leader, follower = pty.openpty()
    try:
        return subprocess.run(
            [sys.executable, "-m", "autus_tui.cli", *args], stdout=follower,
            stderr=subprocess.PIPE, text=True, timeout=20, stdin=follower,
        )
    finally:
        os.close(follower)
        os.close(leader)


@pytest.mark.parametrize("content", [b"\x00\x01not a database at all" * 40,
                                     b"SQLite format 3\x00" + b"\xff" * 2000])
def test_run_on_a_corrupt_database_is_one_line_and_exit_1(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(content)
    result = _run_cli("run", "--db", str(db), "--operator", "kim")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.db"]


def test_rehearsal_clock_is_stored_and_a_second_start_continues_it(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.db"
    config = Config(db=str(db), rehearsal=True, operator="kim",
                    clock=datetime(2026, 11, 27, 8, 55), speed=60.0)
    store, clock = open_store(config)
    try:
        first = clock.now()
        assert first.astimezone(LaunchConfig().zone).strftime("%H:%M") == "08:55"
    finally:
        store.close()
    # Another process later, no --clock and no --speed: the same simulated time, same pace.
    again, clock2 = open_store(replace(config, clock=None, speed=None))
    try:
        assert clock2.speed == 60.0
        assert abs((clock2.now() - clock.now()).total_seconds()) < 1.0
        assert clock2.now() >= first
    finally:
        again.close()


def test_a_typed_speed_of_one_slows_a_stored_rehearsal_clock(tmp_path: Path) -> None:
    config = Config(db=str(tmp_path / "r.db"), rehearsal=True,
                    clock=datetime(2026, 11, 27, 8, 55), speed=60.0)
    store, _ = open_store(config)
    store.close()
    again, clock = open_store(replace(config, clock=None, speed=1.0))
    again.close()
    assert clock.speed == 1.0


def test_live_run_uses_the_wall_clock_and_the_given_file(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    store, clock = open_store(Config(db=str(db)))
    try:
        assert isinstance(clock, WallClock) and store.path == db and db.exists()
    finally:
        store.close()
