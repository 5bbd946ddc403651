"""Fixtures and the one wait helper shared by the test modules.

Waiting. Tests never sleep a fixed time to let something happen: they wait for the
condition with ``wait_until(pilot, predicate)`` (bounded by ``WAIT`` seconds, generous
for a loaded 2-core CI machine; a pass never waits longer than the condition takes).
A negative assertion ("nothing changed", "no toast") is made only once the work is known
to be done: after ``settle(pilot)`` (every worker finished, the database looked at
afresh, the messages handled), never after a sleep.

The control room. ``control_room(...)`` makes a ``ControlRoom`` on a fixed clock
(09:03:00 KST on launch day unless ``at=`` or ``clock=``), no polling, a fixed host
sample, and no wall-clock tick (``tick_seconds=None``): a test moves ``room.clock`` and
calls ``room.app.tick()`` itself. ``db`` (default ``"day.db"``: a name in ``tmp_path``, or
a path; ``None``: no database) is a real SQLite Store, closed after the test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from autus_tui.core.clock import Clock, FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.core.runbook import Runbook
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom

# A run started under `nohup` passes SIGHUP ignored on to every process the tests start,
# and a background job of a non-interactive shell SIGINT; the product keeps an inherited
# "ignore" on purpose, and the signal tests need the dispositions a terminal session has.
signal.signal(signal.SIGHUP, signal.SIG_DFL)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)
"""09:03:00 KST on launch day: in the launch slot, three minutes after launch."""
HOST = HostSample(1.0, 2.0, 0.1, 3.0)
WAIT = 10.0
"""Seconds any wait may take before the test fails: generous, as CI may be loaded."""
STEP = 0.02


async def wait_until(pilot: Pilot[Any] | None, predicate: Callable[[], bool],
                     timeout: float = WAIT) -> bool:
    """Wait until ``predicate()`` holds; ``False`` after ``timeout`` seconds.

    With a Pilot, each step lets the app handle its messages and repaint first; without
    one (no app, or an app whose Pilot has gone) the loop just yields to the others."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return predicate()
        if pilot is not None:
            await pilot.pause(STEP)
        else:
            await asyncio.sleep(STEP)


async def settle(pilot: Pilot[Any]) -> None:
    """Until the work started so far is done and shown: every worker (writes, exports,
    looks at the database) finished, then a look at the database begun after that
    finished, and the messages all of it posted handled. Make negative assertions after
    this ("nothing was written", "no toast"), never after a sleep."""
    app = pilot.app
    assert await wait_until(pilot, lambda: all(w.is_finished for w in app.workers)), \
        "workers still running"
    await pilot.pause()  # their messages handled: one's own write asks for a look
    watcher = getattr(app, "watcher", None)
    if watcher is not None and not watcher.stopped:
        seen = watcher.checks
        watcher.check_now()
        # A look that was running at `seen` may have begun before; the next one did not.
        assert await wait_until(pilot, lambda: watcher.checks >= seen + 2), \
            "the store watcher did not look again"
    await pilot.pause()


@dataclass
class Room:
    app: ControlRoom
    store: Store | None
    clock: Clock



@pytest.fixture
def control_room(tmp_path: Path) -> Iterator[Callable[..., Room]]:
    stores: list[Store] = []

    def make(db: str | Path | None = "day.db", *, operator: str = "kim",
             at: datetime = START, clock: Clock | None = None, config: Config | None = None,
             rehearsal: bool = True, poll: bool = False, runbook: Runbook | None = None,
             host_reader: Callable[[], HostSample] | None = lambda: HOST,
             tick_seconds: float | None = None, cls: type[ControlRoom] = ControlRoom) -> Room:
        clock = clock or FixedClock(at)
        store = None
        if db is not None:
            store = Store(tmp_path / db, clock)  # an absolute path stays as given
            stores.append(store)
        app = cls(config or Config(operator=operator), clock, rehearsal=rehearsal, poll=poll,
                  host_reader=host_reader, store=store, runbook=runbook,
                  tick_seconds=tick_seconds)
        return Room(app, store, clock)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder that another user may enter (tmp_path's parents may not allow it)."""
    folder = Path(tempfile.mkdtemp(prefix="autus-open-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        for sub in folder.rglob("*"):
            if sub.is_dir():
                os.chmod(sub, 0o755)
        shutil.rmtree(folder)


@pytest.fixture
def release_repo(tmp_path: Path) -> Path:
    """A release repository: tags v0.9.0, v0.9.9, v0.9.10, v1.0.0 (HEAD) and a Makefile
    whose ``deploy-prod`` writes ``deployed.txt`` beside it (``rollback_repo``)."""
    from rollback_repo import make_repo

    return make_repo(tmp_path)


@pytest.fixture
def rollback_db(tmp_path: Path) -> Iterator[Path]:
    """A database path; afterwards no rollback runner or step of the test is left."""
    from rollback_repo import reap_runners

    path = tmp_path / "launch.db"
    yield path
    reap_runners(path)
