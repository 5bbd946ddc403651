"""Seeing every change to the database — another process's and one's own — the same way.

``StoreWatcher(store, post, pairing=..., polls=...)`` looks at the database every
``WATCH_SECONDS`` with a ``services.snapshot.SnapshotReader`` and posts one
``StoreChanged(snapshot)`` through ``post`` whenever something was committed. Message
handlers on the UI re-render from that: nothing is rendered from memory of what one
wrote, so a mark made here and a mark made by another ``autus-tui`` on the same file
take one path and show within ``WATCH_SECONDS`` plus a frame.

Off the event loop. Every look runs in one thread of the watcher's own
(``store-watch``), so a read that waits — the Store's reads share one lock with the
launch-day report's, which holds it for up to a second on a full day — never holds up
the screen. One look at a time: a look asked for while one runs (``check_now`` after
one's own write) makes the thread look once more as soon as it is done, so nothing is
read twice or out of order and nothing piles up behind the lock. One thread for the
app's life, not a Textual worker per look: four workers a second (their start, their
state messages) cost more than the looks themselves.

``start(app)`` looks at once (the first ``StoreChanged`` has ``first=True`` and no
events: the history already on file is the timeline's business) and then every
``interval``. ``stop()`` posts nothing more (call it before the app's screens go);
``await join()`` waits for a look still running to end. A read error is posted as
``StoreChanged`` with ``error`` set (and tried again at the next look), never raised
into the UI.

Tests: ``checks`` counts finished looks; a look begun after one read ``checks`` has
finished once it has grown by 2 (one may have been running already).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App
from textual.message import Message

from autus_tui.core.observations import PollResult
from autus_tui.core.rollback_run import RunRecord
from autus_tui.services.pairing import Pairing
from autus_tui.services.snapshot import EMPTY, SnapshotReader, StoreSnapshot
from autus_tui.store import Event, Store, StoreError

WATCH_SECONDS = 0.25
GROUP = "store-watch"


class StoreChanged(Message):
    """Something was committed to the database (by anyone); here is what to re-render."""

    def __init__(self, snapshot: StoreSnapshot, *, first: bool = False,
                 error: str | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.first = first
        """The start-up look: the current state, no events (history is not news)."""
        self.error = error
        """Why the database could not be read (``snapshot`` is then empty)."""

    @property
    def events(self) -> tuple[Event, ...]:
        return self.snapshot.events


class StoreWatcher:
    def __init__(
        self,
        store: Store,
        post: Callable[[Message], object],
        *,
        pairing: Callable[[], Pairing] | None = None,
        polls: Callable[[], Sequence[tuple[int, PollResult]]] | None = None,
        rollback: Callable[[], RunRecord | None] | None = None,
        interval: float = WATCH_SECONDS,
    ) -> None:
        self.reader = SnapshotReader(store, pairing=pairing, polls=polls, rollback=rollback)
        self.post = post
        self.interval = interval
        self.checks = 0
        """Finished looks (tests wait on it; the cheap path is the common one)."""
        self.reads = 0
        """Looks that read tables because something changed."""
        self._app: App[Any] | None = None
        self._stopped = False
        self._wake = threading.Event()
        """Set to look at once (``check_now``, ``stop``); else the thread looks every
        ``interval``."""
        self._thread: threading.Thread | None = None

    def start(self, app: App[Any]) -> None:
        """Look now (``first=True``), then every ``interval`` and whenever asked."""
        self._app = app
        self._thread = threading.Thread(target=self._run, name=GROUP, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """No more looks, and a look still running posts nothing."""
        self._stopped = True
        self._wake.set()

    async def join(self, timeout: float = 5.0) -> None:
        """After ``stop``: wait (off the event loop) for a look still running to end."""
        if self._thread is not None and self._thread.is_alive():
            await asyncio.to_thread(self._thread.join, timeout)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def check_now(self) -> None:
        """Look once more, off the UI thread, as soon as the look running (if any) ends."""
        if self._stopped or self._app is None or not self._app.is_running:
            return
        self._wake.set()

    def _run(self) -> None:
        """The thread: look, then wait for the interval or a wish to look now."""
        while not self._stopped:
            self._wake.clear()  # before the look: a wish during it means one more
            try:
                message: StoreChanged | None = self._look()
            except Exception as error:  # e.g. the store closed under a look at exit
                if self._stopped:
                    return
                message = StoreChanged(EMPTY, first=self.reader.first,
                                       error=f"{type(error).__name__}: {error}")
            if message is not None and not self._stopped:
                self.post(message)
            self.checks += 1
            self._wake.wait(self.interval)

    def _look(self) -> StoreChanged | None:
        first = self.reader.first
        try:
            snapshot = self.reader.look()
        except StoreError as error:
            return StoreChanged(EMPTY, first=first, error=str(error))
        if snapshot is None:
            return None
        self.reads += 1
        return StoreChanged(snapshot, first=first)
