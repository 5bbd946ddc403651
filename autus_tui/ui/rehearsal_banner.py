"""REHEARSAL on every screen: a banner line docked at the top of each screen that opens
over a rehearsal's control room (timeline, handover, incident panel, rollback dialogs,
help, every dialog), so no screen of a rehearsal can be taken for the live launch day.
The main screen says it in its header.

``mark_screens(app)`` (the control room calls it on mount in rehearsal) watches the
screens: each screen other than the first gets one ``RehearsalBanner`` once it is laid
out (screens are kept and reopened: never twice). Docked, it takes one row and moves
nothing else of the screen's own layout.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

TEXT = " REHEARSAL — not the live launch day "


class RehearsalBanner(Line):
    DEFAULT_CSS = """
    RehearsalBanner { dock: top; height: 1; width: 100%; }
    """

    def __init__(self) -> None:
        super().__init__(safe.styled(TEXT, "bold reverse $warning"), classes="rehearsal")


def mark_screens(app: App[Any]) -> None:
    def changed(screen: Screen[Any]) -> None:
        if screen is not app.screen_stack[0]:
            screen.call_after_refresh(_mark, screen)

    app.screen_change_signal.subscribe(app, changed)


def _mark(screen: Screen[Any]) -> None:
    if screen.is_mounted and not screen.query(RehearsalBanner):
        screen.mount(RehearsalBanner())
