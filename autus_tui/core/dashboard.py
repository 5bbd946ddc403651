"""What the control room knows: one tracker per metric, the backend's health and errors.

The dashboard turns poll results and the passing of time into state and into
*announcements* (level changes, backend errors starting and ending, rejected readings)
for the app to show. It holds no widgets, so the app's single update path
(``ControlRoom.apply_poll`` / the 1 s tick) is the only place that touches them.

Rules kept here:
- A metric goes STALE ``3 × interval`` of *clock* time after its last good value.
- Level changes are announced by ``core.held``'s rule, from polls only (``series.feed``,
  as the recorder records them): time passing between polls makes a pane show STALE but
  announces nothing, so a takeover's short gap or a restart is not news.
- Polls read back from the file at start (``prime``) build state, never news; their
  values are shown as recorded, with their age, until a fresh poll brings one.
- A rejected reading is announced once per distinct reason, until a good value arrives.
- A backend error is announced when it starts (or changes) and "recovered" when it ends.
- An outage (``core.outage_watch``: health down or no answer, by ``core.outages``' rule)
  is announced at the CRIT level with the bell once held, and its end with how long.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.config import Config
from autus_tui.core.levels import Level
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.outage_watch import OutageWatch
from autus_tui.core.payload import Health
from autus_tui.core.series import LevelChange, MetricTracker, feed, stale_window

BACKEND = "backend"
"""The ``Announcement.key`` of backend errors and recoveries."""


@dataclass(frozen=True)
class PaneSpec:
    """One pane: a single metric, or a group of metrics sharing one title."""

    key: str
    title: str
    metrics: tuple[MetricSpec, ...]

    @property
    def is_group(self) -> bool:
        return len(self.metrics) > 1 or self.metrics[0].group is not None


@dataclass(frozen=True)
class Announcement:
    at: datetime
    text: str
    level: Level | None = None
    """The level this is about, if any (colours the events line)."""
    toast: bool = False
    bell: bool = False
    key: str | None = None
    """The metric this is about: a newer toast about it replaces the older one."""


def panes_for(metrics: Iterable[MetricSpec]) -> tuple[PaneSpec, ...]:
    """Group metrics into panes in configuration order; a group sits where it first appears."""
    order: list[str] = []
    members: dict[str, list[MetricSpec]] = {}
    titles: dict[str, str] = {}
    for spec in metrics:
        key = f"group:{spec.group}" if spec.group else spec.key
        if key not in members:
            order.append(key)
            members[key] = []
            titles[key] = spec.group or spec.label
        members[key].append(spec)
    return tuple(PaneSpec(key, titles[key], tuple(members[key])) for key in order)


def stale_after(config: Config, speed: float) -> timedelta:
    return stale_window(config.backend.interval, speed)


class Dashboard:
    def __init__(self, metrics: Iterable[MetricSpec], stale_after: timedelta, *,
                 interval: float) -> None:
        specs = tuple(metrics)
        self.panes = panes_for(specs)
        self.trackers = {spec.key: MetricTracker(spec, stale_after, interval=interval)
                         for spec in specs}
        self.health: Health | None = None
        self.health_at: datetime | None = None
        self.error: str | None = None
        self.polls = 0
        self.outages = OutageWatch(interval)
        """The ongoing outage (``outages.outage``) and whether it was announced."""
        self._reported_problems: dict[str, str] = {}

    def prime(self, results: Sequence[PollResult]) -> None:
        """Polls recorded before this screen began: state and history, never news."""
        for result in results:
            self.apply(result)
        if results:
            for tracker in self.trackers.values():
                tracker.recorded_until = results[-1].at

    def apply(self, result: PollResult) -> list[Announcement]:
        """Take one poll's outcome; return what is news."""
        self.polls += 1
        news: list[Announcement] = []
        outage = self.outages.apply(result)
        errors = self._error_news(result)
        if outage is None or outage.started:  # the end of an outage says "recovered"
            news.extend(errors)
        if outage is not None:  # after the error: its toast replaces the error's
            news.append(Announcement(outage.at, outage.text,
                                     Level.CRIT if outage.started else Level.OK, toast=True,
                                     bell=outage.started, key=BACKEND))
        if result.health is not None:
            self.health, self.health_at = result.health, result.at
        changes = feed(self.trackers, result)
        for key in result.readings:
            tracker = self.trackers.get(key)
            if tracker is not None:
                news.extend(self._problem_news(tracker, result.at))
        news.extend(_level_news(change, self.trackers[change.key].spec) for change in changes)
        return news

    def pane_level(self, pane: PaneSpec, now: datetime) -> Level:
        """The worst level among a pane's metrics."""
        levels = [self.trackers[spec.key].level(now) for spec in pane.metrics]
        return max(levels, key=lambda level: level.severity)

    def _error_news(self, result: PollResult) -> list[Announcement]:
        before, self.error = self.error, result.error
        if result.error and result.error != before:
            verb = "backend error" if before is None else "backend error changed"
            return [Announcement(result.at, f"{verb}: {result.error}", Level.STALE, toast=True,
                                 key=BACKEND)]
        if before and not result.error:
            return [Announcement(result.at, "backend recovered", Level.OK, toast=True, key=BACKEND)]
        return []

    def _problem_news(self, tracker: MetricTracker, at: datetime) -> list[Announcement]:
        key, problem = tracker.spec.key, tracker.problem
        if problem is None:
            self._reported_problems.pop(key, None)
            return []
        if self._reported_problems.get(key) == problem:
            return []
        self._reported_problems[key] = problem
        return [Announcement(at, f"{tracker.spec.label}: bad value: {problem}", key=key)]


def _level_news(change: LevelChange, spec: MetricSpec) -> Announcement:
    return Announcement(
        change.at,
        change.describe(spec),
        change.after,
        toast=True,
        bell=change.after is Level.CRIT and change.is_rise,
        key=change.key,
    )
