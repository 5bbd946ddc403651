"""Textual's Linux driver, made safe for a terminal that goes away (an SSH link drops).

When the terminal hangs up, a write to it fails with EIO. In Textual 8.2.8 that error
kills the driver's writer thread, whose queue holds 30 writes: the next frames fill it
and the event loop blocks for ever in ``Queue.put`` — no signal handler runs, the lease
is never released, and the input thread spins on end-of-file. ``HangUpSafeDriver`` wraps
the driver's output file so a failed write drops this and every later write (the
terminal is gone: there is nobody to draw for) and asks the app to exit once, from the
writer thread through the loop (``call_soon_threadsafe``, never blocking): the normal
exit path then releases the lease and leaves. SIGHUP (``commands.terminal``) usually
arrives first; this covers a hang-up without one, and the race between the two.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import IO, Any

from textual.app import App
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver


class HangUpSafeOutput:
    """A text file whose writes never raise: after the first ``OSError`` they are dropped."""

    def __init__(self, file: IO[str], on_gone: Any) -> None:
        self._file = file
        self._on_gone = on_gone
        self._lock = threading.Lock()
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except OSError:
                self._went()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError:
                self._went()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def _went(self) -> None:
        with self._lock:
            first, self.gone = not self.gone, True
        if first:
            self._on_gone()


class HangUpSafeDriver(LinuxDriver):
    def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        loop = asyncio.get_running_loop()

        def exit_app() -> None:  # in the writer thread
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(app.exit)

        if self._file is not None:
            # Textual types the file as TextIOWrapper; the wrapper has all the writer uses.
            self._file = HangUpSafeOutput(self._file, exit_app)  # type: ignore[assignment]


def safe_driver(driver: type[Driver]) -> type[Driver]:
    """``HangUpSafeDriver`` where Textual would use its Linux driver; else ``driver``."""
    return HangUpSafeDriver if driver is LinuxDriver else driver
