"""A yes/no question (``y`` or ``enter`` confirms; ``n`` or ``escape`` declines).

Used before a recorded act that changes who is responsible (taking over on-call), so a
stray key never does it. The question and detail may hold outside text (operator
names): through ``ui.safe``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "Yes", show=False, id="confirm.enter"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]

    def __init__(self, question: safe.Content, detail: safe.Content | None = None) -> None:
        super().__init__(id="confirm-dialog")
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, markup=False, id="confirm-question")
            if self.detail is not None:
                yield Static(self.detail, markup=False, id="confirm-detail")
            yield Line(safe.styled("y / enter: yes · n / escape: no", "dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
