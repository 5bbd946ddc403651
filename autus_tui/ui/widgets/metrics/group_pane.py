"""A pane for metrics that share a group (the seed's "Gate Events": OBSERVE/RING/LOCK).

A title row with the group's worst level (``WARN?`` while that level is not held yet,
``core.held``; and, when STALE or read back from the file at start, how old the newest
value is), then one row per metric: its count and, for cumulative counters, its
per-minute rate over the last minute.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from autus_tui.core.dashboard import PaneSpec
from autus_tui.core.levels import Level
from autus_tui.core.series import MetricTracker, format_age
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line
from autus_tui.ui.widgets.metrics.metric_pane import (
    BAD_VALUE_STYLE,
    RECORDED_VALUE_STYLE,
    STALE_VALUE_STYLE,
)


class GroupPane(Vertical, can_focus=True):
    def __init__(self, pane: PaneSpec, trackers: list[MetricTracker], *,
                 id: str | None = None) -> None:
        super().__init__(id=id, classes="pane group-pane")
        self.pane = pane
        self.trackers = trackers
        self.counts = [Line(classes="count") for _ in trackers]
        self.rates = [Line(classes="rate") for _ in trackers]
        self.level = Line(classes="level")
        self.age = Line(classes="age")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row head"):
            yield Line(safe.plain(self.pane.title, 24), classes="label")
            yield self.age
            yield self.level
        for tracker, count, rate in zip(self.trackers, self.counts, self.rates, strict=True):
            with Horizontal(classes="row member"):
                yield Line(safe.plain(tracker.spec.label, 12), classes="name")
                yield count
                yield rate

    def show_state(self, now: datetime) -> None:
        levels = [tracker.level(now) for tracker in self.trackers]
        level = max(levels, key=lambda item: item.severity)
        for tracker, tracker_level, count, rate in zip(
            self.trackers, levels, self.counts, self.rates, strict=True
        ):
            count.show(_count(tracker, tracker_level))
            per_min = tracker.rate_per_min() if tracker.spec.counter else None
            if per_min is None or tracker_level is Level.STALE:
                rate.show(safe.plain("—"))
            else:
                rate.show(safe.plain(f"+{per_min:,.0f}/min"))
        worst = [tracker for tracker, seen in zip(self.trackers, levels, strict=True)
                 if seen is level]
        pending = any(tracker.pending(now) is not None for tracker in worst)
        self.level.show(safe.pending_word(level) if pending else safe.level_word(level))
        self.set_class(level is Level.STALE, "-stale")
        recorded = all(tracker.is_recorded() for tracker in self.trackers)
        if level is Level.STALE or recorded:
            ages = [tracker.age(now) for tracker in self.trackers]
            known = [age for age in ages if age is not None]
            age = format_age(min(known) if known else None)
            self.age.show(safe.styled(f"recorded {age}" if recorded and level is not
                                      Level.STALE else age, "italic"))
        else:
            self.age.show(safe.plain(""))


def _count(tracker: MetricTracker, level: Level) -> safe.Content:
    last = tracker.last
    if tracker.problem is not None:
        return safe.styled("bad value", BAD_VALUE_STYLE)
    if last is None:
        return safe.plain("—")
    text = tracker.spec.format(last[1])
    if level is Level.STALE:
        return safe.styled(text, STALE_VALUE_STYLE)
    return safe.styled(text, RECORDED_VALUE_STYLE) if tracker.is_recorded() else safe.plain(text)
