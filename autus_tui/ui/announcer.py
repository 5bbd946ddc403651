"""What the control room says: the events pane's lines, toasts and the bell.

``Announcer(app, clock, store)`` owns the toaster (``ui.toasts``: never over an open
screen, one per metric) and the events pane. ``announce(news)`` puts each
``Announcement`` in the events pane and, as it asks, toasts and rings. ``database_error``
says a store error once per distinct error (the watcher retries every 0.25 s) and a
file deleted or replaced under the process on every screen until the app ends;
``database_ok()`` forgets the error said, so its return is said again. Answers to a
note or an export the app hands over (``intent_done``, ``export_done``) are toasts.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from textual.app import App

from autus_tui.core.clock import Clock
from autus_tui.core.dashboard import Announcement
from autus_tui.core.levels import Level
from autus_tui.store import Store
from autus_tui.ui import safe
from autus_tui.ui.exports import ExportDone
from autus_tui.ui.intents import IntentDone, WriteNote
from autus_tui.ui.toasts import Toaster
from autus_tui.ui.widgets.events_pane import EventsPane

SEVERITY: dict[Level | None, safe.Severity] = {
    Level.CRIT: "error", Level.WARN: "warning", Level.STALE: "warning",
}
EXPORT_WORDS = {"report": "launch-day report", "handover": "handover"}
LOST_TOAST_SECONDS = 7 * 24 * 3600.0
"""A deleted or replaced database is said until the app ends."""


class Announcer:
    def __init__(self, app: App[Any], clock: Clock, store: Store | None, zone: tzinfo) -> None:
        self.app, self.clock, self.store = app, clock, store
        self.toaster = Toaster(app)
        self.events = EventsPane(zone, id="events")
        self._db_error_shown: str | None = None

    def announce(self, news: list[Announcement]) -> None:
        if not news:
            return
        for item in news:
            self.events.add(item.at, item.text, item.level)
            if item.toast:
                self.toaster.show(item.text, SEVERITY.get(item.level, "information"), item.key)
            if item.bell:
                self.app.bell()

    def say(self, text: str, level: Level | None = None, *, toast: bool = False) -> None:
        """One announcement of our own, now."""
        self.announce([Announcement(self.clock.now(), text, level, toast=toast)])

    def database_error(self, error: str) -> None:
        if error == self._db_error_shown:
            return
        self._db_error_shown = error
        lost = self.store.lost if self.store is not None else None
        self.say(f"database: {error}", Level.STALE, toast=lost is None)
        if lost is not None:
            safe.toast(self.app, str(lost), title="DATABASE GONE: nothing more is saved",
                       severity="error", timeout=LOST_TOAST_SECONDS)

    def intent_done(self, message: IntentDone) -> None:
        if isinstance(message.intent, WriteNote) and message.error:
            safe.toast(self.app, f"note {message.error}", severity="error", timeout=10)

    def export_done(self, message: ExportDone) -> None:
        what = EXPORT_WORDS.get(message.label, message.label)
        if message.error:
            safe.toast(self.app, message.error, severity="error", timeout=10)
        else:
            safe.toast(self.app, f"{what} written to {message.path}", timeout=10)

    def database_ok(self) -> None:
        self._db_error_shown = None

    @property
    def text(self) -> str:
        """Everything in the events pane, plain."""
        return self.events.text
