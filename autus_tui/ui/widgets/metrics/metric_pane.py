"""A pane for one metric: label, value with unit, level word, sparkline, thresholds.

Two lines in the compact (80x24) layout; bordered with a third line in the wide one
(CSS decides). When the metric is STALE its last value is dimmed and the note says how
old it is ("STALE · last 12s ago"); a rejected reading shows "bad value" (the reason
goes to the events pane, from the dashboard).

The level shown is the latest poll's, at once. While a change is not held yet
(``core.held``) the word carries a question mark, not reversed (`` WARN? ``), and the
note says how far it is and what is held ("WARN 1/3 · held OK"). A value read back from
the file at start, before any fresh poll, is dimmed with its age ("recorded · 4s ago"):
never shown as live.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from autus_tui.core.levels import Level
from autus_tui.core.series import MetricTracker, format_age
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line
from autus_tui.ui.widgets.metrics.sparkline import spark


def stale_age(tracker: MetricTracker, now: datetime) -> str:
    age = tracker.age(now)
    return "no data yet" if age is None else f"last {format_age(age)}"


BAD_VALUE_STYLE = "bold $warning"
STALE_VALUE_STYLE = "dim strike"
RECORDED_VALUE_STYLE = "dim"


class MetricPane(Vertical, can_focus=True):
    def __init__(self, tracker: MetricTracker, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane metric-pane")
        self.tracker = tracker
        spec = tracker.spec
        self.label = Line(safe.plain(spec.label, 24), classes="label")
        self.value = Line(classes="value")
        self.level = Line(classes="level")
        self.spark = Line(classes="spark")
        self.note = Line(classes="note")
        self.rule = (safe.plain(spec.thresholds.describe(spec.unit)) if spec.thresholds
                     else safe.styled("no thresholds", "dim"))

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row head"):
            yield self.label
            yield self.value
            yield self.level
        with Horizontal(classes="row tail"):
            yield self.spark
            yield self.note

    def show_state(self, now: datetime) -> None:
        """Render the tracker as of ``now``; only changed lines repaint."""
        tracker, spec = self.tracker, self.tracker.spec
        level = tracker.level(now)
        last = tracker.last
        if tracker.problem is not None:
            value = safe.styled("bad value", BAD_VALUE_STYLE)
        elif last is None:
            value = safe.plain("—")
        elif level is Level.STALE:
            value = safe.styled(spec.format(last[1]), STALE_VALUE_STYLE)
        elif tracker.is_recorded():
            value = safe.styled(spec.format(last[1]), RECORDED_VALUE_STYLE)
        else:
            value = safe.plain(spec.format(last[1]))
        self.value.show(value)
        pending = tracker.pending(now)
        self.level.show(safe.pending_word(level) if pending else safe.level_word(level))
        self.set_class(level is Level.STALE, "-stale")
        self.spark.show(safe.plain(spark(tracker.values(), self.spark.size.width)))
        if level is Level.STALE:
            note = safe.styled(f"STALE · {stale_age(tracker, now)}", "italic")
        elif tracker.is_recorded():
            note = safe.styled(f"recorded · {format_age(tracker.age(now))}", "italic")
        elif pending is not None:
            held = tracker.held.held
            note = safe.plain(f"{pending} · held {held.value if held else '—'}")
        else:
            note = self.rule
        self.note.show(note)
