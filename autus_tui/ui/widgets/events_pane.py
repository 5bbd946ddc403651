"""Time-stamped events, newest last, bounded (the oldest fall off past ``MAX_LINES``).

Each entry is ``HH:MM:SS text`` in the launch timezone; a level in the entry is shown as
its styled word. Text arrives already cleaned by the dashboard and goes through
``ui.safe`` again here (it is outside text: error messages, reasons).

A line-API widget (``ScrollView``): an entry is wrapped to the pane's width once, when
it is added (or when the width changes), and ``render_line`` hands out those lines, so
adding one never renders the others again. The pane *follows* the newest line: after an
entry is added and after any resize, the newest line is in view, unless the operator
scrolled up to read (scrolling back to the end follows again).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from autus_tui.core.levels import Level
from autus_tui.ui import safe

MAX_LINES = 200


class EventsPane(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    EventsPane { overflow-x: hidden; }
    """

    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane events-pane")
        self.zone = zone
        self.lines: deque[Content] = deque(maxlen=MAX_LINES)
        """The entries, oldest first."""
        self._wrapped: deque[list[Strip]] = deque()
        self._width = 0
        self._rows: list[Strip] = []
        self.following = True
        """Keep the newest line in view (off while the operator reads further up)."""

    def add(self, at: datetime, text: str, level: Level | None = None) -> None:
        entry = self._line(at, text, level)
        if len(self.lines) == MAX_LINES and self._wrapped:
            self._wrapped.popleft()
        self.lines.append(entry)
        if self._width:
            self._wrapped.append(self._wrap(entry))
            self._rows = [row for rows in self._wrapped for row in rows]
            self._update_size()

    def replace(self, items: Iterable[tuple[datetime, str, Level | None]]) -> None:
        """Show exactly these lines (the replay redraws the pane at each move)."""
        self.lines.clear()
        self.lines.extend(self._line(at, text, level) for at, text, level in items)
        if self._width:
            self._rewrap()
            self._update_size()

    def _line(self, at: datetime, text: str, level: Level | None) -> Content:
        stamp = at.astimezone(self.zone).strftime("%H:%M:%S")
        parts: list[safe.Part] = [(stamp, "dim"), " "]
        if level is not None:
            parts += [safe.level_word(level), " "]
        parts.append(safe.plain(text, 400))
        return safe.join(*parts)

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    def _wrap(self, entry: Content) -> list[Strip]:
        return Visual.to_strips(self, entry, self._width, None, self.visual_style,
                                pad=True)

    def _rewrap(self) -> None:
        self._wrapped = deque(self._wrap(entry) for entry in self.lines)
        self._rows = [row for rows in self._wrapped for row in rows]

    def _update_size(self) -> None:
        self.virtual_size = Size(self._width, len(self._rows))
        if self.following:
            # At once, not after the next refresh: a resize in between would leave the
            # pane short of the end.
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._rewrap()
        self._update_size()
        if self.following:
            self.call_after_refresh(self._to_end)

    def _to_end(self) -> None:
        if self.following:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._width:
            self._rewrap()  # the theme's colours are in the wrapped lines

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # The operator's scroll decides; a scroll to the end (theirs or ours) follows.
        self.following = round(new_value) >= self.max_scroll_y

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if 0 <= row < len(self._rows):
            return self._rows[row].crop_extend(0, width, self.visual_style.rich_style)
        return Strip.blank(width, self.visual_style.rich_style)
