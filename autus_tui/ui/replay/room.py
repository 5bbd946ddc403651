"""``ReplayRoom``: the control room over a recorded day, read-only, at a time cursor.

The same screen as ``ControlRoom`` (its widgets, layout and screens), run with
``poll=False`` on a ``store.as_of.ReplayStore`` (a private in-memory copy of the file
whose every read is as of the cursor) and a ``FixedClock`` that is the cursor. Nothing
watches the database and nothing ticks by itself: ``show_at(at)`` moves the cursor and
redraws everything from ``services.replay_frame.read_frame``: the panes from the polls up
to then (the dashboard is rebuilt, so levels, held levels and sparklines end there), the
checklist's marks then, the events pane up to then (``ui.replay.lines``), the timer strip
from the incidents and the rollback condition then (read here, synchronously, so a late
read never shows an earlier cursor), the rollback button, and an open timeline or
handover. The header says REPLAY (and REHEARSAL for a rehearsal's file) and the cursor's
time; the replay bar under the workspace says where the cursor is, the play state and
the keys.

Keys: ``←``/``→`` one minute, ``shift+←``/``→`` ten, ``g`` go to a time
(``ui.replay.goto``), ``space`` play/pause (the cursor runs at the chosen speed: ``+``/``-``
through 1x, 10x, 60x, 600x; it stops at the end of the record), and the control room's
reading keys (``t``, ``h``, ``I``, ``?``, ``[``/``]``, ``j``/``k``). Every key that
would write (``space`` on an item, ``s``, ``v``, ``p``, ``n``, ``i``, ``a``, ``e``, ``r``,
``R``, ``o`` in the handover and the incident panel) says "replay is read-only", and the
controller refuses every intent that still arrives: nothing reaches the store, whose
``write`` refuses too.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import ClassVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.replay_cursor import DEFAULT_SPEED, clamp, cursor_text, faster, slower
from autus_tui.core.runbook import Runbook
from autus_tui.core.series import MetricTracker
from autus_tui.services.incident_board import read_board, read_signals
from autus_tui.services.replay_frame import FOLDED_STALE, Frame, read_frame
from autus_tui.store.as_of import ReplayStore
from autus_tui.store.mode import REHEARSAL, read_mode
from autus_tui.ui import safe
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.controller import Controller
from autus_tui.ui.intents import Intent, IntentDone, WatchRollback
from autus_tui.ui.replay.goto import GoToDialog
from autus_tui.ui.replay.lines import replay_lines
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.line import Line

READ_ONLY = "replay is read-only: nothing is written"
PLAY_SECONDS = 0.5
"""Real seconds between the cursor's steps while playing."""
MAIN_ONLY = {"step", "go_to", "play", "faster", "slower", "read_only"}
"""Priority bindings that act on the replay's main screen only (elsewhere the key is the
screen's: space in a dialog, arrows in a table, digits in the go-to field)."""


class ReadOnlyController(Controller):
    """Refuses every intent: said once as a toast, answered with the reason."""

    def act(self, intent: Intent) -> None:
        if not isinstance(intent, WatchRollback):  # the button's own liveness look: quiet
            safe.toast(self.app, READ_ONLY, severity="warning")
        intent.asker.post_message(IntentDone(intent, error=READ_ONLY))


