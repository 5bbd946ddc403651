"""A metric's recent history, its staleness and its level over time.

The level is derived, never stored: STALE when no good sample arrived within
``stale_after`` (3 poll intervals), else the judgement of the last good value. Which
level changes are announced is ``core.held``'s rule: each poll's level is observed once
(``record`` for a poll with a reading, ``observe`` for one without), and a change is
reported once it held. ``feed`` is the one way polls reach trackers, for the recorder and
the screen alike.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.held import HeldLevel, Pending, hold_rule
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
    def __init__(self, spec: MetricSpec, stale_after: timedelta, *, interval: float) -> None:
        """``interval``: real seconds between polls (how many polls CRIT must hold)."""
        self.spec = spec
        self.stale_after = stale_after
        self.history: deque[tuple[datetime, float]] = deque(maxlen=HISTORY)
        self.problem: str | None = None
        """Why the latest reading was rejected; cleared by the next good one."""
        self.held = HeldLevel(hold_rule(spec.hold, interval))
        self.recorded_until: datetime | None = None
        """Values up to this moment were read back from the file, not seen live here: a
        pane shows them with their age until a fresh poll's value arrives."""

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

    def is_recorded(self) -> bool:
        """The last value was read back at start, not polled since this process began."""
        last, until = self.last, self.recorded_until
        return last is not None and until is not None and last[0] <= until

    def pending(self, now: datetime) -> Pending | None:
        """The level a pane shows at ``now``, when it is not held yet (``WARN 1/3``)."""
        return self.held.pending(self.level(now))

    def record(self, at: datetime, reading: Reading) -> LevelChange | None:
        """One poll with a reading for this metric (a rejected one keeps the last value)."""
        if reading.value is not None:
            self.history.append((at, reading.value))
        self.problem = reading.problem
        return self.observe(at)

    def observe(self, at: datetime) -> LevelChange | None:
        """One poll at ``at``: its level counts toward the held level (``core.held``);
        the change when that is news, else ``None``."""
        change = self.held.observe(self.level(at))
        if change is None:
            return None
        value = self.last[1] if self.last else None
        return LevelChange(self.spec.key, self.spec.label, change[0], change[1], value, at)

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
                  else tracker.observe(result.at))
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
