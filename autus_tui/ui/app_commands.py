"""The control room's actions beyond the dashboard: handover view, notes, the report.

``ControlRoomActions`` is the part of ``ControlRoom`` (its base class) that opens the
handover view (``h``), the note dialog (``n``) and writes the launch-day report, and
offers them, with the timeline, in the command palette (``control_room_commands``, fed
to Textual's system-commands provider by ``ControlRoom.get_system_commands``).

The timeline and the handover view are installed screens, made on first use and
``reopen``-ed (read again, filters and status as new) every later time.

Each needs the database; without one it says so in a toast and does nothing. Writes
(a note) go through ``ui.store_writes``; files (the report) through ``ui.exports``, whose
``ExportDone`` ends here as a toast with the path or the reason. The report is gathered
in the worker thread through the app's Store (each of its reads is short; the screen's
reads wait at most for one of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.handover_summary import HandoverSummary
from autus_tui.core.runbook import Runbook
from autus_tui.core.schedule import LaunchDay
from autus_tui.store import Store
from autus_tui.store.notes import add_note
from autus_tui.ui import safe
from autus_tui.ui.dialogs.note import NoteDialog
from autus_tui.ui.exports import ExportDone, export_path, start_export
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.store_writes import WriteDone, start_write

if TYPE_CHECKING:
    from autus_tui.core.dashboard import Dashboard

NOTE = "note"
TIMELINE, HANDOVER = "timeline", "handover"
"""Names of the installed screens: each is made once and reopened (``reopen``) after, as
a new screen per opening grew the RSS for good (``benchmarks/bench_screens_memory.py``)."""
WORDS = {"report": "launch-day report", "handover": "handover"}


class ControlRoomActions(App[int]):
    config: Config
    clock: Clock
    store: Store | None
    runbook: Runbook
    day: LaunchDay
    stale_after: timedelta
    dashboard: Dashboard

    def control_room_commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand("Handover view", "Open items, alerts, notes; take over (h)",
                            self.action_handover)
        yield SystemCommand("Write a note", "A note on the timeline, in your name (n)",
                            self.action_note)
        yield SystemCommand("Timeline", "Every recorded event, newest first (t)",
                            self.action_timeline)
        yield SystemCommand("Launch-day report",
                            "Write the day's report (Markdown) next to the database",
                            self.action_report)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from self.control_room_commands()
        yield from super().get_system_commands(screen)

    def action_timeline(self) -> None:
        if isinstance(self.screen, TimelineScreen):
            return
        if self.is_screen_installed(TIMELINE):
            self.get_screen(TIMELINE, TimelineScreen).reopen()
        else:
            self.install_screen(
                TimelineScreen(self.store, self.config.launch.zone, self.runbook), TIMELINE)
        self.push_screen(TIMELINE)

    def _need_store(self, what: str) -> Store | None:
        if self.store is None:
            safe.toast(self, f"no database attached: no {what}", severity="error")
        return self.store

    # -- handover -----------------------------------------------------------------------

    def action_handover(self) -> None:
        if isinstance(self.screen, HandoverScreen):
            return
        store = self._need_store("handover view")
        if store is None:
            return
        if self.is_screen_installed(HANDOVER):
            self.get_screen(HANDOVER, HandoverScreen).reopen()
        else:
            self.install_screen(HandoverScreen(self.handover_now, store, self.config.operator,
                                               self.config.launch.zone), HANDOVER)
        self.push_screen(HANDOVER)

    def handover_now(self) -> HandoverSummary:
        from autus_tui.services.report_data import handover_summary

        assert self.store is not None
        return handover_summary(self.store, self.runbook, self.day, self.clock.now(),
                                self.config.metrics, self.stale_after,
                                trackers=self.dashboard.trackers)

    # -- notes --------------------------------------------------------------------------

    def action_note(self) -> None:
        if isinstance(self.screen, NoteDialog):
            return
        store = self._need_store("notes")
        if store is None:
            return
        operator = self.config.operator

        def save(text: str | None) -> None:
            if text:
                start_write(self, NOTE, lambda: add_note(store, operator, text))

        self.push_screen(NoteDialog(operator), save)

    def note_write_done(self, message: WriteDone) -> None:
        if message.label == NOTE and message.error:
            safe.toast(self, f"note {message.error}", severity="error", timeout=10)

    # -- the launch-day report ----------------------------------------------------------

    def action_report(self) -> None:
        store = self._need_store("report")
        if store is None:
            return
        from autus_tui.core.day_report import render
        from autus_tui.services.report_data import collect_report

        config, runbook, now = self.config, self.runbook, self.clock.now()

        def produce() -> str:
            # On this app's Store (its reads are short and locked one at a time), never a
            # second Store: opening one reads the file with a plain open()/close(), which
            # drops this process's SQLite locks on it (tried in tmux: the other process's
            # exit then checkpointed and removed the WAL under us, splitting the file).
            return render(collect_report(store, config, runbook, now))

        target = export_path(store, "report", now, config.launch.zone)
        safe.toast(self, f"writing the launch-day report to {target}…")
        start_export(self, "report", target, produce, like=store.path)

    def on_export_done(self, message: ExportDone) -> None:
        what = WORDS.get(message.label, message.label)
        if message.error:
            safe.toast(self, message.error, severity="error", timeout=10)
        else:
            safe.toast(self, f"{what} written to {message.path}", timeout=10)

    # -- screens that follow the database -----------------------------------------------

    def _reload_screen(self, screen: Screen[object], *, changed: bool) -> None:
        if isinstance(screen, HandoverScreen) or (changed and isinstance(screen, TimelineScreen)):
            screen.reload()
