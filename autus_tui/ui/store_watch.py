"""Seeing every change to the database — another process's and one's own — the same way.

``StoreWatcher(store, post, pairing=..., polls=...)`` looks at the database every
``WATCH_SECONDS`` with a ``services.snapshot.SnapshotReader`` and posts one
``StoreChanged(snapshot)`` through ``post`` whenever something was committed. Message
handlers on the UI re-render from that: nothing is rendered from memory of what one
wrote, so a mark made here and a mark made by another ``autus-tui`` on the same file
take one path and show within ``WATCH_SECONDS`` plus a frame.

Off the event loop. Every look runs in a thread worker of the app (group
``store-watch``), so a read that waits — the Store's reads share one lock with the
launch-day report's, which holds it for up to a second on a full day — never holds up
the screen. One look at a time: a look asked for while one runs (the timer, or
``check_now`` after one's own write) makes the running worker look once more before it
ends, so nothing is read twice or out of order and no thread piles up behind the lock.

``start(app)`` looks at once (the first ``StoreChanged`` has ``first=True`` and no
events: the history already on file is the timeline's business) and then on the app's
timer. ``stop()`` ends the timer and posts nothing more (call it before the app's
screens go). A read error is posted as ``StoreChanged`` with ``error`` set (and tried
again at the next look), never raised into the UI.

Tests: ``checks`` counts finished looks; a look begun after one read ``checks`` has
finished once it has grown by 2 (one may have been running already).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App
from textual.message import Message
from textual.timer import Timer

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
        self._timer: Timer | None = None
        self._stopped = False
        self._flags = threading.Lock()
        """Guards ``_running`` and ``_again`` (the UI thread and the worker both set them)."""
        self._running = False
        self._again = False

    def start(self, app: App[Any]) -> None:
        """Look now (``first=True``), then on the app's timer."""
        self._app = app
        self._timer = app.set_interval(self.interval, self.check_now, name=GROUP)
        self.check_now()

    def stop(self) -> None:
        """No more looks, and a look still running posts nothing."""
        self._stopped = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @property
    def stopped(self) -> bool:
        return self._stopped

    def check_now(self) -> None:
        """Look once more, off the UI thread (call on the UI thread)."""
        if self._stopped or self._app is None or not self._app.is_running:
            return
        with self._flags:
            if self._running:
                self._again = True
                return
            self._running = True
        # exclusive: never two looks side by side (the flags above already ensure it).
        self._app.run_worker(self._work, name="store watch", group=GROUP, thread=True,
                             exclusive=True, exit_on_error=False)

    def _work(self) -> None:
        """The worker: look until no look was asked for meanwhile."""
        ended = False
        try:
            while not self._stopped:
                message = self._look()
                if message is not None and not self._stopped:
                    self.post(message)
                self.checks += 1
                with self._flags:  # deciding to end and ending: one step for check_now
                    if not self._again:
                        self._running, ended = False, True
                        return
                    self._again = False
        finally:
            if not ended:  # stopped, or a fault: a later check_now may start again
                with self._flags:
                    self._running = self._again = False

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
