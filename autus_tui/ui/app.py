"""``ControlRoom``: the Textual app of the launch-day control room.

State changes in exactly three places, all on the app's message loop:
- ``apply_poll(result)``: a poll's outcome. Polls reach it from the database: the
  store watcher's ``PollFeed`` reader hands over what was recorded since the last look
  (the first look: the newest polls; those recorded before this process began fill the
  sparklines quietly and show as recorded, with their age). The process that polls
  also draws each of its own polls the moment its recorder committed it
  (``on_poll_recorded``), and the feed skips that id. Tests may call it directly, so
  tests and live share one path.
- ``tick()``: every ``tick_seconds`` (1 s; ``None``: never — a test calls it), time
  passes (staleness ages, the clock, the host pane).
- ``on_store_changed``: the store watcher saw a commit (anyone's; it reads in a worker
  thread and hands over a typed ``services.snapshot.StoreSnapshot``): the checklist
  re-renders from the marks it read, the header from who is attached and who polls,
  polls go to ``apply_poll``, new events to the events pane, an open timeline or
  handover view reloads.

Polling. With a store (and ``poll=True``) the app runs a ``Recorder``
(``services.pairing``) as a task from the app's Load, before the first frame: it holds
the database's poller lease when it can — one poller per database, whichever
process — writes each poll, and beats this process's presence. The backend
is never polled for the screen apart from the recorder, so two processes on one file
show the same numbers and the backend is polled once. Without a store nothing is polled.

Announcements (events pane, toasts, bell) of level changes follow ``core.held``'s rule
(the same the recorder records and the report shows); toasts go through ``ui.toasts``
(never over an open screen, one per metric). The terminal driver survives a hang-up
(``ui.terminal_driver``); signals are turned into ``exit()`` by ``commands.terminal``.

Widgets are told to show state; each repaints only what changed (bytes over SSH).
Widgets never write: they post intents (``ui.intents``) and the app's one
``Controller`` writes them off the UI thread; files are written in threads
(``ui.exports``). Keys: ``h`` handover view, ``n`` note, ``t`` timeline, ``R`` rollback
(``ui.rollback_room``: its button under the checklist); ``i`` declare, ``a`` acknowledge,
``e`` escalate now, ``r`` resolve, ``I`` the incident panel (``ui.incident_actions``; the
timer strip between the workspace and the events pane); the command palette has those
and the launch-day report.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.driver import Driver
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
from autus_tui.core.probe_config import probes_for
from autus_tui.core.runbook import Runbook
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.launch_day import day_note, stored_launch_date
from autus_tui.services.package_files import data_folder
from autus_tui.services.pairing import Pairing, PollFeed, RecorderTask, read_pairing
from autus_tui.services.recorder import Recorder
from autus_tui.services.shared_clock import follow
from autus_tui.store import Store, StoreError
from autus_tui.store.rollbacks import current_run
from autus_tui.ui import safe
from autus_tui.ui.controller import Controller
from autus_tui.ui.dialogs.note import NoteDialog
from autus_tui.ui.event_news import announcements
from autus_tui.ui.exports import ExportDone, export_report
from autus_tui.ui.incident_actions import IncidentKeys
from autus_tui.ui.intents import Intent, IntentDone, WriteNote
from autus_tui.ui.messages import PollerStopped, PollRecorded
from autus_tui.ui.navigation import show_installed
from autus_tui.ui.rehearsal_banner import mark_screens
from autus_tui.ui.rollback_room import RollbackRoom
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.store_watch import StoreChanged, StoreWatcher
from autus_tui.ui.terminal_driver import safe_driver
from autus_tui.ui.toasts import Toaster
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel, History
from autus_tui.ui.widgets.checklist.parts import ItemList
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
LOST_TOAST_SECONDS = 7 * 24 * 3600.0
"""A deleted or replaced database is said until the app ends."""
HEADER_WIDE_COLUMNS = 120
FOOTER_ROOMY_COLUMNS = 100
"""Below this many columns the footer is compact and leaves out the palette hint."""


def default_host_reader() -> HostSample:
    from autus_tui.sources.host import read_host

    return read_host()


class ControlRoom(IncidentKeys, App[int]):
    CSS_PATH = STYLES
    TITLE = "AUTUS control room"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("t", "timeline", "Timeline", id="app.timeline"),
        Binding("h", "handover", "Handover", id="app.handover"),
        Binding("n", "note", "Note", id="app.note"),
        Binding("R", "rollback", "Rollback", show=False, id="app.rollback"),
        Binding("i", "declare_incident", "Declare incident", show=False, id="app.declare"),
        Binding("a", "acknowledge_incident", "Acknowledge", show=False, id="app.acknowledge"),
        Binding("e", "escalate_incident", "Escalate now", show=False, id="app.escalate"),
        Binding("r", "resolve_incident", "Resolve", show=False, id="app.resolve"),
        Binding("I", "incidents", "Incidents", show=False, id="app.incidents"),
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
        self.dashboard = Dashboard(config.metrics, self.stale_after,
                                   interval=config.backend.interval)
        self.zone = config.launch.zone
        self.store = store
        self.tick_seconds = tick_seconds
        self._tick_timer: Timer | None = None
        if runbook is None:
            from autus_tui.services.runbook_files import load_runbooks

            runbook = load_runbooks(config)
        self.runbook = runbook
        launch = config.launch
        stored_day = stored_launch_date(store) if store is not None else None
        self.day = LaunchDay.resolve(stored_day or launch.date, launch.time, self.zone,
                                     clock.now())
        self.checklist = ChecklistPanel(
            ChecklistModel(runbook, self.day), clock, self.zone,
            self.metric_history, self.stale_after,
            probes_for(config, [item.id for item in runbook.items]), id="checklist",
        )
        self.controller = Controller(self, store, config.operator, self._look_now)
        self.rollback = RollbackRoom(self, self.controller, clock, self.zone, config.operator,
                                     config, self.rehearsal)
        self.incident_strip = self.setup_incidents()
        self.recorder = (Recorder(store, config, clock, config.operator, role="ui",
                                  on_poll=lambda poll_id, result: self.post_message(
                                      PollRecorded(poll_id, result)))
                         if store is not None and poll else None)
        self._recorder_task: RecorderTask | None = None
        self.watcher: StoreWatcher | None = None
        self.poll_feed: PollFeed | None = None
        if store is not None:
            self.poll_feed = PollFeed(store)
            recorder = self.recorder
            self.watcher = StoreWatcher(store, self.post_message,
                                        pairing=lambda: read_pairing(store, recorder),
                                        rollback=lambda: current_run(store),
                                        polls=self.poll_feed)
        self._marks_shown: dict[str, Mark] | None = None
        self.toaster = Toaster(self)
        self._db_error_shown: str | None = None
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

    def get_driver_class(self) -> type[Driver]:
        # A terminal that hangs up must end the app, not block it (ui.terminal_driver).
        return safe_driver(super().get_driver_class())

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ControlHeader(self.zone, self.rehearsal, self.config.operator, day=self.day,
                            slots=self.runbook.slots, id="header")
        with Horizontal(id="main"):
            with Vertical(id="metrics"):
                with Container(id="metric-grid"):
                    yield from self.panes
                yield HealthLine(id="health", off=not self.config.backend.health_path)
                yield HostPane(id="host")
            with Vertical(id="workspace"):
                yield self.checklist
                yield self.rollback.button
        yield self.incident_strip
        yield EventsPane(self.zone, id="events")
        yield ControlFooter(id="footer")

    def on_mount(self) -> None:
        self._layout_ready = True
        self.toaster.watch_screens()
        if self.rehearsal:
            mark_screens(self)  # REHEARSAL on every screen that opens (the header's here)
        self._apply_size(self.size.width, self.size.height)
        self.tick()
        if self.watcher is not None:
            self.watcher.start(self)
        self.checklist.focus_items()
        note = day_note(self.day.date, self.clock.now(), self.config)
        if note is not None and self.store is not None:
            self._announce([Announcement(self.clock.now(), note)])
        if self.tick_seconds is not None:
            self._tick_timer = self.set_interval(self.tick_seconds, self.tick, name="tick")

    def on_load(self) -> None:
        # The recorder starts before the screen is built: its lease, the first poll's
        # request and its write run while Textual lays out the first frame, so the first
        # live value follows that frame closely (its poll is drawn by on_poll_recorded).
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
        if announce:
            for result in results:
                self._announce(self.dashboard.apply(result))
        else:
            self.dashboard.prime(results)
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
        self.incident_strip.tick(now)
        self._follow_clock()
        self._recheck_pairing()
        self._show_panes()
        if time.monotonic() - self._host_read_at >= HOST_FALLBACK:
            self._show_host()

    def _database_error(self, error: str) -> None:
        """Said once per distinct error (the watcher retries every 0.25 s); a file deleted
        or replaced under us is said on every screen until the app ends: nothing more can
        be saved."""
        if error == self._db_error_shown:
            return
        self._db_error_shown = error
        lost = self.store.lost if self.store is not None else None
        self._announce([Announcement(self.clock.now(), f"database: {error}", Level.STALE,
                                     toast=lost is None)])
        if lost is not None:
            safe.toast(self, str(lost), title="DATABASE GONE: nothing more is saved",
                       severity="error", timeout=LOST_TOAST_SECONDS)

    def _follow_clock(self) -> None:
        """Another process restarted the shared rehearsal clock or changed its pace:
        everything reads the clock object, only what derives from the pace is redone."""
        if follow(self.clock) is None:
            return
        self.stale_after = stale_after(self.config, self.clock.speed)
        for tracker in self.dashboard.trackers.values():
            tracker.stale_after = self.stale_after
        self.checklist.stale_after = self.stale_after
        if self.recorder is not None:
            self.recorder.follow_pace()
        now = self.clock.now()
        self.query_one(ControlHeader).show_time(now)
        self.checklist.show_time(now)

    def _show_pairing(self, pairing: Pairing) -> None:
        self.query_one(ControlHeader).show_pairing(
            pairing.others, pairing.poller, pairing.polling_here,
            known=pairing.poller is not None or self.recorder is not None,
            retrying=pairing.here_state == "retrying")

    def _recheck_pairing(self) -> None:
        """On the tick: a lease or presence row ages out with no commit to announce it."""
        if self.store is None:
            return
        with contextlib.suppress(StoreError):  # the watcher says what is wrong with it
            self._show_pairing(read_pairing(self.store, self.recorder))

    def on_poller_stopped(self, message: PollerStopped) -> None:
        if not self.is_running or (self.store is not None and self.store.lost is not None):
            return  # a lost file is said once, by _database_error
        self._announce([Announcement(self.clock.now(), message.reason, Level.STALE,
                                     toast=True)])

    def on_poll_recorded(self, message: PollRecorded) -> None:
        # Our own poll, drawn the moment it is committed (not after the file round trip
        # and the watcher's next look); the feed then skips it. A poll committed before
        # the watcher's first read comes with that read instead (as live: PollFeed).
        if self.is_running and self.poll_feed is not None and self.poll_feed.take(
                message.poll_id):
            self.apply_poll(message.result)

    def on_store_changed(self, message: StoreChanged) -> None:
        if not self.is_running:
            return  # shutting down: the screens are gone, a late read has nowhere to go
        if message.error:
            self._database_error(message.error)
            return
        self._db_error_shown = None
        if any(event.kind.startswith("clock.") for event in message.events):
            self._follow_clock()  # at once, not at the next tick
        snapshot = message.snapshot
        marks = dict(snapshot.marks)
        if message.first or marks != self._marks_shown:
            self._marks_shown = marks
            self.checklist.show_marks(marks, first=message.first)
        if snapshot.pairing is not None:
            self._show_pairing(snapshot.pairing)
        if self.store is not None:
            self.rollback.show_state(snapshot.rollback, first=message.first)
        self._apply_read_polls(snapshot.polls)
        self._announce(announcements(message.events, self.runbook, self.incident_strip.about))
        self.incident_strip.store_changed(message.events, first=message.first)
        screen = self.screen
        if isinstance(screen, HandoverScreen) or (message.events
                                                  and isinstance(screen, TimelineScreen)):
            screen.reload()

    def _apply_read_polls(self, polls: Sequence[tuple[int, PollResult]]) -> None:
        """Polls read from the file: those recorded before this process began (the first
        read: the sparklines' history) build state quietly and show as recorded; later
        ones are live news."""
        live_from = self.poll_feed.live_from if self.poll_feed is not None else 0
        recorded = [result for poll_id, result in polls if poll_id <= live_from]
        if recorded:
            self.apply_polls(recorded, announce=False)
        self.apply_polls([result for poll_id, result in polls if poll_id > live_from])

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
                                trackers=self.dashboard.trackers,
                                health=(self.dashboard.health, self.dashboard.health_at))

    def action_note(self) -> None:
        if isinstance(self.screen, NoteDialog) or self._need_store("notes") is None:
            return

        def save(text: str | None) -> None:
            if text:
                self.post_message(WriteNote(self, text))

        self.push_screen(NoteDialog(self.config.operator), save)

    def action_rollback(self) -> None:
        if self._need_store("rollback") is not None:
            self.rollback.open()

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
        yield SystemCommand("Rollback", "Plan a rollback, or show the one running (R)",
                            self.action_rollback)
        yield SystemCommand("Probe this slot",
                            "Run every probe of the shown slot and show the results (p)",
                            self.checklist.action_probe_slot)
        yield SystemCommand("Launch-day report",
                            "Write the day's report (Markdown) next to the database",
                            self.action_report)
        yield from self.incident_commands()
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
                self.toaster.show(item.text, SEVERITY.get(item.level, "information"), item.key)
            if item.bell:
                self.bell()

    @property
    def events_text(self) -> str:
        """Everything in the events pane, plain (for tests and the future report)."""
        return self.query_one(EventsPane).text


def _css_id(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text)
