"""Run a terminal program under a pseudo-terminal and watch what it puts on the screen.

Shared by the benchmark scripts in this folder; not part of the package or the tests.

``PtySession`` spawns a program on the slave side of a pty (its own session, the pty as
its controlling terminal, the window size set with TIOCSWINSZ, TERM/COLUMNS/LINES set),
reads everything it writes from the master side and feeds it to a ``pyte`` screen, so a
benchmark can ask "is this on screen yet?" and time the answer. It also counts the bytes
the program writes, samples the RSS of its process tree and reads its CPU time (psutil).
Times are ``time.perf_counter()`` values, stamped when a read returned.

``close()`` ends the whole process group (SIGTERM, then SIGKILL) and reaps the child with
``os.wait4`` so its ``ru_maxrss`` is known; use sessions as context managers so a failing
benchmark never leaves a program running. ``sim_backend.Backend`` does the same for the
simulated AUTUS backend.

Needs ``pyte`` and ``psutil``.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import psutil
import pyte

READ_CHUNK = 65536
RSS_SAMPLE_EVERY = 0.1
"""Seconds between RSS samples while the harness waits for output."""

ScreenTest = Callable[[str], bool]
"""Takes the screen as text (rows joined by newlines) and says whether a condition holds."""


def screen_matches(pattern: str, flags: int = re.MULTILINE) -> ScreenTest:
    """A ScreenTest that holds when ``pattern`` is found anywhere on the screen."""
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.search(text) is not None


def screen_lacks(pattern: str, flags: int = re.MULTILINE) -> ScreenTest:
    """A ScreenTest that holds when ``pattern`` is nowhere on the screen."""
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.search(text) is None


def kill_group(process: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it is still there."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + grace
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    # Whatever the leader did, take the rest of its group down too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


class PtySession:
    """One program on a pseudo-terminal, with an emulated screen of ``cols`` x ``rows``."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.env = dict(os.environ if env is None else env)
        self.env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        self.env.pop("TEXTUAL", None)  # no devtools, no debug features
        self.cwd = cwd
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.process: subprocess.Popen[bytes] | None = None
        self.master_fd = -1
        self.spawned_at = 0.0
        self.bytes_read = 0
        self.peak_rss = 0
        self.max_rss_at_exit = 0
        self._last_rss_sample = 0.0
        self._text_cache: str | None = None

    # --- life cycle -------------------------------------------------------------------

    def start(self) -> PtySession:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))

        def become_terminal_owner() -> None:  # runs in the child, after setsid
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.spawned_at = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=become_terminal_owner,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master_fd = master
        os.set_blocking(master, False)
        # pyte answers device-attribute queries through this hook, as a terminal would.
        self.screen.write_process_input = self._answer_terminal_query  # type: ignore[method-assign]
        return self

    def close(self) -> None:
        """End the program and everything it started; safe to call twice."""
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(psutil.Error):
                self.sample_rss(force=True)
            _kill_group_keep_rusage(self, process)
        if self.master_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.master_fd)
            self.master_fd = -1

    def __enter__(self) -> PtySession:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int:
        assert self.process is not None, "session not started"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # --- reading the screen -------------------------------------------------------------

    def pump(self, timeout: float) -> tuple[int, float]:
        """Wait up to ``timeout`` s for output, read all there is; return (bytes, when read)."""
        if self.master_fd < 0:
            time.sleep(max(timeout, 0.0))
            return 0, time.perf_counter()
        ready, _, _ = select.select([self.master_fd], [], [], max(timeout, 0.0))
        chunks: list[bytes] = []
        if ready:
            while True:
                try:
                    chunk = os.read(self.master_fd, READ_CHUNK)
                except (BlockingIOError, OSError):  # nothing more, or EIO: the program exited
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        # Stamped before the emulator digests the bytes: the time they reached the terminal.
        stamp = time.perf_counter()
        total = 0
        for chunk in chunks:
            total += len(chunk)
            self.stream.feed(chunk)
        if total:
            self.bytes_read += total
            self._text_cache = None
        self.sample_rss()
        return total, stamp

    def text(self) -> str:
        if self._text_cache is None:
            try:
                rows = self.screen.display
            except IndexError:  # pyte: an empty cell not after a wide character
                rows = [_row_text(self.screen.buffer[y], self.cols) for y in range(self.rows)]
            self._text_cache = "\n".join(rows)
        return self._text_cache

    def wait_for(self, test: ScreenTest, timeout: float) -> float | None:
        """Pump until ``test`` holds; return the time of the read that made it hold.

        None when ``timeout`` passed first or the program exited.
        """
        deadline = time.perf_counter() + timeout
        if test(self.text()):
            return time.perf_counter()
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            got, stamp = self.pump(min(left, RSS_SAMPLE_EVERY))
            if got and test(self.text()):
                return stamp
            if not got and not self.alive():
                return None

    def wait_for_each(
        self, tests: Sequence[ScreenTest], timeout: float, settle: float = math.inf
    ) -> list[float | None]:
        """Pump until every test has held once; return when each first held (None: never).

        Gives up ``timeout`` s from now, or ``settle`` s after the first test held.
        """
        seen: list[float | None] = [None] * len(tests)
        deadline = time.perf_counter() + timeout
        text, stamp = self.text(), time.perf_counter()
        while True:
            for index, test in enumerate(tests):
                if seen[index] is None and test(text):
                    seen[index] = stamp
                    deadline = min(deadline, stamp + settle)
            left = deadline - time.perf_counter()
            if all(when is not None for when in seen) or left <= 0:
                return seen
            got, stamp = self.pump(min(left, RSS_SAMPLE_EVERY))
            if not got and not self.alive():
                return seen
            text = self.text()

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """Pump until nothing was written for ``quiet`` s (True) or ``timeout`` passed."""
        deadline = time.perf_counter() + timeout
        last_output = time.perf_counter()
        while time.perf_counter() < deadline:
            got, stamp = self.pump(min(quiet, RSS_SAMPLE_EVERY))
            if got:
                last_output = stamp
            elif time.perf_counter() - last_output >= quiet:
                return True
        return False

    def drain_for(self, seconds: float) -> int:
        """Keep reading for ``seconds``; return the bytes read meanwhile."""
        start_bytes = self.bytes_read
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            self.pump(min(left, RSS_SAMPLE_EVERY))
        return self.bytes_read - start_bytes

    # --- writing keys ---------------------------------------------------------------------

    def send(self, data: bytes) -> float:
        """Write ``data`` as typed keys; return when the write finished."""
        os.write(self.master_fd, data)
        return time.perf_counter()

    def time_key(self, data: bytes, test: ScreenTest, timeout: float) -> tuple[float, float]:
        """Type ``data``; return seconds until the first byte and until ``test`` held.

        Either is ``math.nan`` when it did not happen within ``timeout``.
        """
        self._text_cache = None
        sent = self.send(data)
        deadline = sent + timeout
        first_byte = math.nan
        while (left := deadline - time.perf_counter()) > 0:
            got, stamp = self.pump(min(left, RSS_SAMPLE_EVERY))
            if got and math.isnan(first_byte):
                first_byte = stamp - sent
            if got and test(self.text()):
                return first_byte, stamp - sent
            if not got and not self.alive():
                break
        return first_byte, math.nan

    def _answer_terminal_query(self, data: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master_fd, data.encode())

    # --- resources ----------------------------------------------------------------------

    def sample_rss(self, force: bool = False) -> int:
        """RSS of the process tree now (bytes); updates ``peak_rss``. Rate-limited."""
        now = time.perf_counter()
        if not force and now - self._last_rss_sample < RSS_SAMPLE_EVERY:
            return 0
        self._last_rss_sample = now
        rss = 0
        for proc in _tree(self.pid) if self.process else []:
            with contextlib.suppress(psutil.Error):
                rss += proc.memory_info().rss
        self.peak_rss = max(self.peak_rss, rss)
        return rss

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process tree so far (all threads)."""
        total = 0.0
        for proc in _tree(self.pid):
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def peak_memory(self) -> int:
        """Largest RSS seen, in bytes: sampled tree sum or the kernel's ru_maxrss at exit."""
        return max(self.peak_rss, self.max_rss_at_exit)


def _row_text(line: Mapping[int, pyte.screens.Char], columns: int) -> str:
    """One screen row as text; an empty cell (a wide character's second half, or one
    pyte left empty) adds nothing."""
    return "".join(line[x].data for x in range(columns))


def _kill_group_keep_rusage(session: PtySession, process: subprocess.Popen[bytes]) -> None:
    """Kill the group and reap the leader with wait4, keeping its ru_maxrss (KiB on Linux)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            session.pump(0.02)  # keep the terminal drained so the program can exit
            try:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            except ChildProcessError:  # already reaped elsewhere: no rusage to keep
                process.returncode = process.returncode if process.returncode is not None else -1
                return
            if pid == process.pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                session.max_rss_at_exit = usage.ru_maxrss * 1024
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)  # any children left behind
                return
    kill_group(process)
