"""A pane for one metric: label, value with unit, level word, sparkline, thresholds.

Drawn as one widget (``pane_lines.PaneLines``). Two lines in the compact (80x24)
layout: ``label … value LEVEL`` and ``sparkline note``; in the wide one (CSS gives it a
border) three: the head, a sparkline as wide as the pane, the note. The value is never
cut: the label gives way first; the sparkline shows as many polls as the pane is wide.
When the metric is STALE its last value is dimmed and struck through and the note says
how old it is ("STALE · last 12s ago"); a rejected reading shows "bad value" (the reason
goes to the events pane, from the dashboard).

The level shown is the latest poll's, at once. While a change is not held yet
(``core.held``) the word carries a question mark, not reversed (`` WARN? ``), and the
note says how far it is and what is held ("WARN 1/3 · held OK"). A value read back from
the file at start, before any fresh poll, is dimmed with its age ("recorded · 4s ago"):
never shown as live.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from autus_tui.core.levels import Level
from autus_tui.core.series import MetricTracker, format_age
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.pane_lines import FOCUS_STYLE, Cell, PaneLines, fit, fit_right
from autus_tui.ui.widgets.metrics.sparkline import spark


def stale_age(tracker: MetricTracker, now: datetime) -> str:
    age = tracker.age(now)
    return "no data yet" if age is None else f"last {format_age(age)}"


BAD_VALUE_STYLE = "bold $warning"
STALE_VALUE_STYLE = "dim strike"
RECORDED_VALUE_STYLE = "dim"
# Muted text is "dim", not the theme's $text-muted: that one is "auto 60%", a colour
# only CSS can work out against a background, not text drawn by the widget itself.
SPARK_STYLE, SPARK_STALE_STYLE = "$accent", "dim"
NOTE_STYLE = "dim"
COMPACT_SPARK = 12
"""Sparkline cells beside the note in the compact layout."""


def head_line(label: Content, value: Content, level: Content, width: int, *,
              wide: bool, cut_value: bool = False) -> list[Content]:
    """``label … value LEVEL`` in ``width`` cells; the value whole, the label cut first
    (``cut_value``: the label whole, for a note in the value's place).

    The level word takes 8 cells (compact; 7 wide) and the value ends one cell before it
    in the compact layout, as the panes always did."""
    level_width, gap = (7, 0) if wide else (8, 1)
    room = width - level_width - gap
    if cut_value and value.cell_length > room - label.cell_length - 1:
        value = fit(value, max(0, room - label.cell_length - 1))
    label_width = max(0, min(label.cell_length, room - value.cell_length - 1))
    value_width = max(value.cell_length, room - label_width)
    return [fit(label, label_width), *fit_right(value, value_width), Content(" " * gap),
            fit(level, level_width)]


def pane_level_word(level: Level, pending: bool) -> Content:
    return safe.pending_word(level) if pending else safe.level_word(level)


class MetricPane(PaneLines, can_focus=True):
    def __init__(self, tracker: MetricTracker, *, id: str | None = None) -> None:
        super().__init__(2, id=id, classes="pane metric-pane")
        self.tracker = tracker
        spec = tracker.spec
        self.label = Cell(safe.plain(spec.label, 24))
        self.value, self.level, self.spark, self.note = Cell(), Cell(), Cell(), Cell()
        self.rule = (safe.plain(spec.thresholds.describe(spec.unit)) if spec.thresholds
                     else safe.styled("no thresholds", "dim"))
        self._now: datetime | None = None
        self._stale = False
        self._shown: tuple[object, ...] | None = None

    def show_state(self, now: datetime) -> None:
        """Render the tracker as of ``now``; only changed cells repaint, and nothing is
        built when nothing shown can have changed (the 1 s tick between polls)."""
        self._now = now
        tracker, spec = self.tracker, self.tracker.spec
        level = tracker.level(now)
        last = tracker.last
        pending = tracker.pending(now)
        recorded = tracker.is_recorded()
        aging = level is Level.STALE or recorded
        age = tracker.age(now) if aging else None
        key = (last, len(tracker.history), tracker.problem, level, str(pending),
               tracker.held.held, recorded, int(age.total_seconds()) if age else None)
        if key == self._shown:
            return
        self._shown = key
        if tracker.problem is not None:
            value = safe.styled("bad value", BAD_VALUE_STYLE)
        elif last is None:
            value = safe.plain("—")
        elif level is Level.STALE:
            value = safe.styled(spec.format(last[1]), STALE_VALUE_STYLE)
        elif recorded:
            value = safe.styled(spec.format(last[1]), RECORDED_VALUE_STYLE)
        else:
            value = safe.plain(spec.format(last[1]))
        self.value.show(value)
        self.level.show(pane_level_word(level, pending is not None))
        self._stale = level is Level.STALE
        self.set_class(self._stale, "-stale")
        if level is Level.STALE:
            note = safe.styled(f"STALE · {stale_age(tracker, now)}", "italic")
        elif recorded:
            note = safe.styled(f"recorded · {format_age(age)}", "italic")
        elif pending is not None:
            held = tracker.held.held
            note = safe.plain(f"{pending} · held {held.value if held else '—'}")
        else:
            note = self.rule
        self.note.show(note)
        self._draw()

    def rebuild(self) -> None:
        if self._now is not None:
            self._draw()

    def _draw(self) -> None:
        width = self.width
        wide = self.app.has_class("-wide") if self.is_attached else False
        label = self.label.content
        if self.has_focus:
            label = label.stylize(FOCUS_STYLE)
        head = head_line(label, self.value.content, self.level.content, width, wide=wide)
        spark_width = width if wide else min(COMPACT_SPARK, width)
        blocks = spark(self.tracker.values(), spark_width)
        self.spark.show(safe.plain(blocks))
        sparkline = fit(Content.styled(blocks, SPARK_STALE_STYLE if self._stale
                                       else SPARK_STYLE), spark_width)
        note = self.note.content.stylize_before(NOTE_STYLE)
        if wide:
            self.set_lines([head, [sparkline], [fit(note, width)]])
        else:
            self.set_lines([head, [sparkline, Content(" "),
                                   fit(note, width - spark_width - 1)]])
