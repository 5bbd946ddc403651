"""Seeing every change to the database — another process's and one's own — the same way.

``StoreWatcher(store, post, readers=...)`` checks ``store.data_version()`` every
``WATCH_SECONDS`` (a PRAGMA on the reader connection: no table is read while nothing
changed). When the version moved, it reads the events appended since the last one it
delivered (``events_since(last_id)``) and calls each *reader* (e.g. ``"marks":
store.marks``), then posts one ``StoreChanged(events, state)`` message through ``post``.
Message handlers on the UI re-render from that: nothing is rendered from memory of what
one wrote, so a mark made here and a mark made by another ``autus-tui`` on the same file
take one path (DESIGN.md, Store) and show within ``WATCH_SECONDS`` plus a frame.

It is not tied to the checklist: later work registers more readers (notes, presence,
incidents) with ``add_reader`` and handles ``StoreChanged`` wherever it needs to.

``start(app)`` delivers the current state at once (``first=True``, no events: the
history already on file is the timeline's business, paged on demand) and then polls with
the app's timer. ``check_now()`` polls immediately; call it on the UI thread (as the
timer does) — the handler of a finished write calls it, so one's own change shows
without waiting for the next tick. A read error is
posted as ``StoreChanged`` with ``error`` set (and retried on the next tick), never raised
into the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.app import App
from textual.message import Message
from textual.timer import Timer

from autus_tui.store import Event, Store, StoreError

WATCH_SECONDS = 0.25
MAX_EVENTS_PER_CHECK = 1000
"""Events delivered per check; more arrive on the next checks (a bounded read)."""


class StoreChanged(Message):
    """Something was committed to the database (by anyone); here is what to re-render."""

    def __init__(self, events: list[Event], state: Mapping[str, Any], *, first: bool = False,
                 error: str | None = None) -> None:
        super().__init__()
        self.events = events
        """New events, oldest first."""
        self.state = state
        """What each registered reader returned, by name."""
        self.first = first
        self.error = error


class StoreWatcher:
    def __init__(
        self,
        store: Store,
        post: Callable[[Message], object],
        readers: Mapping[str, Callable[[], Any]] | None = None,
        interval: float = WATCH_SECONDS,
    ) -> None:
        self.store = store
        self.post = post
        self.readers: dict[str, Callable[[], Any]] = dict(readers or {})
        self.interval = interval
        self.last_event_id = 0
        self.checks = 0
        """How many times data_version was asked (tests: the cheap path is the common one)."""
        self.reads = 0
        """How many times tables were read because something changed."""
        self._version: int | None = None
        self._timer: Timer | None = None

    def add_reader(self, name: str, reader: Callable[[], Any]) -> None:
        self.readers[name] = reader

    def start(self, app: App[Any]) -> None:
        """Deliver the current state now, then watch on the app's timer."""
        try:
            self._version = self.store.data_version()
            self.last_event_id = self.store.last_event_id()
            state = self._read_state()
        except StoreError as error:
            self.post(StoreChanged([], {}, first=True, error=str(error)))
        else:
            self.post(StoreChanged([], state, first=True))
        self._timer = app.set_interval(self.interval, self.check_now, name="store-watch")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def check_now(self) -> bool:
        """Look once; post ``StoreChanged`` and return True if anything was committed."""
        self.checks += 1
        try:
            version = self.store.data_version()
            if version == self._version:
                return False
            events = self.store.events_since(self.last_event_id, MAX_EVENTS_PER_CHECK)
            state = self._read_state()
        except StoreError as error:
            self.post(StoreChanged([], {}, error=str(error)))
            return False
        if len(events) < MAX_EVENTS_PER_CHECK:
            self._version = version  # else: leave it, so the next check reads on
        self.reads += 1
        if events:
            self.last_event_id = events[-1].id
        self.post(StoreChanged(events, state))
        return True

    def _read_state(self) -> dict[str, Any]:
        return {name: reader() for name, reader in self.readers.items()}
