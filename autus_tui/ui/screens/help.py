"""The help screen (``?``): every key of the screen it was opened on, from its bindings.

Built from the live bindings, so remapped keys show as they are; two columns, so every
key fits at 80x24. Over the control room it lists the room's keys (and the slot strip's
legend); over another screen (the timeline, the handover view, the incident panel) that
screen's keys, under its name. Any of escape, ``q`` or ``?`` closes it.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from autus_tui.ui import safe

EXTRA_KEYS = (("ctrl+p", "command palette"),)
BOX_INSIDE = 56
"""Cells inside the help box (60 wide, a border and a cell of padding on each side)."""
LEGEND = "strip: U upcoming  A active  O overdue  D done"


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("q", "dismiss", "Close", show=False, id="help.close_q"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close_help"),
    ]

    def __init__(self, keys: list[tuple[str, str]], *, title: str = "Keys",
                 legend: bool = True, id: str = "help") -> None:
        super().__init__(id=id)
        self.keys = keys
        self.title = title
        self.legend = legend

    def compose(self) -> ComposeResult:
        keys: list[tuple[str, str]] = []
        seen = set()
        for key, description in [*self.keys, *EXTRA_KEYS]:
            if key not in seen:
                seen.add(key)
                keys.append((safe.clean_text(key, 12), description))
        # Two columns, read down the left then the right: every key fits at 80x24, the
        # descriptions cut to what the box (56 cells inside) leaves beside the keys.
        key_width = max(len(key) for key, _ in keys)
        room = max(12, min(20, (BOX_INSIDE - 2 - 2 * (key_width + 2)) // 2))
        entries = [(key, safe.clean_text(text, room)) for key, text in keys]
        cell_width = key_width + 2 + max(len(text) for _, text in entries)
        half = (len(entries) + 1) // 2
        rows = [safe.styled(self.title, "bold"), safe.plain("")]
        for left, right in zip_longest(entries[:half], entries[half:]):
            parts: list[safe.Part] = [_cell(left, key_width, cell_width)]
            if right is not None:
                parts += ["  ", _cell(right, key_width, cell_width)]
            rows.append(safe.join(*parts))
        rows += [safe.plain(""), *([safe.plain(LEGEND)] if self.legend else []),
                 safe.styled("escape closes this help", "dim")]
        with Vertical(id="help-box"):
            yield Static(safe.Content("\n").join(rows), markup=False, id="help-keys")


def _cell(entry: tuple[str, str] | None, key_width: int, width: int) -> safe.Content:
    if entry is None:
        return safe.plain("")
    key, description = entry
    return safe.join((f"{key:>{key_width}}", "bold"), "  ", description).pad_right(
        max(0, width - key_width - 2 - len(description)))
