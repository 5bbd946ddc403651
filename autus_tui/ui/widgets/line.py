"""A one-line text cell that repaints only when its content really changed.

Over SSH every repaint costs bytes, so panes push new content every second but a
``Line`` compares text *and* styles with what it shows and does nothing when equal.
Content must come from ``autus_tui.ui.safe`` (or be built from our own literals).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class Line(Static):
    DEFAULT_CSS = """
    Line { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, content: Content | None = None, *, id: str | None = None,
                 classes: str | None = None) -> None:
        content = content or Content("")
        super().__init__(content, markup=False, id=id, classes=classes)
        self._key = _key(content)
        self.shown_cells = content.cell_length
        """Cells the shown content takes (what an auto width is measured from)."""

    def show(self, content: Content) -> bool:
        """Display ``content``; return whether anything changed."""
        key = _key(content)
        if key == self._key:
            return False
        self._key = key
        self.shown_cells = content.cell_length
        self.update(content, layout=False)
        return True

    @property
    def text(self) -> str:
        return self._key[0]


def _key(content: Content) -> tuple[str, tuple[object, ...]]:
    return content.plain, tuple(content.spans)