class ReplayRoom(ControlRoom):
    TITLE = "AUTUS control room — replay"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "-1 min", key_display="←", priority=True,
                id="replay.back"),
        Binding("right", "step(1)", "+1 min", key_display="→", priority=True,
                id="replay.forward"),
        Binding("shift+left", "step(-10)", "-10 min", key_display="⇧←", show=False,
                priority=True, id="replay.back10"),
        Binding("shift+right", "step(10)", "+10 min", key_display="⇧→", show=False,
                priority=True, id="replay.forward10"),
        Binding("g", "go_to", "Go to", priority=True, id="replay.goto"),
        Binding("space", "play", "Play/pause", priority=True, id="replay.play"),
        Binding("plus,equals_sign", "faster", "Faster", key_display="+", show=False,
                priority=True, id="replay.faster"),
        Binding("minus", "slower", "Slower", key_display="-", show=False, priority=True,
                id="replay.slower"),
        Binding("s,v,p", "read_only", "read-only", show=False, priority=True,
                id="replay.read_only"),
        Binding("o", "take_over", "read-only", show=False, priority=True,
                id="replay.take_over"),
        Binding("n", "note", "Note", show=False, id="app.note"),
    ]

    def __init__(self, config: Config, store: ReplayStore, clock: FixedClock, *,
                 span: tuple[datetime, datetime], runbook: Runbook | None = None,
                 play_seconds: float = PLAY_SECONDS) -> None:
        rehearsal = read_mode(store) == REHEARSAL
        super().__init__(replace(config, rehearsal=rehearsal), clock, rehearsal=rehearsal,
                         poll=False, host_reader=None, store=store, runbook=runbook,
                         tick_seconds=None)
        self.replay_store, self.cursor_clock, self.span = store, clock, span
        # Nothing changes under a replay: each move redraws it all (no watcher, no feed).
        self.watcher = self.link.watcher = None
        self.link.poll_feed = None
        self.view.no_host_reader = "not recorded (replay)"
        # The strip reads only when show_at says (as of that cursor), never on its own.
        self.incident_strip._signals_due = False
        self.controller = ReadOnlyController(self, store, config.operator, lambda: None)
        self.speed = DEFAULT_SPEED
        self.play_seconds = play_seconds
        self.playing: Timer | None = None
        self._played_at = 0.0
        self.frame: Frame | None = None
        self.bar = Line(id="replay-bar")
        self.shown = 0
        """Frames drawn (tests wait on it)."""

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, ControlFooter):
                yield self.bar
            yield widget

    def on_mount(self) -> None:
        header = self.query_one(ControlHeader)
        parts: list[safe.Part] = [safe.styled(" REPLAY ", "bold reverse $accent")]
        if self.rehearsal:
            parts += [safe.styled(" REHEARSAL ", "bold reverse $warning")]
        header.mode.show(safe.join(*parts))
        header.rebuild()
        # After ControlRoom's own on_mount (Textual runs it after this one): the layout
        # is ready and the checklist has focus.
        self.call_later(lambda: self.show_at(self.cursor_clock.now(), first=True))

    # -- the cursor --------------------------------------------------------------------

    @property
    def cursor(self) -> datetime:
        return self.cursor_clock.now()

    def show_at(self, at: datetime, *, first: bool = False) -> None:
        """Move the cursor (kept within the record) and redraw everything as of it."""
        at = clamp(at, self.span)
        self.cursor_clock.moment = at
        store = self.replay_store
        frame = self.frame = read_frame(store, at)
        self._rebuild_dashboard(frame)
        self._marks_shown = dict(frame.marks)
        self.checklist.show_marks(frame.marks, first=first)
        self.rollback.show_state(frame.rollback, first=False)
        specs = {spec.key: spec for spec in self.config.metrics}
        self.query_one(EventsPane).replace(replay_lines(frame.events, self.runbook, specs))
        strip = self.incident_strip
        strip.board = read_board(store)
        strip.signals = read_signals(store, strip.matrix, self.config, self.cursor_clock)
        self.tick()
        self._show_bar()
        screen = self.screen
        if isinstance(screen, (TimelineScreen, HandoverScreen)):
            screen.reload()
        self.shown += 1

    def _rebuild_dashboard(self, frame: Frame) -> None:
        """The dashboard as the polls up to the cursor left it (levels held as then)."""
        stale = self.stale_after + FOLDED_STALE if frame.folded else self.stale_after
        interval = self.config.backend.interval
        dashboard = self.dashboard
        for tracker in dashboard.trackers.values():  # the panes keep their trackers
            MetricTracker.__init__(tracker, tracker.spec, stale, interval=interval)
        dashboard.health = dashboard.health_at = dashboard.error = None
        dashboard.polls = 0
        for poll in frame.polls:
            dashboard.apply(poll)  # the news it makes is the record's: the events pane

    def _show_bar(self) -> None:
        day, zone = self.day.date, self.zone
        start, end = (cursor_text(moment, day, zone) for moment in self.span)
        where = cursor_text(self.cursor, day, zone, seconds=True)
        edge = (" (start)" if self.cursor <= self.span[0] else
                " (end)" if self.cursor >= self.span[1] else "")
        state = (safe.styled(f"▶ {self.speed:g}x", "bold $success") if self.playing
                 else safe.plain(f"paused {self.speed:g}x"))
        self.bar.show(safe.join(safe.styled(" REPLAY ", "bold reverse $accent"), " ",
                                (where + edge, "bold"), f" of {start}–{end} · ", state,
                                (" · ←→ 1m ⇧10m g space +-", "dim")))

    def action_step(self, minutes: int) -> None:
        self.show_at(self.cursor + timedelta(minutes=minutes))

    def action_go_to(self) -> None:
        day, zone = self.day.date, self.zone
        span = "–".join(cursor_text(moment, day, zone) for moment in self.span)

        def went(moment: datetime | None) -> None:
            if moment is not None:
                self.show_at(moment)

        self.push_screen(GoToDialog(day, zone, cursor_text(self.cursor, day, zone), span),
                         went)

    def action_play(self) -> None:
        if self.playing is not None:
            self._pause()
            return
        if self.cursor >= self.span[1]:
            safe.toast(self, "at the end of the record: ← or g to go back")
            return
        self._played_at = time.monotonic()
        self.playing = self.set_interval(self.play_seconds, self.play_step, name="replay")
        self._show_bar()

    def play_step(self) -> None:
        """While playing: the cursor moves on by the real time passed times the speed."""
        now = time.monotonic()
        passed, self._played_at = now - self._played_at, now
        self.show_at(self.cursor + timedelta(seconds=passed * self.speed))
        if self.cursor >= self.span[1]:
            self._pause()
            safe.toast(self, "end of the record")

    def _pause(self) -> None:
        if self.playing is not None:
            self.playing.stop()
            self.playing = None
        self._show_bar()

    def action_faster(self) -> None:
        self.speed = faster(self.speed)
        self._show_bar()

    def action_slower(self) -> None:
        self.speed = slower(self.speed)
        self._show_bar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_ONLY:
            return len(self.screen_stack) == 1
        if action == "take_over":  # o: the handover's; the timeline's o filters, as ever
            return isinstance(self.screen, HandoverScreen)
        return True

    # -- what would write --------------------------------------------------------------

    def action_read_only(self) -> None:
        safe.toast(self, READ_ONLY, severity="warning")

    action_take_over = action_note = action_rollback = action_read_only
    action_declare_incident = action_acknowledge_incident = action_read_only
    action_escalate_incident = action_resolve_incident = action_reopen_incident = \
        action_read_only

    def action_report(self) -> None:
        from autus_tui.ui.exports import export_report

        target = export_report(self, self.replay_store, self.config, self.runbook,
                               self.cursor)
        safe.toast(self, f"writing the report as of the cursor to {target}…")

    def action_help(self) -> None:
        keys = [("←/→", "one minute"), ("⇧←/⇧→", "ten minutes"), ("g", "go to a time"),
                ("space", "play/pause"), ("+/-", "play speed"), ("t", "timeline"),
                ("h", "handover"), ("I", "incidents"), ("[/]", "previous/next slot"),
                ("j/k", "items"), ("q", "quit"), ("s v p n i", "read-only"),
                ("a e r R o", "read-only")]
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(keys))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("Go to a time", "Move the cursor to a time of the day (g)",
                            self.action_go_to)
        yield SystemCommand("Timeline", "Every event recorded up to the cursor (t)",
                            self.action_timeline)
        yield SystemCommand("Launch-day report as of the cursor",
                            "Write the report (Markdown) next to the database",
                            self.action_report)
        yield from App.get_system_commands(self, screen)
