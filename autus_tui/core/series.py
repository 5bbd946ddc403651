"""A metric's recent history, its staleness and its level over time.

The level is derived, never stored: STALE when no good sample arrived within
``stale_after`` (3 poll intervals), else the judgement of the last good value. A tracker
remembers only which level it last announced, so that a change is reported once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.levels import Level, judge
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Reading

HISTORY = 120
RATE_WINDOW = timedelta(minutes=1)
STALE_INTERVALS = 3
"""A metric is STALE after this many poll intervals without a good value
(docs/architecture.md, "Levels")."""


def stale_window(interval: float, speed: float = 1.0) -> timedelta:
    """How long a value counts as live, in clock time: ``STALE_INTERVALS`` poll intervals
    (real seconds) at the clock's ``speed`` (a rehearsal clock at 60x covers 60 times more)."""
    return timedelta(seconds=STALE_INTERVALS * interval * speed)


@dataclass(frozen=True)
class LevelChange:
    key: str
    label: str
    before: Level | None
    after: Level
    value: float | None
    at: datetime

    @property
    def is_rise(self) -> bool:
        before = self.before.severity if self.before else 0
        return self.after.severity > before

    def describe(self, spec: MetricSpec) -> str:
        before = self.before.value if self.before else "—"
        return f"{self.label} {before} → {self.after.value} ({spec.format(self.value)})"


class MetricTracker:
    def __init__(self, spec: MetricSpec, stale_after: timedelta) -> None:
        self.spec = spec
        self.stale_after = stale_after
        self.history: deque[tuple[datetime, float]] = deque(maxlen=HISTORY)
        self.problem: str | None = None
        """Why the latest reading was rejected; cleared by the next good one."""
        self._announced: Level | None = None

    @property
    def last(self) -> tuple[datetime, float] | None:
        return self.history[-1] if self.history else None

    def level(self, now: datetime) -> Level:
        last = self.last
        if last is None or now - last[0] >= self.stale_after:
            return Level.STALE
        return judge(last[1], self.spec.thresholds)

    def age(self, now: datetime) -> timedelta | None:
        last = self.last
        return None if last is None else now - last[0]

    def record(self, at: datetime, reading: Reading) -> LevelChange | None:
        if reading.value is not None:
            self.history.append((at, reading.value))
        self.problem = reading.problem
        return self.refresh(at)

    def refresh(self, now: datetime) -> LevelChange | None:
        """Announce a level change (including going STALE) once; else ``None``.

        The very first level is announced only when it is WARN or CRIT: a calm start
        is not news.
        """
        level = self.level(now)
        if level is self._announced:
            return None
        before, self._announced = self._announced, level
        if before is None and level in (Level.OK, Level.STALE):
            return None
        value = self.last[1] if self.last else None
        return LevelChange(self.spec.key, self.spec.label, before, level, value, now)

    def rate_per_min(self) -> float | None:
        """Per-minute increase of a cumulative counter over the last minute."""
        if len(self.history) < 2:
            return None
        end_at, end = self.history[-1]
        start_at, start = next(
            (t, v) for t, v in self.history if end_at - t <= RATE_WINDOW
        )
        if start_at == end_at:
            start_at, start = self.history[-2]
        minutes = (end_at - start_at).total_seconds() / 60
        if minutes <= 0 or end < start:
            return None
        return (end - start) / minutes

    def values(self) -> list[float]:
        return [v for _, v in self.history]


def feed(trackers: Mapping[str, MetricTracker], result: PollResult) -> list[LevelChange]:
    """One poll into every tracker (a metric the poll has no reading for just ages);
    returns the level changes it caused, in tracker order."""
    changes = []
    for key, tracker in trackers.items():
        reading = result.readings.get(key)
        change = (tracker.record(result.at, reading) if reading is not None
                  else tracker.refresh(result.at))
        if change is not None:
            changes.append(change)
    return changes


def format_age(age: timedelta | None) -> str:
    if age is None:
        return "no data yet"
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s ago"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m ago"
