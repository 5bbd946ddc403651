"""``autus-tui replay --db FILE [--at HH:MM]``: the recorded day, read-only, at a cursor.

The file is read into a private in-memory copy (``store.readonly``: ``immutable`` when it
has no ``-wal``, a byte copy of the file and its journal when it has one), so the file,
its ``-wal`` and ``-shm`` stay byte for byte as they were and nothing of it is open while
the replay runs; the backend is never polled (``ui.replay.room``). ``--at`` is a time on
the launch-day clock (``09:30``, ``D+1 08:00``; the stored launch day, in the launch
timezone), kept within the record; without it the replay starts where the record starts.
A rehearsal's file replays as a rehearsal (REHEARSAL on every screen), at its pace (its
stale windows are the rehearsal clock's).

Exit 0 after ``q`` (or SIGTERM/SIGHUP/SIGINT, ``commands.terminal``); 1 with one line on
stderr: no terminal, no such file, not a database of ours, nothing recorded; 2 for an
``--at`` that does not read as a time.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from autus_tui.commands.terminal import run_until_signal, terminal_problem
from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.replay_cursor import clamp, parse_moment
from autus_tui.services.launch_day import stored_launch_date
from autus_tui.store import StoreError, read_rehearsal_clock, resolve_db_path
from autus_tui.store.as_of import ReplayStore


def run_replay(config: Config, at: str | None) -> int:
    from autus_tui.services.runbook_files import load_runbooks

    runbook = load_runbooks(config)
    try:
        store = ReplayStore(resolve_db_path(config.db, rehearsal=False))
    except StoreError as error:
        return _fail(str(error))
    try:
        app_or_code = _prepare(store, config, at)
        if isinstance(app_or_code, int):
            return app_or_code
        clock, span = app_or_code
        problem = terminal_problem("replay")  # after the file and --at: those are said first
        if problem is not None:
            return _fail(problem)
        from autus_tui.ui.replay.room import ReplayRoom

        app = ReplayRoom(config, store, clock, span=span, runbook=runbook)
        return asyncio.run(run_until_signal(app)) or EXIT_OK
    finally:
        store.close()


def _prepare(store: ReplayStore, config: Config,
             at: str | None) -> int | tuple[FixedClock, tuple[datetime, datetime]]:
    span = store.recorded_span()
    if span is None:
        return _fail(f"{store.path}: nothing was recorded in this database")
    zone = config.launch.zone
    day: date = (stored_launch_date(store) or config.launch.date
                 or span[0].astimezone(zone).date())
    start = span[0]
    if at is not None:
        try:
            start = clamp(parse_moment(at, day, zone), span)
        except ValueError as error:
            say_error("autus-tui replay", f"--at: {error}")
            return EXIT_USAGE
    rehearsal_clock = read_rehearsal_clock(store)
    speed = rehearsal_clock.speed if rehearsal_clock is not None else 1.0
    return FixedClock(start, speed), span


def _fail(message: str) -> int:
    say_error("autus-tui replay", message)
    return EXIT_FAIL
