"""A clock that follows the rehearsal clock stored in a database another process writes.

``autus-tui backend --db FILE`` plays its scenario on it, so the simulated backend and the
control room share one simulated time: at ``--speed 30`` a 35-minute outage lasts 70
real seconds on both. A ``--clock`` restart or a ``--speed`` change made by any process
on the file reaches this clock at its next ``refresh()``, which costs one ``data_version``
PRAGMA (no table read) unless something was committed. Until a clock is stored, the
``fallback`` runs. The clock is only read, never written: the backend is a guest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from autus_tui.core.clock import Clock, ScaledClock, utc_now
from autus_tui.store import Store, read_rehearsal_clock


class FollowedClock:
    def __init__(
        self, store: Store, fallback: Clock, real: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.fallback = fallback
        self._real = real
        self._stored: ScaledClock | None = None
        self._version: int | None = None

    @property
    def stored(self) -> ScaledClock | None:
        """The database's clock as last read; None while it has none."""
        return self._stored

    @property
    def speed(self) -> float:
        return (self._stored or self.fallback).speed

    def now(self) -> datetime:
        return (self._stored or self.fallback).now()

    def refresh(self) -> bool:
        """Re-read the stored clock if the database changed; True if the clock moved.

        Raises ``StoreError`` if the file cannot be read (the last clock stays).
        """
        version = self.store.data_version()
        if version == self._version:
            return False
        stored = read_rehearsal_clock(self.store, self._real)
        self._version = version
        if stored == self._stored:
            return False
        self._stored = stored
        return True
