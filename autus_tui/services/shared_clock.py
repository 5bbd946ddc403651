"""One rehearsal clock for every process on a database file, followed as it changes.

``SharedClock(store, clock)`` is the clock a rehearsal process uses everywhere (the
header, the checklist, the poller's stamps, ``store.clock`` for every write): it answers
with the clock stored in the database (``store.meta``) as last read, or with ``clock``
until one is stored. ``follow()`` re-reads it when anything was committed since the last
look (one ``data_version`` PRAGMA otherwise) and switches when another process restarted
it (``--clock``) or changed its pace (``--speed``); it returns the new clock so the caller
can re-derive what depends on the pace (stale windows) and say so. The control room calls
it on its 1 s tick and at once when a ``clock.*`` event arrives; the recorder on every
round (1 s), so a headless ``record`` follows too; ``autus-tui backend --db`` every
0.25 s, so the simulated backend plays its scenario on the control room's time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from autus_tui.core.clock import Clock, ScaledClock, utc_now
from autus_tui.store import Store, StoreError, read_rehearsal_clock


class SharedClock:
    def __init__(self, store: Store, clock: Clock,
                 real: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.current = clock
        self._real = real or (clock.real if isinstance(clock, ScaledClock) else utc_now)
        self._version: int | None = None

    @property
    def speed(self) -> float:
        return self.current.speed

    def now(self) -> datetime:
        return self.current.now()

    def follow(self) -> ScaledClock | None:
        """Switch to the stored clock if it changed; the new clock, else ``None``."""
        try:
            version = self.store.data_version()
            if version == self._version:
                return None
            stored = read_rehearsal_clock(self.store, self._real)
        except StoreError:
            return None  # said by whoever watches the database
        self._version = version
        if stored is None or stored == self.current:
            return None
        self.current = stored
        return stored


def follow(clock: object) -> ScaledClock | None:
    """``clock.follow()`` for a shared clock; ``None`` for any other (live, tests)."""
    return clock.follow() if isinstance(clock, SharedClock) else None
