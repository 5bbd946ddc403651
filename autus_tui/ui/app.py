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
  passes (staleness ages, the clock, the host pane); a poll brings the tick along.
- ``on_store_changed``: the store watcher saw a commit (anyone's; it reads in a worker
  thread and hands over a typed ``services.snapshot.StoreSnapshot``): the checklist
  re-renders from the marks it read, the header from who is attached and who polls,
  polls go to ``apply_poll``, new events to the events pane, an open timeline or
  handover view reloads.

Polling: ``ui.store_link`` (the recorder holds the poller lease when it can, one poller
per database; the backend is never polled apart from it). Announcements follow
``core.held``'s rule. The terminal driver survives a hang-up (``ui.terminal_driver``);
signals become ``exit()`` (``commands.terminal``). Widgets repaint only what changed
(bytes over SSH) and never write: they post intents (``ui.intents``) that the app's one
``Controller`` writes off the UI thread.

The app is composed of parts it delegates to, each owning one concern: the metric column
(``ui.dashboard_view``), what is said (``ui.announcer``: events pane, toasts, bell), the
screens and the palette (``ui.room_screens``: ``?``, ``t`` timeline, ``h`` handover, ``n``
note, the report), the rollback (``ui.rollback_room``: ``R``, its button under the
checklist) and the incidents (``ui.incident_actions``: ``i`` declare, ``a`` acknowledge,
``e`` escalate now, ``r`` resolve, ``I`` the panel; the timer strip between the workspace
and the events pane), the keys themselves (``ui.room_keys``: the bindings, back to the
checklist, space anywhere, quit, screenshot). Textual finds key actions on the App, so
each ``action_*`` here is one line calling its part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.timer import Timer

from autus_tui.core.checklist_view import ChecklistModel
from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.dashboard import Dashboard, stale_after
from autus_tui.core.levels import Level
from autus_tui.core.marks import Mark
from autus_tui.core.observations import PollResult
from autus_tui.core.probe_config import probes_for
from autus_tui.core.runbook import Runbook
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.incident_signals import max_age
from autus_tui.services.launch_day import day_note, stored_launch_date
from autus_tui.services.package_files import data_folder
from autus_tui.services.pairing import Pairing
from autus_tui.services.shared_clock import follow
from autus_tui.store import Store
from autus_tui.ui.announcer import Announcer
from autus_tui.ui.colours import fit_theme
from autus_tui.ui.controller import Controller
from autus_tui.ui.dashboard_view import DashboardView, HostReader, default_host_reader
from autus_tui.ui.event_news import announcements
from autus_tui.ui.exports import ExportDone
from autus_tui.ui.heap import care_for_heap
from autus_tui.ui.incident_actions import IncidentKeys
from autus_tui.ui.intents import Intent, IntentDone
from autus_tui.ui.messages import PollerStopped, PollRecorded
from autus_tui.ui.rehearsal_banner import mark_screens
from autus_tui.ui.rollback_room import RollbackRoom
from autus_tui.ui.room_keys import ROOM_ACTIONS, ROOM_BINDINGS, RoomKeys
from autus_tui.ui.room_layout import apply_size
from autus_tui.ui.room_screens import RoomScreens
from autus_tui.ui.store_link import StoreLink
from autus_tui.ui.store_watch import StoreChanged
from autus_tui.ui.terminal_driver import safe_driver
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel, History
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.header import ControlHeader

STYLES = data_folder("styles") / "control_room.tcss"
TICK_SECONDS = 1.0
HOST_WITH_POLLS = 1.5
"""Seconds since the last host read after which a recorded poll brings a new one (every
other poll at 1 s: the host line is a slow figure, its read and repaint are not)."""
HOST_FALLBACK = 2.5
"""Seconds without a host read after which the tick reads the host itself."""


