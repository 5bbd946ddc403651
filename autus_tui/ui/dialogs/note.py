"""The note dialog (``n``): free text, several lines, saved in the operator's name.

A ``TextArea`` (``enter`` is a new line); ``ctrl+s`` saves, ``escape`` cancels and
nothing is written. A note that is empty once cleaned (``store.notes.clean_note``) is
refused in words and the dialog stays; one longer than ``MAX_NOTE`` is kept cut, with
"…". The dialog only returns the text: the app writes it off the UI thread and it
shows, attributed and timed, when the store watcher sees it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from autus_tui.store.notes import clean_note
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class NoteDialog(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, operator: str) -> None:
        super().__init__(id="note-dialog")
        self.operator = operator

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static(safe.join(("Note", "bold"), " by ", (self.operator, "bold")),
                         markup=False)
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Line(safe.styled("ctrl+s saves · escape cancels", "dim"), id="note-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        text = self.text
        try:
            clean_note(text)
        except ValueError:
            self._hint("A note needs some text: write something, or escape to cancel.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _hint(self, text: str) -> None:
        self.query_one("#note-hint", Line).show(safe.styled(text, "bold $error"))
