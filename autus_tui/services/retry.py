"""Back-off for a fault that may go away (a full disk freed, a filesystem remounted).

``Backoff(first, most)``: after each failure the next attempt waits twice as long as the
last, from ``first`` up to ``most`` seconds; a success resets it. ``state`` is what the
header and ``autus-tui record`` say: ``"ok"`` or ``"retrying"``; ``fault`` the last error.
"""

from __future__ import annotations

from dataclasses import dataclass

RETRY_FIRST = 1.0
RETRY_MOST = 30.0


@dataclass
class Backoff:
    first: float = RETRY_FIRST
    most: float = RETRY_MOST
    fault: str | None = None
    next_at: float = 0.0
    _wait: float = 0.0

    @property
    def state(self) -> str:
        return "ok" if self.fault is None else "retrying"

    def due(self, now: float) -> bool:
        return self.fault is None or now >= self.next_at

    def failed(self, now: float, fault: str) -> bool:
        """Note a failure; True when it is news (the first of a run, or another error)."""
        news = fault != self.fault
        self._wait = min(self.most, self._wait * 2 if self._wait else self.first)
        self.next_at, self.fault = now + self._wait, fault
        return news

    @property
    def wait(self) -> float:
        return self._wait

    def succeeded(self) -> bool:
        """Note a success; True when it ends a run of failures."""
        recovered = self.fault is not None
        self.fault, self._wait, self.next_at = None, 0.0, 0.0
        return recovered
