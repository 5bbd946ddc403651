"""A short text for an incident step: escalate now (a reason), resolve (a resolution),
reopen (a reason, optional).

The dialog names the incident it acts on and what will happen (``#3 경고 응답 지연 > 5s
— the newest of 2 open``; "fires L2 백엔드 리드 now" / "stops the ladder"), so with
several incidents open nobody acts on the wrong one. ``enter`` with text dismisses with
it (a required text that is blank is refused in words and the dialog stays); ``escape``
cancels and nothing is written. The heading and detail are built by the caller from
``ui.safe``; typed text is returned as typed (the store keeps it exactly; screens clean it).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from autus_tui.store.incidents import MAX_REASON
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class IncidentReasonDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    IncidentReasonDialog { align: center middle; }
    IncidentReasonDialog > Vertical {
        width: 72; max-width: 98%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    IncidentReasonDialog #incident-reason-detail { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="incident_reason.cancel"),
    ]

    def __init__(self, heading: safe.Content, detail: safe.Content, placeholder: str, *,
                 required: bool = True, refusal: str = "") -> None:
        super().__init__(id="incident-reason-dialog")
        self.heading, self.detail = heading, detail
        self.placeholder, self.required = placeholder, required
        self.refusal = refusal or f"{placeholder.capitalize()} is needed, or escape to cancel."

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading, markup=False, id="incident-reason-heading")
            yield Static(self.detail, markup=False, id="incident-reason-detail")
            yield Input(placeholder=self.placeholder, max_length=MAX_REASON,
                        id="incident-reason-text")
            yield Line(safe.styled("enter saves · escape cancels", "dim"),
                       id="incident-reason-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not safe.clean_text(text).strip():
            self.query_one("#incident-reason-hint", Line).show(
                safe.styled(self.refusal, "bold $error"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
