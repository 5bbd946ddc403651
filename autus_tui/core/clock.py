"""The one clock all launch-day time comes from.

Live, it is the wall clock. In rehearsal, it starts at a chosen launch-day moment and
runs ``speed`` times faster than real time, so a 30-minute escalation plays in 30
seconds at speed 60. Times are timezone-aware UTC; the launch timezone is only for show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clock(Protocol):
    @property
    def speed(self) -> float: ...

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class WallClock:
    speed: float = 1.0

    def now(self) -> datetime:
        return utc_now()


@dataclass(frozen=True)
class ScaledClock:
    """Simulated time: ``origin_sim`` at real moment ``origin_real``, moving ``speed``x."""

    origin_real: datetime
    origin_sim: datetime
    speed: float = 1.0
    real: Callable[[], datetime] = field(default=utc_now, compare=False)

    def now(self) -> datetime:
        return self.origin_sim + (self.real() - self.origin_real) * self.speed


@dataclass
class FixedClock:
    """A clock that moves only when told: tests and snapshots."""

    moment: datetime
    speed: float = 1.0

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta
