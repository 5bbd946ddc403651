"""The help screen (``?``): every key the control room answers to, from its bindings.

Built from the live bindings, so remapped keys show as they are. Any of escape, ``q``
or ``?`` closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from autus_tui.ui import safe

EXTRA_KEYS = (("ctrl+p", "command palette"),)
LEGEND = "strip: U upcoming  A active  O overdue  D done"


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("q", "dismiss", "Close", show=False, id="help.close_q"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close_help"),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__(id="help")
        self.keys = keys

    def compose(self) -> ComposeResult:
        rows = [safe.styled("Keys", "bold"), safe.plain("")]
        seen = set()
        for key, description in [*self.keys, *EXTRA_KEYS]:
            if key in seen:
                continue
            seen.add(key)
            rows.append(safe.join((f"{safe.clean_text(key):>16}", "bold"), "  ", description))
        rows += [safe.plain(""), safe.plain(LEGEND),
                 safe.styled("escape closes this help", "dim")]
        with Vertical(id="help-box"):
            yield Static(safe.Content("\n").join(rows), markup=False, id="help-keys")
