"""A pane for metrics that share a group (the seed's "Gate Events": OBSERVE/RING/LOCK).

Drawn as one widget (``pane_lines.PaneLines``): a title row with the group's worst level
(``WARN?`` while that level is not held yet, ``core.held``; and, when STALE or read back
from the file at start, how old the newest value is), then one row per metric: its name,
its count (never cut) and, for cumulative counters, its per-minute rate over the last
minute.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from autus_tui.core.dashboard import PaneSpec
from autus_tui.core.levels import Level
from autus_tui.core.series import MetricTracker, format_age
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.metric_pane import (
    BAD_VALUE_STYLE,
    NOTE_STYLE,
    RECORDED_VALUE_STYLE,
    STALE_VALUE_STYLE,
    head_line,
    pane_level_word,
)
from autus_tui.ui.widgets.metrics.pane_lines import FOCUS_STYLE, Cell, PaneLines, fit, fit_right

NAME_WIDTH = 10
RATE_WIDTH = 13


class GroupPane(PaneLines, can_focus=True):
    def __init__(self, pane: PaneSpec, trackers: list[MetricTracker], *,
                 id: str | None = None) -> None:
        super().__init__(1 + len(trackers), id=id, classes="pane group-pane")
        self.pane = pane
        self.trackers = trackers
        self.title = Cell(safe.plain(pane.title, 24))
        self.names = [Cell(safe.plain(tracker.spec.label, 12)) for tracker in trackers]
        self.counts = [Cell() for _ in trackers]
        self.rates = [Cell() for _ in trackers]
        self.level, self.age = Cell(), Cell()
        self._shown = False
        self._key: tuple[object, ...] | None = None

    def show_state(self, now: datetime) -> None:
        """As ``MetricPane.show_state``: nothing built when nothing shown changed."""
        levels = [tracker.level(now) for tracker in self.trackers]
        key: tuple[object, ...] = tuple(
            (tracker.last, tracker.problem, tracker.held.held, str(tracker.pending(now)),
             tracker.is_recorded()) for tracker in self.trackers)
        if level_stale_or_recorded(self.trackers, levels):
            ages = [tracker.age(now) for tracker in self.trackers]
            key += (tuple(int(a.total_seconds()) for a in ages if a is not None),)
        key += (tuple(levels),)
        if key == self._key:
            return
        self._key = key
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
        self.level.show(pane_level_word(level, pending))
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
        self._shown = True
        self._draw()

    def rebuild(self) -> None:
        if self._shown:
            self._draw()

    def _draw(self) -> None:
        width = self.width
        wide = self.app.has_class("-wide") if self.is_attached else False
        title = self.title.content
        if self.has_focus:
            title = title.stylize(FOCUS_STYLE)
        lines: list[list[Content]] = [head_line(
            title, self.age.content.stylize_before(NOTE_STYLE), self.level.content, width,
            wide=wide, cut_value=True)]
        for name, count, rate in zip(self.names, self.counts, self.rates, strict=True):
            rate_text = rate.content.stylize_before(NOTE_STYLE)
            rate_width = max(RATE_WIDTH, rate_text.cell_length + 1)
            count_width = max(count.content.cell_length + 1, width - NAME_WIDTH - rate_width)
            name_width = max(0, width - count_width - rate_width)
            lines.append([
                fit(Content(" ").append(name.content).stylize_before(NOTE_STYLE), name_width),
                *fit_right(count.content, count_width - 1), Content(" "),
                *fit_right(rate_text, rate_width - 1), Content(" "),
            ])
        self.set_lines(lines)


def level_stale_or_recorded(trackers: list[MetricTracker], levels: list[Level]) -> bool:
    """Whether the title shows an age (which changes each second)."""
    return Level.STALE in levels or all(tracker.is_recorded() for tracker in trackers)


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
