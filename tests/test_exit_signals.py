"""Stopping ``run``, ``demo`` and ``record`` from outside, as real processes.

``run`` and ``demo`` run under a pseudo-terminal at 80x24; every signal is sent after the
screen was drawn and the lease taken. A clean stop means: exit 0, the terminal restored
(the last bytes written leave the alternate screen, turn mouse reporting off and show the
cursor), the poller lease and the presence row gone from the file at once, and the next
process on the file taking a *free* lease (not an expired one) and recording a poll.
Without a terminal, ``run`` and ``demo`` refuse in one line. Every wait is bounded; no
figure is timed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

UNREACHABLE = "http://127.0.0.1:9"
"""Refused at once: the poller still records each poll (with its error)."""
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"
CURSOR_HIDDEN, CURSOR_SHOWN = b"\x1b[?25l", b"\x1b[?25h"
STOP_SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
WAIT = 20.0


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTUS_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24", TMPDIR=str(tmp_path),
               HOME=str(tmp_path / "home"),  # the demo's report goes to ~/autus-demo-reports
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    return env


class Terminal:
    """A program on a pseudo-terminal; ``output`` is everything it wrote so far."""

    def __init__(self, argv: list[str], env: dict[str, str], *, controlling: bool = True):
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

        def take_terminal() -> None:  # the pty becomes the child's controlling terminal
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            argv, stdin=follower, stdout=follower, stderr=follower, env=env,
            start_new_session=True, preexec_fn=take_terminal if controlling else None)
        os.close(follower)
        self.leader: int | None = leader
        self.output = b""

    def pump(self, timeout: float = 0.05) -> None:
        if self.leader is None:
            return
        ready, _, _ = select.select([self.leader], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # EIO: the program exited, the pty closed
                self.output += os.read(self.leader, 65536)

    def wait_for(self, check: Callable[[], bool], timeout: float = WAIT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            if self.process.poll() is not None:
                return check()
            self.pump()
        return check()

    def wait_exit(self, timeout: float = WAIT) -> int | None:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump()
        for _ in range(20):  # what it wrote last, still in the pty
            before = len(self.output)
            self.pump(0.0)
            if len(self.output) == before:
                break
        return self.process.poll()

    def hang_up(self) -> None:
        """The SSH link drops: the terminal's other end closes."""
        if self.leader is not None:
            os.close(self.leader)
            self.leader = None

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.hang_up()


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the file as another process would read them ([] before the tables exist)."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def _until(check: Callable[[], bool], timeout: float = WAIT,
           alive: subprocess.Popen[bytes] | None = None) -> bool:
    """Look again every 50 ms until ``check`` holds (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        if alive is not None and alive.poll() is not None:
            return check()
        time.sleep(0.05)  # the pace of a bounded look at the file, not a wait for time
    return True


def _run_argv(db: Path) -> list[str]:
    return [sys.executable, "-m", "autus_tui.cli", "run", "--db", str(db), "--backend",
            UNREACHABLE, "--operator", "alice"]


def _record(db: Path, env: dict[str, str], operator: str = "bob") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "record", "--db", str(db), "--backend",
         UNREACHABLE, "--operator", operator],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        start_new_session=True)


def _drawn_and_polling(term: Terminal, db: Path) -> Callable[[], bool]:
    return lambda: (b"Active Users" in term.output
                    and bool(_rows(db, "SELECT 1 FROM leases"))
                    and bool(_rows(db, "SELECT 1 FROM polls")))


def _assert_terminal_restored(output: bytes, said: bytes = b"") -> None:
    """After the screen was entered, the last word on each mode is 'off' (and the cursor on);
    after leaving, nothing but ``said`` (a line the command prints on purpose)."""
    assert ALT_SCREEN_ON in output
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON)
    assert output.rfind(MOUSE_OFF) > output.rfind(MOUSE_ON) > 0
    assert output.rfind(CURSOR_SHOWN) > output.rfind(CURSOR_HIDDEN)
    tail = output[output.rfind(ALT_SCREEN_OFF):].replace(said, b"")
    # Nothing is drawn on the operator's shell after leaving: only mode switches follow.
    assert tail.replace(b"\x1b[", b"").strip(b"?0123456789;<>=hlu") == b""


def _assert_released(db: Path, holder_operator: str) -> None:
    assert _rows(db, "SELECT * FROM leases") == []
    assert _rows(db, "SELECT * FROM presence") == []
    stops = _rows(db, "SELECT operator FROM events WHERE kind = 'poller.stop'")
    assert stops == [(holder_operator,)]


def _assert_next_process_polls_on_a_free_lease(db: Path, env: dict[str, str]) -> None:
    """A second process on the file takes the lease as free and records a poll."""
    last_poll = max((row[0] for row in _rows(db, "SELECT id FROM polls")), default=0)
    proc = _record(db, env)
    try:
        assert _until(lambda: bool(_rows(db, f"SELECT id FROM polls WHERE id > {last_poll}")),
                      alive=proc), proc.communicate()
        starts = [json.loads(detail) for (detail,) in _rows(
            db, "SELECT detail FROM events WHERE kind = 'poller.start' ORDER BY id")]
        assert len(starts) == 2 and "previous" not in starts[1], starts
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=WAIT) == 0


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_run_stops_cleanly_on_a_signal(signum: int, tmp_path: Path) -> None:
    db, env = tmp_path / "launch.db", _environment(tmp_path)
    term = Terminal(_run_argv(db), env)
    try:
        assert term.wait_for(_drawn_and_polling(term, db)), term.output[-2000:]
        term.process.send_signal(signum)
        assert term.wait_exit() == 0, term.output[-2000:]
        _assert_terminal_restored(term.output)
        _assert_released(db, "alice")
    finally:
        term.close()
    _assert_next_process_polls_on_a_free_lease(db, env)


@pytest.mark.parametrize("controlling", [True, False], ids=["sighup", "write-fails"])
def test_run_stops_cleanly_when_the_terminal_hangs_up(controlling: bool, tmp_path: Path) -> None:
    """The SSH link drops: with the pty as its controlling terminal the kernel sends SIGHUP;
    without, the next frame's write fails (EIO). Either way the process ends and hands over
    (it used to block, or spin, for ever, holding the lease)."""
    db, env = tmp_path / "launch.db", _environment(tmp_path)
    term = Terminal(_run_argv(db), env, controlling=controlling)
    try:
        assert term.wait_for(_drawn_and_polling(term, db)), term.output[-2000:]
        term.hang_up()
        assert term.wait_exit() == 0
        _assert_released(db, "alice")
    finally:
        term.close()


def test_demo_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    term = Terminal([sys.executable, "-m", "autus_tui.cli", "demo", "--scenario", "calm"], env)
    try:
        assert term.wait_for(lambda: b"REHEARSAL" in term.output and b"Active Users"
                             in term.output and any(tmp_path.glob("autus-demo-*/*.db")))
        term.process.send_signal(signal.SIGTERM)
        assert term.wait_exit() == 0, term.output[-2000:]
        said = re.search(rb"autus-tui demo: the rehearsal's report is in \S+\r\n", term.output)
        assert said is not None, term.output[-2000:]  # tests/test_demo_report.py: the file
        _assert_terminal_restored(term.output, said.group())
        assert list(tmp_path.glob("autus-demo-*")) == []  # its rehearsal folder removed
    finally:
        term.close()


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_record_stops_cleanly_on_a_signal(signum: int, tmp_path: Path) -> None:
    db, env = tmp_path / "launch.db", _environment(tmp_path)
    proc = _record(db, env, "carol")
    try:
        assert _until(lambda: bool(_rows(db, "SELECT 1 FROM polls")), alive=proc)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=WAIT)
        assert proc.returncode == 0 and err == b""
        assert out.decode().splitlines()[-2:] == [
            "autus-tui record: released the poller lease", "autus-tui record: stopped"]
        _assert_released(db, "carol")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("command", ["run", "demo"])
def test_without_a_terminal_run_and_demo_refuse_in_one_line(command: str, tmp_path: Path) -> None:
    db = tmp_path / "launch.db"
    argv = [sys.executable, "-m", "autus_tui.cli", command]
    if command == "run":
        argv += ["--db", str(db), "--backend", UNREACHABLE]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          env=_environment(tmp_path), timeout=WAIT)
    assert done.returncode == 1
    err = done.stderr.decode()
    assert err.count("\n") == 1 and "needs a terminal" in err
    assert f"ssh -t HOST autus-tui {command}" in err and "autus-tui record" in err
    assert done.stdout == b"" and not db.exists()
