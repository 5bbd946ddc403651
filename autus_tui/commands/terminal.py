"""Running a screen in a terminal: refuse without one; end cleanly on SIGTERM/SIGHUP/SIGINT.

``terminal_problem(command)`` is one line when stdin or stdout is not a terminal
(``ssh host autus-tui run`` without ``-t``, a cron job, a pipe): a Textual app started so
has no terminal to draw on and nobody to quit it, and used to outlive an SSH session under
PID 1 at ~94 % CPU, renewing the poller lease for ever. ``run`` and ``demo`` refuse with it.

``run_until_signal(app)`` awaits ``app.run_async()`` with SIGTERM, SIGHUP (the SSH link
dropped) and SIGINT (``kill -INT``; a typed Ctrl-C is a key in raw mode) turned into
``app.exit()``. Textual 8.2.8 installs no handler for them (Textualize/textual#5140): by
default SIGTERM and SIGHUP end the process on the spot, leaving the terminal in the
alternate screen with mouse reporting on, and the lease and presence rows in the file.
Through ``app.exit()`` the normal exit path runs instead: the app's ``on_unmount`` stops
the recorder (the lease is released, so the next process polls at once, and the presence
row removed), Textual's driver leaves the alternate screen, turns mouse reporting off and
shows the cursor, and ``asyncio.run`` then waits for the write threads (its default
executor) before the caller closes the store, so a write in flight is committed.

Exit status after such a stop: 0. The stop was asked for and completed, nothing was lost,
and a service manager reads it as clean: systemd counts exit 0 (or death by SIGTERM) as a
clean stop but exit 143 as a failure unless ``SuccessExitStatus=143`` is set; ``record``
already exited 0 on SIGTERM. ``EXIT_INTERRUPTED`` (130) stays for a Ctrl-C that arrives
before the command could install its handlers or finish stopping.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable
from typing import Any, Protocol

from autus_tui.commands.exit_codes import EXIT_OK

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
RETRY_EXIT = 0.05
"""Seconds between attempts to ask an app that is not running yet to exit."""


class ExitableApp(Protocol):
    """What this module needs of a Textual app (no Textual import outside ``ui``)."""

    @property
    def is_running(self) -> bool: ...

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None: ...

    async def run_async(self) -> Any: ...


def terminal_problem(command: str) -> str | None:
    """One line saying why ``autus-tui COMMAND`` cannot run here; None when it can."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    return (f"{command} needs a terminal (stdin and stdout must be one): connect with "
            f"`ssh -t HOST autus-tui {command}`, or record without a screen with "
            "`autus-tui record`")


def install_stop_handlers(stop: Callable[[int], object]) -> Callable[[], None]:
    """Call ``stop(signum)`` on the running loop for each stop signal; returns the undo.

    A signal already ignored is left ignored: ``nohup autus-tui record &`` must survive
    the hang-up it was started to survive (and a shell's background job its SIGINT).
    """
    loop = asyncio.get_running_loop()
    installed = []
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_IGN:
            continue
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop, signum)
            installed.append(signum)

    def undo() -> None:
        for signum in installed:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)

    return undo


async def run_until_signal(app: ExitableApp) -> int:
    """Run ``app`` until it exits or a stop signal asks it to; the exit status."""
    loop = asyncio.get_running_loop()
    stopped: list[int] = []
    finished = False

    def ask_to_exit() -> None:
        if app.is_running:
            app.exit(return_code=EXIT_OK)
        elif not finished:  # still starting: ask again once it runs
            loop.call_later(RETRY_EXIT, ask_to_exit)

    def stop(signum: int) -> None:
        stopped.append(signum)
        ask_to_exit()

    undo = install_stop_handlers(stop)
    try:
        await app.run_async()
    finally:
        finished = True
        undo()
    code = getattr(app, "return_code", None)
    return EXIT_OK if stopped else (code or EXIT_OK)
