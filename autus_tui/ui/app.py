"""``ControlRoom``: the Textual app of the launch-day control room.

State changes in exactly two places, both on the app's message loop:
- ``apply_poll(result)``: a poll's outcome. The poller worker reaches it by posting
  ``PollArrived``; tests call it directly, so tests and live share one path.
- ``tick()``: every real second, time passes (staleness ages, the clock, the host pane).
- ``on_store_changed``: the store watcher saw a commit (anyone's): the checklist
  re-renders from the marks it read, new events go to the events pane and an open
  timeline.

The poller runs as an async worker and never blocks the UI; it only posts messages.
Widgets are told to show state; each repaints only what changed (bytes over SSH).
The ``#workspace`` column holds the checklist panel; later issues (incidents, rollback,
handover, notes) add to it. Writes never happen on the UI thread (``ui.store_writes``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.levels import Level
from autus_tui.core.runbook import Runbook
from autus_tui.core.samples import HostSample, PollResult
from autus_tui.core.schedule import LaunchDay
from autus_tui.store import Store
from autus_tui.ui import safe
from autus_tui.ui.checklist_model import ChecklistModel
from autus_tui.ui.dashboard import Announcement, Dashboard, stale_after
from autus_tui.ui.help_screen import HelpScreen
from autus_tui.ui.messages import PollArrived, PollerStopped
from autus_tui.ui.store_events import event_line
from autus_tui.ui.store_watch import StoreChanged, StoreWatcher
from autus_tui.ui.store_writes import WriteDone
from autus_tui.ui.timeline_screen import TimelineScreen
from autus_tui.ui.widgets.checklist_panel import ChecklistPanel, History, ItemList
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.group_pane import GroupPane
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.health_line import HealthLine
from autus_tui.ui.widgets.host_pane import HostPane
from autus_tui.ui.widgets.metric_pane import MetricPane

STYLES = Path(__file__).resolve().parent.parent / "styles" / "control_room.tcss"
WIDE_MIN_SIZE = (120, 36)
"""From this many columns and rows on, the wide layout (bordered panes in a grid)."""
TICK_SECONDS = 1.0
HostReader = Callable[[], HostSample]
SEVERITY: dict[Level | None, safe.Severity] = {
    Level.CRIT: "error", Level.WARN: "warning", Level.STALE: "warning",
}
HEADER_WIDE_COLUMNS = 120


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
        if runbook is None:
            from autus_tui.runbooks import load_runbooks

            runbook = load_runbooks(config)
        self.runbook = runbook
        launch = config.launch
        self.day = LaunchDay.resolve(launch.date, launch.time, self.zone, clock.now())
        self.checklist = ChecklistPanel(
            ChecklistModel(runbook, self.day), store, config.operator, clock, self.zone,
            self.metric_history, self.stale_after, id="checklist",
        )
        self.watcher = (StoreWatcher(store, self.post_message, {"marks": store.marks})
                        if store is not None else None)
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
        yield Footer()

    def on_mount(self) -> None:
        self._layout_ready = True
        self._apply_size(self.size.width, self.size.height)
        self.tick()
        if self.watcher is not None:
            self.watcher.start(self)
        self.checklist.focus_items()
        self.set_interval(TICK_SECONDS, self.tick, name="tick")
        if self.poll:
            self.run_worker(self._poll_forever(), name="poller", group="poller",
                            exclusive=True, exit_on_error=False)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        wide = width >= WIDE_MIN_SIZE[0] and height >= WIDE_MIN_SIZE[1]
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-compact")
        self.query_one(ControlHeader).set_wide(width >= HEADER_WIDE_COLUMNS)
        if self._layout_ready:
            # Spark widths follow the pane widths, which are known after the layout.
            self.call_after_refresh(self._show_panes)

    # -- the two state paths ------------------------------------------------------------

    def apply_poll(self, result: PollResult) -> None:
        """Take one poll's outcome: update state, announce what is news, repaint."""
        self._announce(self.dashboard.apply(result))
        self._show_panes()

    def tick(self) -> None:
        """Once a second: the clock, staleness ages, the host pane."""
        now = self.clock.now()
        self.query_one(ControlHeader).show_time(now)
        self.checklist.show_time(now)
        self._announce(self.dashboard.tick(now))
        self._show_panes()
        self._show_host()

    def on_poll_arrived(self, message: PollArrived) -> None:
        self.apply_poll(message.result)

    def on_poller_stopped(self, message: PollerStopped) -> None:
        self._announce([Announcement(self.clock.now(), f"polling stopped: {message.reason}",
                                     Level.STALE, toast=True)])

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.error:
            self._announce([Announcement(self.clock.now(), f"database: {message.error}",
                                         Level.STALE, toast=True)])
            return
        if "marks" in message.state:
            self.checklist.show_marks(message.state["marks"], first=message.first)
        news = [Announcement(event.at, line) for event in message.events
                if (line := event_line(event, self.runbook)) is not None]
        self._announce(news)
        if message.events and isinstance(self.screen, TimelineScreen):
            self.screen.reload()

    def on_write_done(self, message: WriteDone) -> None:
        # One's own write: look at the database now rather than at the next watch tick.
        if self.watcher is not None:
            self.watcher.check_now()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def metric_history(self) -> History:
        """metric key → its recent samples, oldest first (what verify rules judge)."""
        return {key: list(tracker.history) for key, tracker in self.dashboard.trackers.items()}

    # -- workers ------------------------------------------------------------------------

    async def _poll_forever(self) -> None:
        from autus_tui.sources.poller import Poller

        poller = Poller(self.config.backend, self.config.metrics, self.clock)
        try:
            await poller.run(lambda result: self.post_message(PollArrived(result)))
        finally:
            await poller.aclose()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "poller" and event.state is WorkerState.ERROR:
            self.post_message(PollerStopped(safe.clean_text(event.worker.error, 200)))

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        bindings = [*self.BINDINGS, *ChecklistPanel.BINDINGS, *ItemList.BINDINGS]
        keys = [
            (binding.key_display or binding.key, binding.description or binding.action)
            for binding in bindings if isinstance(binding, Binding)
        ]
        self.push_screen(HelpScreen(keys))

    def action_timeline(self) -> None:
        if isinstance(self.screen, TimelineScreen):
            return
        self.push_screen(TimelineScreen(self.store, self.zone, self.runbook))

    # -- rendering ----------------------------------------------------------------------

    def _show_panes(self) -> None:
        now = self.clock.now()
        for pane in self.panes:
            pane.show_state(now)
        self.query_one(HealthLine).show_state(
            self.dashboard.health, self.dashboard.health_at, now, self.stale_after,
            self.dashboard.error,
        )

    def _show_host(self) -> None:
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
