"""What a screen re-renders from: one look at the database, typed.

``SnapshotReader(store, pairing=..., polls=...).look()`` asks ``store.data_version()``
(a PRAGMA: no table is read while nothing changed) and returns ``None`` when nothing was
committed since the last look. Otherwise it reads the events appended since the last
one it returned (at most ``MAX_EVENTS`` a look; the rest on the next looks), the marks,
who is here and who polls (``pairing``), the current rollback run (``rollback``), and the
polls recorded since with their ids (``polls``, last:
if an earlier read fails, no poll is taken from the feed and lost), and returns them as
one frozen ``StoreSnapshot``. The first look returns the current state and no events
(the history already on file is the timeline's business). A read error is raised as
``StoreError``; the next look tries again.

Not thread-safe: one caller at a time (the UI's store watcher runs it in one worker).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from autus_tui.core.marks import Mark
from autus_tui.core.observations import PollResult
from autus_tui.core.rollback_run import RunRecord
from autus_tui.services.pairing import Pairing
from autus_tui.store import Event, Store

MAX_EVENTS = 1000
"""Events returned per look; more arrive on the next looks (a bounded read)."""


@dataclass(frozen=True)
class StoreSnapshot:
    marks: Mapping[str, Mark]
    """item id → its mark (unmarked items are open)."""
    pairing: Pairing | None
    """Who else is attached and who polls; ``None``: not asked (no pairing reader)."""
    polls: tuple[tuple[int, PollResult], ...]
    """Polls recorded since the last look with their ids, oldest first (the first look:
    the newest)."""
    events: tuple[Event, ...]
    """Events appended since the last look, oldest first (the first look: none)."""
    rollback: RunRecord | None = None
    """The current (or last) rollback run; ``None``: none yet, or not asked."""


EMPTY = StoreSnapshot({}, None, (), ())


class SnapshotReader:
    def __init__(self, store: Store, *, pairing: Callable[[], Pairing] | None = None,
                 polls: Callable[[], Sequence[tuple[int, PollResult]]] | None = None,
                 rollback: Callable[[], RunRecord | None] | None = None) -> None:
        self.store = store
        self.pairing = pairing
        self.polls = polls
        self.rollback = rollback
        self.last_event_id = 0
        self.version: int | None = None
        """The data_version of the last complete look; ``None``: no look yet."""

    @property
    def first(self) -> bool:
        """True until a look has succeeded."""
        return self.version is None

    def look(self) -> StoreSnapshot | None:
        """One look: a snapshot if anything was committed since the last one, else None."""
        store = self.store
        version = store.data_version()
        if version == self.version:
            return None
        if self.version is None:
            last_id, events = store.last_event_id(), []
        else:
            events = store.events_since(self.last_event_id, MAX_EVENTS)
            last_id = events[-1].id if events else self.last_event_id
        snapshot = StoreSnapshot(
            marks=store.marks(),
            pairing=self.pairing() if self.pairing is not None else None,
            rollback=self.rollback() if self.rollback is not None else None,
            polls=tuple(self.polls()) if self.polls is not None else (),
            events=tuple(events),
        )
        self.last_event_id = last_id
        # With a full page of events, leave the version: the next look reads on.
        self.version = version if len(events) < MAX_EVENTS else -1
        return snapshot
