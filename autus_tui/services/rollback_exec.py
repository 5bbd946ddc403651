"""Running one rollback step: its own process group, its timeout, every line, its end.

The step is started from its argv (never a shell) in its working folder with
``stdin=DEVNULL`` and ``start_new_session=True``: it has no terminal and its own process
group, so ending it ends everything it started. Its stdout and stderr are read as they
come and handed to ``on_line`` one cleaned line at a time (a line longer than
``MAX_PENDING`` bytes without a newline is cut into pieces).

Ending (timeout, or ``poll`` returning a reason): SIGTERM to the group, up to
``KILL_GRACE`` seconds for the step to go, then SIGKILL to the group. The group is
signalled only while its leader is not yet reaped (its exit is observed with
``waitid(WNOWAIT)``), so the group id cannot have been reused by then.

After the step's own process exits, output still held by a child it left behind is read
for at most ``DRAIN_GRACE`` seconds; such children are left alone (a deploy may start a
daemon on purpose).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from autus_tui.core.rollback_run import LINE_LIMIT, StepState, clean_line

KILL_GRACE = 2.0
DRAIN_GRACE = 1.0
TICK = 0.1
MAX_PENDING = 4 * LINE_LIMIT


@dataclass(frozen=True)
class StepOutcome:
    state: StepState
    exit_code: int | None
    duration: float
    message: str


def run_step(
    argv: Sequence[str], cwd: str, timeout: float, *, env: Mapping[str, str] | None,
    on_start: Callable[[int | None], None], on_line: Callable[[str, str], None],
    poll: Callable[[], str],
) -> StepOutcome:
    """Run one step to its end; ``poll`` is called every ``TICK`` and returns "" to go on
    or why to stop ("cancelled by bob"), which ends the group."""
    began = time.monotonic()
    program = clean_line(argv[0], 200)
    if not os.path.isdir(cwd):
        on_start(None)
        return StepOutcome(StepState.FAILED, None, 0.0, f"the folder {cwd} does not exist")
    try:
        proc = subprocess.Popen(
            list(argv), cwd=cwd, env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
    except FileNotFoundError:
        on_start(None)
        return StepOutcome(StepState.FAILED, None, time.monotonic() - began,
                           f"cannot run {program}: not found (is it installed and on PATH?)")
    except OSError as error:
        on_start(None)
        return StepOutcome(StepState.FAILED, None, time.monotonic() - began,
                           f"cannot run {program}: {error.strerror or error}")
    on_start(proc.pid)
    with _Reader(proc, on_line) as reader:
        stop, state = "", StepState.SUCCEEDED
        while not _exited(proc.pid):
            reader.read(TICK)
            if time.monotonic() - began >= timeout:
                stop, state = f"timed out after {timeout:g} s", StepState.TIMEOUT
            else:
                why = poll()
                if why:
                    stop, state = why, StepState.CANCELLED
            if stop:
                _end_group(proc.pid, reader)
                break
        drain_until = time.monotonic() + DRAIN_GRACE
        while not reader.done and time.monotonic() < drain_until:
            reader.read(TICK)
    code = proc.wait()
    duration = time.monotonic() - began
    if stop:
        return StepOutcome(state, code, duration, f"{stop}: its process group was ended")
    if code == 0:
        return StepOutcome(StepState.SUCCEEDED, 0, duration, "exited 0")
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return StepOutcome(StepState.FAILED, code, duration, f"ended by {name}")
    return StepOutcome(StepState.FAILED, code, duration, f"exited {code}")


def _exited(pid: int) -> bool:
    """Has the process exited? It stays a zombie (not reaped), keeping its pid and group."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _end_group(pid: int, reader: _Reader) -> None:
    _signal_group(pid, signal.SIGTERM)
    until = time.monotonic() + KILL_GRACE
    while not _exited(pid) and time.monotonic() < until:
        reader.read(0.05)  # keep reading: a step blocked writing to a full pipe can end
    _signal_group(pid, signal.SIGKILL)  # whatever is left of the group, leader reaped later


class _Reader:
    """Both pipes, non-blocking, split into lines; ``done`` once both reached EOF."""

    def __init__(self, proc: subprocess.Popen[bytes], on_line: Callable[[str, str], None]):
        self._on_line = on_line
        self._selector = selectors.DefaultSelector()
        self._pending: dict[str, bytes] = {}
        for stream, pipe in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            assert pipe is not None
            os.set_blocking(pipe.fileno(), False)
            self._selector.register(pipe, selectors.EVENT_READ, stream)
            self._pending[stream] = b""

    @property
    def done(self) -> bool:
        return not self._selector.get_map()

    def read(self, wait: float) -> None:
        if self.done:
            time.sleep(wait)  # nothing left to read: just let the time pass
            return
        for key, _ in self._selector.select(wait):
            pipe: IO[bytes] = key.fileobj  # type: ignore[assignment]
            stream: str = key.data
            try:
                chunk = os.read(pipe.fileno(), 65536)
            except BlockingIOError:
                continue
            if chunk:
                self._take(stream, self._pending[stream] + chunk)
            else:
                self._selector.unregister(pipe)
                pipe.close()
                if self._pending[stream]:
                    self._emit(stream, self._pending[stream])
                self._pending[stream] = b""

    def _take(self, stream: str, data: bytes) -> None:
        *lines, rest = data.split(b"\n")
        for line in lines:
            self._emit(stream, line)
        while len(rest) > MAX_PENDING:
            self._emit(stream, rest[:MAX_PENDING])
            rest = rest[MAX_PENDING:]
        self._pending[stream] = rest

    def _emit(self, stream: str, line: bytes) -> None:
        self._on_line(stream, clean_line(line.decode("utf-8", "replace").rstrip("\r")))

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        for key in list(self._selector.get_map().values()):
            self._selector.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()
