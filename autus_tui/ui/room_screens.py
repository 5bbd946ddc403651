"""The control room's screens and palette: help, timeline, handover, note, report.

``RoomScreens(room)`` opens what the keys ``?``, ``t``, ``h``, ``n``, ``R`` and the
command palette ask for; the app's ``action_*`` methods are one line each calling it.
Screens are made once and reopened (``ui.navigation``). Without a database, what needs
one says so in a toast and opens nothing. ``store_changed(events)`` reloads an open
handover view (any commit) or timeline (new events).

The timeline, handover view and note dialog are imported when first opened: their
widgets (a data table, a text editor) are a megabyte a control room may never need.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from autus_tui.store import Store
from autus_tui.ui import safe
from autus_tui.ui.exports import export_report
from autus_tui.ui.intents import WriteNote
from autus_tui.ui.navigation import show_installed
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.widgets.checklist.panel import ChecklistPanel
from autus_tui.ui.widgets.checklist.parts import ItemList

if TYPE_CHECKING:
    from autus_tui.core.handover_summary import HandoverSummary
    from autus_tui.store import Event
    from autus_tui.ui.app import ControlRoom

HELP_SCREEN, TIMELINE, HANDOVER = "help", "timeline", "handover"
SCREEN_NAMES = {"TimelineScreen": "the timeline", "HandoverScreen": "the handover view",
                "IncidentPanel": "the incident panel"}


class RoomScreens:
    def __init__(self, room: ControlRoom) -> None:
        self.room = room

    def help(self) -> None:
        """The keys of the screen ``?`` was pressed on."""
        room = self.room
        screen = room.screen
        if isinstance(screen, HelpScreen):
            return
        if len(room.screen_stack) > 1:
            name = SCREEN_NAMES.get(type(screen).__name__, "this screen")
            room.push_screen(HelpScreen(screen_keys(screen), title=f"Keys of {name}",
                                        legend=False, id="help-of-screen"))
            return

        def make() -> HelpScreen:
            bindings = [*room.BINDINGS, *ChecklistPanel.BINDINGS, *ItemList.BINDINGS]
            return HelpScreen([
                (binding.key_display or binding.key, binding.description or binding.action)
                for binding in bindings if isinstance(binding, Binding)
            ])

        show_installed(room, HELP_SCREEN, HelpScreen, make)

    def timeline(self) -> None:
        from autus_tui.ui.screens.timeline import TimelineScreen

        room = self.room
        show_installed(room, TIMELINE, TimelineScreen,
                       lambda: TimelineScreen(room.store, room.zone, room.runbook))

    def handover(self) -> None:
        from autus_tui.ui.screens.handover import HandoverScreen

        room = self.room
        store = self.need_store("handover view")
        if store is not None:
            show_installed(room, HANDOVER, HandoverScreen, lambda: HandoverScreen(
                self.handover_now, store, room.config.operator, room.zone))

    def handover_now(self) -> HandoverSummary:
        from autus_tui.services.report_data import handover_summary

        room = self.room
        assert room.store is not None
        return handover_summary(room.store, room.runbook, room.day, room.clock.now(),
                                room.config.metrics, room.stale_after,
                                trackers=room.dashboard.trackers,
                                health=(room.dashboard.health, room.dashboard.health_at))

    def note(self) -> None:
        from autus_tui.ui.dialogs.note import NoteDialog

        room = self.room
        if isinstance(room.screen, NoteDialog) or self.need_store("notes") is None:
            return

        def save(text: str | None) -> None:
            if text:
                room.post_message(WriteNote(room, text))

        room.push_screen(NoteDialog(room.config.operator), save)

    def store_changed(self, events: Sequence[Event]) -> None:
        """A commit: an open handover view reloads; an open timeline when events came."""
        screen: Any = self.room.screen
        if _is(screen, "autus_tui.ui.screens.handover", "HandoverScreen") or (
                events and _is(screen, "autus_tui.ui.screens.timeline", "TimelineScreen")):
            screen.reload()

    def rollback(self) -> None:
        if self.need_store("rollback") is not None:
            self.room.rollback.open()

    def report(self) -> None:
        room = self.room
        store = self.need_store("report")
        if store is not None:
            target = export_report(room, store, room.config, room.runbook, room.clock.now())
            safe.toast(room, f"writing the launch-day report to {target}…")

    def need_store(self, what: str) -> Store | None:
        room = self.room
        if room.store is None:
            safe.toast(room, f"no database attached: no {what}", severity="error")
        return room.store

    def commands(self) -> Iterable[SystemCommand]:
        """The palette's entries of the control room (before Textual's own)."""
        room = self.room
        yield SystemCommand("Handover view", "Open items, alerts, notes; take over (h)",
                            self.handover)
        yield SystemCommand("Write a note", "A note on the timeline, in your name (n)",
                            self.note)
        yield SystemCommand("Timeline", "Every recorded event, newest first (t)",
                            self.timeline)
        yield SystemCommand("Rollback", "Plan a rollback, or show the one running (R)",
                            self.rollback)
        yield SystemCommand("Probe this slot",
                            "Run every probe of the shown slot and show the results (p)",
                            room.checklist.action_probe_slot)
        yield SystemCommand("Launch-day report",
                            "Write the day's report (Markdown) next to the database",
                            self.report)
        yield from room.incidents.commands()


def _is(screen: object, module: str, name: str) -> bool:
    """``isinstance(screen, module.name)`` without importing the module (not imported:
    no such screen was ever opened)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(screen, getattr(loaded, name))


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """Every key that acts on ``screen`` now: its own bindings and those of the widget
    with focus and its containers (the app's keys for the control room are left out:
    they do nothing here), then ``?`` and the palette."""
    keys: list[tuple[str, str]] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if (active.node is screen.app or binding.system or not active.enabled
                or binding.action.endswith("copy_text")):  # (no text to select here)
            continue
        shown = binding.key_display or screen.app.get_key_display(binding)
        keys.append((shown or key, binding.description or binding.action))
    return [*keys, ("?", "Help")]
