"""The replay's "go to a time" dialog (``g``): one field, ``HH:MM`` on the launch day.

``enter`` answers the moment (``core.replay_cursor.parse_moment``: ``09:30``,
``13:05:30``, ``D+1 08:00``); a time that does not read is said in the dialog, which
stays. ``escape`` cancels. The record's span is shown as the hint.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from autus_tui.core.replay_cursor import parse_moment
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class GoToDialog(ModalScreen[datetime | None]):
    DEFAULT_CSS = """
    GoToDialog { align: center middle; }
    GoToDialog > Vertical {
        width: 44; height: auto; border: round $accent; background: $surface;
        padding: 0 1;
    }
    GoToDialog Input { margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="replay.goto.cancel"),
    ]

    def __init__(self, day: date, zone: tzinfo, current: str, span: str) -> None:
        super().__init__(id="replay-goto")
        self.day, self.zone = day, zone
        self.current, self.span = current, span

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe.join(("Go to a time", "bold"), f" (now {self.current})"),
                         markup=False)
            yield Input(placeholder="HH:MM", id="replay-goto-time", max_length=16)
            yield Line(safe.styled(f"record {self.span} · enter goes · escape cancels",
                                   "dim"), id="replay-goto-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            moment = parse_moment(event.value, self.day, self.zone)
        except ValueError as error:
            self.query_one("#replay-goto-hint", Line).show(
                safe.styled(str(error), "bold $error", 80))
            return
        self.dismiss(moment)

    def action_cancel(self) -> None:
        self.dismiss(None)
