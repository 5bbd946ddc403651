"""``ControlRoom``: the Textual app of the launch-day control room.

State changes in exactly three places, all on the app's message loop:
- ``apply_poll(result)``: a poll's outcome. Polls reach it only from the database:
  the store watcher's ``PollFeed`` reader hands over what was recorded since the last
  look (the first look: the newest polls, filling the sparklines quietly). Tests may call
  it directly, so tests and live share one path.
- ``tick()``: every ``tick_seconds`` (1 s; ``None``: never — a test calls it), time
  passes (staleness ages, the clock, the host pane).
- ``on_store_changed``: the store watcher saw a commit (anyone's; it reads in a worker
  thread and hands over a typed ``services.snapshot.StoreSnapshot``): the checklist
  re-renders from the marks it read, the header from who is attached and who polls,
  polls go to ``apply_poll``, new events to the events pane, an open timeline or
  handover view reloads.

Polling. With a store (and ``poll=True``) the app runs a ``Recorder`` (``ui.pairing``)
as a task: it holds the database's poller lease when it can — one poller per database,
whichever process — writes each poll, and beats this process's presence. The backend
is never polled for the screen directly, so two processes on one file show the same
numbers and the backend is polled once. Without a store nothing is polled.

Widgets are told to show state; each repaints only what changed (bytes over SSH).
Widgets never write: they post intents (``ui.intents``) and the app's one
``Controller`` writes them off the UI thread; files are written in threads
(``ui.exports``). Keys: ``h`` handover view, ``n`` note, ``t`` timeline; the command
palette has those and the launch-day report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer

from autus_tui.core.checklist_view import ChecklistModel
from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.dashboard import Announcement, Dashboard, stale_after
from autus_tui.core.handover_summary import HandoverSummary
from autus_tui.core.levels import Level
from autus_tui.core.marks import Mark
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.runbook import Runbook
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.event_text import event_line
from autus_tui.services.package_files import data_folder
from autus_tui.services.pairing import PollFeed, RecorderTask, read_pairing
from autus_tui.services.recorder import Recorder
from autus_tui.store import Store
from autus_tui.ui import safe
from autus_tui.ui.controller import Controller
from autus_tui.ui.dialogs.note import NoteDialog
from autus_tui.ui.exports import ExportDone, export_report
from autus_tui.ui.intents import Intent, IntentDone, WriteNote
from autus_tui.ui.messages import PollerStopped
from autus_tui.ui.navigation import show_installed
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.store_watch import StoreChanged, StoreWatcher
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel, History, ItemList
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.metrics.group_pane import GroupPane
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.host_pane import HostPane
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

STYLES = data_folder("styles") / "control_room.tcss"
WIDE_MIN_SIZE = (120, 36)
"""From this many columns and rows on, the wide layout (bordered panes in a grid)."""
TICK_SECONDS = 1.0
HostReader = Callable[[], HostSample]
SEVERITY: dict[Level | None, safe.Severity] = {
    Level.CRIT: "error", Level.WARN: "warning", Level.STALE: "warning",
}
HOST_WITH_POLLS = 0.5
"""Seconds since the last host read after which a recorded poll brings a new one."""
HOST_FALLBACK = 1.5
"""Seconds without a host read after which the tick reads the host itself."""
HELP_SCREEN, TIMELINE, HANDOVER = "help", "timeline", "handover"
EXPORT_WORDS = {"report": "launch-day report", "handover": "handover"}
HEADER_WIDE_COLUMNS = 120
FOOTER_ROOMY_COLUMNS = 100
"""Below this many columns the footer is compact and leaves out the palette hint."""


def default_host_reader() -> HostSample:
    from autus_tui.sources.host import read_host

    return read_host()


class ControlRoom(App[int]):
    CSS_PATH = STYLES
    TITLE = "AUTUS control room"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("t", "timeline", "Timeline", id="app.timeline"),
        Binding("h", "handover", "Handover", id="app.handover"),
        Binding("n", "note", "Note", id="app.note"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="app.focus_next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
                id="app.focus_previous"),
    ]

    def __init__(
        self,
        config: Config,
        clock: Clock,
        *,
        rehearsal: bool | None = None,
        poll: bool = True,
        host_reader: HostReader | None = default_host_reader,
        store: Store | None = None,
        runbook: Runbook | None = None,
        tick_seconds: float | None = TICK_SECONDS,
    ) -> None:
        super().__init__()
        self.config = config
        self.clock = clock
        self.rehearsal = config.rehearsal if rehearsal is None else rehearsal
        self.poll = poll
        self.host_reader = host_reader
        self.stale_after = stale_after(config, clock.speed)
        self.dashboard = Dashboard(config.metrics, self.stale_after)
        self.zone = config.launch.zone
        self.store = store
        self.tick_seconds = tick_seconds
        self._tick_timer: Timer | None = None
        if runbook is None:
            from autus_tui.services.runbook_files import load_runbooks

            runbook = load_runbooks(config)
        self.runbook = runbook
        launch = config.launch
        self.day = LaunchDay.resolve(launch.date, launch.time, self.zone, clock.now())
        self.checklist = ChecklistPanel(
            ChecklistModel(runbook, self.day), clock, self.zone,
            self.metric_history, self.stale_after, id="checklist",
        )
        self.controller = Controller(self, store, config.operator, self._look_now)
        self.recorder = (Recorder(store, config, clock, config.operator, role="ui")
                         if store is not None and poll else None)
        self._recorder_task: RecorderTask | None = None
        self.watcher: StoreWatcher | None = None
        if store is not None:
            recorder = self.recorder
            self.watcher = StoreWatcher(store, self.post_message,
                                        pairing=lambda: read_pairing(store, recorder),
                                        polls=PollFeed(store))
        self._marks_shown: dict[str, Mark] | None = None
        self._host_read_at = -math.inf
        self.panes: list[MetricPane | GroupPane] = []
        self._layout_ready = False
        for pane in self.dashboard.panes:
            trackers = [self.dashboard.trackers[spec.key] for spec in pane.metrics]
            pane_id = "pane-" + pane.key.replace("group:", "group-").replace(" ", "-").lower()
            if pane.is_group:
                self.panes.append(GroupPane(pane, trackers, id=_css_id(pane_id)))
            else:
                self.panes.append(MetricPane(trackers[0], id=_css_id(pane_id)))

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ControlHeader(self.zone, self.rehearsal, self.config.operator, day=self.day,
                            slots=self.runbook.slots, id="header")
        with Horizontal(id="main"):
            with Vertical(id="metrics"):
                with Container(id="metric-grid"):
                    yield from self.panes
                yield HealthLine(id="health")
                yield HostPane(id="host")
            with Vertical(id="workspace"):
                yield self.checklist
        yield EventsPane(self.zone, id="events")
        yield ControlFooter(id="footer")

    def on_mount(self) -> None:
        self._layout_ready = True
        self._apply_size(self.size.width, self.size.height)
        self.tick()
        if self.watcher is not None:
            self.watcher.start(self)
        self.checklist.focus_items()
        if self.tick_seconds is not None:
            self._tick_timer = self.set_interval(self.tick_seconds, self.tick, name="tick")
        if self.recorder is not None:
            self._recorder_task = RecorderTask(
                self.recorder, lambda reason: self.post_message(PollerStopped(reason)))
            self._recorder_task.start()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        wide = width >= WIDE_MIN_SIZE[0] and height >= WIDE_MIN_SIZE[1]
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-compact")
        self.query_one(ControlHeader).set_wide(width >= HEADER_WIDE_COLUMNS)
        # At 80 columns every key fits only in the compact footer without the palette hint
        # (ctrl+p is listed in the help).
        footer = self.query_one("#footer", ControlFooter)
        footer.compact = footer_compact = width < FOOTER_ROOMY_COLUMNS
        footer.show_command_palette = not footer_compact
        if self._layout_ready:
            # Spark widths follow the pane widths, which are known after the layout.
            self.call_after_refresh(self._show_panes)

    # -- the two state paths ------------------------------------------------------------

    def apply_poll(self, result: PollResult) -> None:
        """Take one poll's outcome: update state, announce what is news, repaint."""
        self.apply_polls([result])

    def apply_polls(self, results: Sequence[PollResult], *, announce: bool = True) -> None:
        """Polls in order, one repaint; ``announce=False``: history, not news (start-up)."""
        for result in results:
            news = self.dashboard.apply(result)
            if announce:
                self._announce(news)
        if results:
            self._show_panes()
            # The host line joins the polled values' frame: Textual re-renders every widget
            # inside the box around a frame's changes, so the host row (near the bottom)
            # in the clock's frame (the top row) would make that frame re-render it all.
            if time.monotonic() - self._host_read_at >= HOST_WITH_POLLS:
                self._show_host()

    def tick(self) -> None:
        """Once a second: the clock, staleness ages; the host pane if no poll brought it."""
        if not self.is_running:
            return  # quitting: the screens close before the app's timers stop
        now = self.clock.now()
        self.query_one(ControlHeader).show_time(now)
        self.checklist.show_time(now)
        self._announce(self.dashboard.tick(now))
        self._show_panes()
        if time.monotonic() - self._host_read_at >= HOST_FALLBACK:
            self._show_host()

    def on_poller_stopped(self, message: PollerStopped) -> None:
        if not self.is_running:
            return
        self._announce([Announcement(self.clock.now(), message.reason, Level.STALE,
                                     toast=True)])

    def on_store_changed(self, message: StoreChanged) -> None:
        if not self.is_running:
            return  # shutting down: the screens are gone, a late read has nowhere to go
        if message.error:
            self._announce([Announcement(self.clock.now(), f"database: {message.error}",
                                         Level.STALE, toast=True)])
            return
        snapshot = message.snapshot
        marks = dict(snapshot.marks)
        if message.first or marks != self._marks_shown:
            self._marks_shown = marks
            self.checklist.show_marks(marks, first=message.first)
        pairing = snapshot.pairing
        if pairing is not None:
            self.query_one(ControlHeader).show_pairing(
                pairing.others, pairing.poller, pairing.polling_here,
                known=pairing.poller is not None or self.recorder is not None)
        self.apply_polls(snapshot.polls, announce=not message.first)
        news = [Announcement(event.at, line) for event in message.events
                if (line := event_line(event, self.runbook)) is not None]
        self._announce(news)
        screen = self.screen
        if isinstance(screen, HandoverScreen) or (message.events
                                                  and isinstance(screen, TimelineScreen)):
            screen.reload()

    @on(Intent)
    def act(self, intent: Intent) -> None:
        intent.stop()
        self.controller.act(intent)

    def _look_now(self) -> None:
        # One's own write: look at the database now rather than at the next watch tick.
        if self.watcher is not None and self.is_running:
            self.watcher.check_now()

    def on_intent_done(self, message: IntentDone) -> None:
        if not self.is_running:
            return
        if isinstance(message.intent, WriteNote) and message.error:
            safe.toast(self, f"note {message.error}", severity="error", timeout=10)

    def on_export_done(self, message: ExportDone) -> None:
        if not self.is_running:
            return  # quitting: no screen to toast on
        what = EXPORT_WORDS.get(message.label, message.label)
        if message.error:
            safe.toast(self, message.error, severity="error", timeout=10)
        else:
            safe.toast(self, f"{what} written to {message.path}", timeout=10)

    async def on_unmount(self) -> None:
        # Timers first: the wait for the recorder below may take seconds, and the screens
        # are gone by now (every handler also returns early once the app stops running).
        if self._tick_timer is not None:
            self._tick_timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self._recorder_task is not None:
            # Release the lease and leave, so another process polls at once.
            await self._recorder_task.stop()

    def metric_history(self) -> History:
        """metric key → its recent samples, oldest first (what verify rules judge)."""
        return {key: list(tracker.history) for key, tracker in self.dashboard.trackers.items()}

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        def make() -> HelpScreen:
            bindings = [*self.BINDINGS, *ChecklistPanel.BINDINGS, *ItemList.BINDINGS]
            return HelpScreen([
                (binding.key_display or binding.key, binding.description or binding.action)
                for binding in bindings if isinstance(binding, Binding)
            ])

        show_installed(self, HELP_SCREEN, HelpScreen, make)

    def action_timeline(self) -> None:
        show_installed(self, TIMELINE, TimelineScreen,
                       lambda: TimelineScreen(self.store, self.zone, self.runbook))

    def action_handover(self) -> None:
        store = self._need_store("handover view")
        if store is not None:
            show_installed(self, HANDOVER, HandoverScreen, lambda: HandoverScreen(
                self.handover_now, store, self.config.operator, self.zone))

    def handover_now(self) -> HandoverSummary:
        from autus_tui.services.report_data import handover_summary

        assert self.store is not None
        return handover_summary(self.store, self.runbook, self.day, self.clock.now(),
                                self.config.metrics, self.stale_after,
                                trackers=self.dashboard.trackers)

    def action_note(self) -> None:
        if isinstance(self.screen, NoteDialog) or self._need_store("notes") is None:
            return

        def save(text: str | None) -> None:
            if text:
                self.post_message(WriteNote(self, text))

        self.push_screen(NoteDialog(self.config.operator), save)

    def action_report(self) -> None:
        store = self._need_store("report")
        if store is not None:
            target = export_report(self, store, self.config, self.runbook, self.clock.now())
            safe.toast(self, f"writing the launch-day report to {target}…")

    def _need_store(self, what: str) -> Store | None:
        if self.store is None:
            safe.toast(self, f"no database attached: no {what}", severity="error")
        return self.store

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("Handover view", "Open items, alerts, notes; take over (h)",
                            self.action_handover)
        yield SystemCommand("Write a note", "A note on the timeline, in your name (n)",
                            self.action_note)
        yield SystemCommand("Timeline", "Every recorded event, newest first (t)",
                            self.action_timeline)
        yield SystemCommand("Launch-day report",
                            "Write the day's report (Markdown) next to the database",
                            self.action_report)
        yield from super().get_system_commands(screen)

    # -- rendering ----------------------------------------------------------------------

    def _show_panes(self) -> None:
        if not self.is_running:
            return  # a layout callback late at exit: the panes are gone
        now = self.clock.now()
        for pane in self.panes:
            pane.show_state(now)
        self.query_one(HealthLine).show_state(
            self.dashboard.health, self.dashboard.health_at, now, self.stale_after,
            self.dashboard.error,
        )

    def _show_host(self) -> None:
        self._host_read_at = time.monotonic()
        pane = self.query_one(HostPane)
        if self.host_reader is None:
            pane.show_sample(None, "not read")
            return
        try:
            sample = self.host_reader()
        except Exception as error:  # a host read must never take the control room down
            pane.show_sample(None, f"unavailable: {error}")
        else:
            pane.show_sample(sample)

    def _announce(self, news: list[Announcement]) -> None:
        if not news:
            return
        events_pane = self.query_one(EventsPane)
        for item in news:
            events_pane.add(item.at, item.text, item.level)
            if item.toast:
                safe.toast(self, item.text, severity=SEVERITY.get(item.level, "information"))
            if item.bell:
                self.bell()

    @property
    def events_text(self) -> str:
        """Everything in the events pane, plain (for tests and the future report)."""
        return self.query_one(EventsPane).text


def _css_id(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text)
