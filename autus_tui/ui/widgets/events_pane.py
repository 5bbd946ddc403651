"""Time-stamped events, newest last, bounded (the oldest fall off past ``MAX_LINES``).

Each line is ``HH:MM:SS text`` in the launch timezone; a level in the line is shown as
its styled word. Text arrives already cleaned by the dashboard and goes through
``ui.safe`` again here (it is outside text: error messages, reasons).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from autus_tui.core.levels import Level
from autus_tui.ui import safe

MAX_LINES = 200


class EventsPane(VerticalScroll, can_focus=True):
    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane events-pane")
        self.zone = zone
        self.lines: deque[Content] = deque(maxlen=MAX_LINES)
        self.body = Static(Content(""), markup=False, classes="events-body")

    def compose(self) -> ComposeResult:
        yield self.body

    def add(self, at: datetime, text: str, level: Level | None = None) -> None:
        self.lines.append(self._line(at, text, level))
        self._show()

    def replace(self, items: Iterable[tuple[datetime, str, Level | None]]) -> None:
        """Show exactly these lines (the replay redraws the pane at each move)."""
        self.lines.clear()
        self.lines.extend(self._line(at, text, level) for at, text, level in items)
        self._show()

    def _line(self, at: datetime, text: str, level: Level | None) -> Content:
        stamp = at.astimezone(self.zone).strftime("%H:%M:%S")
        parts: list[safe.Part] = [(stamp, "dim"), " "]
        if level is not None:
            parts += [safe.level_word(level), " "]
        parts.append(safe.plain(text, 400))
        return safe.join(*parts)

    def _show(self) -> None:
        self.body.update(Content("\n").join(self.lines))
        # After the body's new height is laid out, or the end is not the end yet.
        self.call_after_refresh(self.scroll_end, animate=False)

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines)
