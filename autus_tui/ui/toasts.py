"""Toasts for announcements: never over an open screen, at most one per subject.

``Toaster(app)``: ``show(text, severity, key)`` raises a toast with cleaned text (never
markup). While any screen is open above the control room (a dialog, help, the command
palette, the timeline or handover view) no toast is raised: the announcement is in the
events pane, which is where the operator looks on return. Opening such a screen takes
the toasts on display away, so none covers it. A toast with the ``key`` of one still on
display (a metric, the backend) replaces it: at most one toast per metric.

Textual 8.2.8's ``notify`` returns nothing to remove later and adds the toast only when
its message is handled, so the ``Notification`` is made here and added at once, and the
old one removed with ``App._unnotify`` (private, but Textual is pinned to one version and
the tests exercise it).

A toast taken away early is taken away whole. Textual wraps each toast in a holder and
only a toast that times out removes its holder; one replaced or cleared (``ToastRack.show``
for a notification that is gone) leaves an empty holder behind, for good: a day of
flapping metrics piled them up in every screen's rack, each one more widget to lay out on
every change of the toasts (issue 11 item 10). ``_take_away`` removes the holder too.

``Toaster.of(app)`` is the app's toaster, for widgets that say the same thing again and
again (the checklist's "already done by bob" during a burst of presses): one toast per
subject, replaced, never a stack of them up the screen.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual.app import App
from textual.css.query import NoMatches
from textual.notifications import Notification
from textual.screen import Screen
from textual.widgets._toast import ToastHolder, ToastRack

from autus_tui.ui.safe import Severity, clean_text

MAX_TEXT = 300
_TOASTERS: WeakKeyDictionary[App[Any], Toaster] = WeakKeyDictionary()


class Toaster:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._by_key: dict[str, Notification] = {}
        self._raised: list[Notification] = []
        _TOASTERS[app] = self

    @classmethod
    def of(cls, app: App[Any]) -> Toaster | None:
        """The toaster made for ``app``, if any."""
        return _TOASTERS.get(app)

    def watch_screens(self) -> None:
        """Call once the app runs: clear toasts whenever a screen opens over the room."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    def screen_open(self) -> bool:
        return len(self.app.screen_stack) > 1

    def show(self, text: str, severity: Severity = "information", key: str | None = None,
             ) -> bool:
        """Raise a toast unless a screen is open; True when raised."""
        if self.screen_open():
            return False
        notifications = self.app._notifications
        old = self._by_key.pop(key, None) if key is not None else None
        if old is not None and old in notifications:
            self._take_away(old)
        notification = Notification(clean_text(text, MAX_TEXT), "", severity,
                                    self.app.NOTIFICATION_TIMEOUT, markup=False)
        notifications.add(notification)
        self._raised = [n for n in self._raised if n in notifications] + [notification]
        self.app._refresh_notifications()
        if key is not None:
            self._by_key[key] = notification
        return True

    def _screen_changed(self, _screen: Screen[Any]) -> None:
        if self.screen_open():
            self._by_key.clear()
            raised, self._raised = self._raised, []
            for notification in raised:
                if notification in self.app._notifications:
                    self._take_away(notification)
            self.app._refresh_notifications()

    def _take_away(self, notification: Notification) -> None:
        """Forget ``notification`` and remove its toast with its holder, on every screen
        (a screen just opened: the toast is on the one below)."""
        self.app._unnotify(notification, refresh=False)
        toast_id = ToastRack._toast_id(notification)
        for screen in self.app.screen_stack:
            try:
                rack = screen.get_child_by_type(ToastRack)
            except NoMatches:
                continue
            for toast in rack.query(f"#{toast_id}"):
                holder = toast.parent
                (holder if isinstance(holder, ToastHolder) else toast).remove()
