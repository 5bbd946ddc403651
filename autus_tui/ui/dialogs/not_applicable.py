"""The not-applicable dialog (``s``): an item is N/A only with a reason.

Shows the item's text (outside text, through ``ui.safe``) and an Input. ``enter`` with a
reason dismisses with the reason; an empty (or blank) reason is refused in words and the
dialog stays; ``escape`` cancels (dismisses with ``None``) and nothing is written.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from autus_tui.store.checklist import MAX_REASON
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class NotApplicableDialog(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="na.cancel"),
    ]

    def __init__(self, item_text: str) -> None:
        super().__init__(id="na-dialog")
        self.item_text = item_text

    def compose(self) -> ComposeResult:
        with Vertical(id="na-box"):
            yield Static(safe.styled("Not applicable — why?", "bold"), markup=False)
            yield Static(safe.plain(self.item_text, 300), markup=False, id="na-item")
            yield Input(placeholder="reason (required)", max_length=MAX_REASON, id="na-reason")
            yield Line(safe.styled("enter saves · escape cancels", "dim"), id="na-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = safe.clean_text(event.value).strip()
        if not reason:
            self.query_one("#na-hint", Line).show(
                safe.styled("A reason is required: say why this item does not apply.",
                            "bold $error"))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