class ControlRoom(App[int]):
    CSS_PATH = STYLES
    TITLE = "AUTUS control room"
    BINDINGS: ClassVar[list[BindingType]] = ROOM_BINDINGS

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
        # The link is made below; the controller asks it to look again after each write.
        self.controller = Controller(self, store, config.operator,
                                     lambda: self.link.look_now())
        self.rollback = RollbackRoom(self, self.controller, clock, self.zone, config.operator,
                                     config, self.rehearsal)
        self.incidents = IncidentKeys(self)
        self.incident_strip = self.incidents.strip
        self.view = DashboardView(self.dashboard, clock, host_reader,
                                  health_off=not config.backend.health_path, zone=self.zone,
                                  max_age=lambda: max_age(config, clock))
        self.announcer = Announcer(self, clock, store, self.zone)
        self.screens = RoomScreens(self)
        self.keys = RoomKeys(self)
        self.link = StoreLink(self, store, config, clock, poll=poll)
        self.recorder, self.watcher = self.link.recorder, self.link.watcher
        self._marks_shown: dict[str, Mark] | None = None
        self._layout_ready = False

    def get_driver_class(self) -> type[Driver]:
        # A terminal that hangs up must end the app, not block it (ui.terminal_driver).
        return safe_driver(super().get_driver_class())

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ControlHeader(self.zone, self.rehearsal, self.config.operator, day=self.day,
                            slots=self.runbook.slots, id="header")
        yield self.view.banner
        with Horizontal(id="main"):
            yield from self.view.compose()
            with Vertical(id="workspace"):
                yield self.checklist
                yield self.rollback.button
        yield self.incident_strip
        yield self.announcer.events
        yield ControlFooter(id="footer")

    def on_mount(self) -> None:
        fit_theme(self)  # WARN and CRIT apart in 16 colours (ui.colours)
        self._layout_ready = True
        self.announcer.toaster.watch_screens()
        care_for_heap(self)
        if self.rehearsal:
            mark_screens(self)  # REHEARSAL on every screen that opens (the header's here)
        self._apply_size(self.size.width, self.size.height)
        self.tick()
        self.link.start_watcher()
        self.checklist.focus_items()
        note = day_note(self.day.date, self.clock.now(), self.config)
        if note is not None and self.store is not None:
            self.announcer.say(note)
        if self.tick_seconds is not None:
            self._tick_timer = self.set_interval(self.tick_seconds, self.tick, name="tick")

    def on_load(self) -> None:
        # The recorder starts before the screen is built: its lease, the first poll's
        # request and its write run while Textual lays out the first frame, so the first
        # live value follows that frame closely (its poll is drawn by on_poll_recorded).
        self.link.start_recorder()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        apply_size(self, width, height)
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
                self.announcer.announce(self.dashboard.apply(result))
        else:
            self.dashboard.prime(results)
        if self._tick_timer is not None and results:
            self._tick_timer.reset()  # the second's tick joins this frame: one a second
            self.tick()
        elif results:
            self._show_panes()
            # The host line joins the polled values' frame: Textual re-renders every widget
            # inside the box around a frame's changes, so the host row (near the bottom)
            # in the clock's frame (the top row) would make that frame re-render it all.
            if self.view.host_age() >= HOST_WITH_POLLS:
                self.view.show_host()

    def tick(self) -> None:
        """Once a second: the clock, staleness ages; the host pane if no poll brought it."""
        if not self.is_running:
            return  # quitting: the screens close before the app's timers stop
        now = self.clock.now()
        self.query_one(ControlHeader).show_time(now)
        self.checklist.show_time(now)
        self.incident_strip.tick(now)
        self._follow_clock()
        self._show_pairing(self.link.recheck_pairing())
        self._show_panes()
        if self.view.host_age() >= HOST_FALLBACK:
            self.view.show_host()

    def _show_panes(self) -> None:
        if self.is_running:  # a layout callback late at exit: the panes are gone
            self.view.show(self.stale_after)

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

    def _show_pairing(self, pairing: Pairing | None) -> None:
        if pairing is not None:
            self.query_one(ControlHeader).show_pairing(
                pairing.others, pairing.poller, pairing.polling_here,
                known=pairing.poller is not None or self.recorder is not None,
                retrying=pairing.here_state == "retrying")

    def on_poller_stopped(self, message: PollerStopped) -> None:
        if not self.is_running or (self.store is not None and self.store.lost is not None):
            return  # a lost file is said once, by the announcer's database_error
        self.announcer.say(message.reason, Level.STALE, toast=True)

    def on_poll_recorded(self, message: PollRecorded) -> None:
        # Our own poll, drawn the moment it is committed (not after the file round trip
        # and the watcher's next look); the feed then skips it. A poll committed before
        # the watcher's first read comes with that read instead (as live: PollFeed).
        if self.is_running and self.link.take(message.poll_id):
            self.apply_poll(message.result)

    def on_store_changed(self, message: StoreChanged) -> None:
        if not self.is_running:
            return  # shutting down: the screens are gone, a late read has nowhere to go
        if message.error:
            self.announcer.database_error(message.error)
            return
        self.announcer.database_ok()
        if any(event.kind.startswith("clock.") for event in message.events):
            self._follow_clock()  # at once, not at the next tick
        snapshot = message.snapshot
        marks = dict(snapshot.marks)
        if message.first or marks != self._marks_shown:
            self._marks_shown = marks
            self.checklist.show_marks(marks, first=message.first)
        self._show_pairing(self.link.seen_pairing(snapshot.pairing))
        if self.store is not None:
            self.rollback.show_state(snapshot.rollback, first=message.first)
        # Polls recorded before this process began (the first read: the sparklines'
        # history) build state quietly and show as recorded; later ones are news.
        recorded, live = self.link.split(snapshot.polls)
        if recorded:
            self.apply_polls(recorded, announce=False)
        self.apply_polls(live)
        self.announcer.announce(
            announcements(message.events, self.runbook, self.incident_strip.about))
        self.incident_strip.store_changed(message.events, first=message.first)
        self.screens.store_changed(message.events)

    @on(Intent)
    def act(self, intent: Intent) -> None:
        intent.stop()
        self.controller.act(intent)

    def on_intent_done(self, message: IntentDone) -> None:
        if self.is_running:
            self.announcer.intent_done(message)

    def on_export_done(self, message: ExportDone) -> None:
        if self.is_running:  # quitting: no screen to toast on
            self.announcer.export_done(message)

    async def on_unmount(self) -> None:
        # Timers first: the wait for the recorder below may take seconds, and the screens
        # are gone by now (every handler also returns early once the app stops running).
        if self._tick_timer is not None:
            self._tick_timer.stop()
        await self.link.stop()

    def metric_history(self) -> History:
        """metric key → its recent samples, oldest first (what verify rules judge)."""
        return {key: list(tracker.history) for key, tracker in self.dashboard.trackers.items()}

    @property
    def events_text(self) -> str:
        """Everything in the events pane, plain (for tests and the future report)."""
        return self.announcer.text

    # -- key actions: one line each, the parts do the work --------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.keys.active() if action in ROOM_ACTIONS else True

    def action_checklist(self, current_slot: bool) -> None:
        self.keys.checklist(current_slot=current_slot)

    def action_mark_checklist(self) -> None:
        self.keys.space()

    async def action_quit(self) -> None:
        self.keys.quit()

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        self.keys.screenshot()  # the palette's Screenshot: next to the database
        return None

    def action_help(self) -> None:
        self.screens.help()

    def action_timeline(self) -> None:
        self.screens.timeline()

    def action_handover(self) -> None:
        self.screens.handover()

    def action_note(self) -> None:
        self.screens.note()

    def action_rollback(self) -> None:
        self.screens.rollback()

    def action_report(self) -> None:
        self.screens.report()

    def action_declare_incident(self) -> None:
        self.incidents.declare()

    def action_acknowledge_incident(self) -> None:
        self.incidents.acknowledge()

    def action_escalate_incident(self) -> None:
        self.incidents.escalate()

    def action_resolve_incident(self) -> None:
        self.incidents.resolve()

    def action_reopen_incident(self) -> None:
        self.incidents.reopen()

    def action_incidents(self) -> None:
        self.incidents.open_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from self.screens.commands()
        yield from super().get_system_commands(screen)
