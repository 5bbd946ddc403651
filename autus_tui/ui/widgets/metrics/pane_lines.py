"""A pane drawn as one widget: its lines are built here, and a change repaints its cells.

Each metric pane used to be a tree of one-line widgets (about 70 in the metric column);
keeping and compositing them was half of the control room's steady CPU. A
``PaneLines`` widget instead draws lines it is given (``set_lines``) through Textual's
line API: each line is a row of *parts* (a label, padding, a value, a level word…), each
exactly as wide as the builder decided, and together as wide as the pane. When the lines
change, only the cells up to the last one that differs are marked for repainting (Textual
sends a line from the widget's edge to the end of the change), never the pane again and
never a new layout (the number of lines is fixed by the pane's kind and layout, not by
its values). A line's cells are rendered once and kept until it changes.

A pane scrolled out of view (the ninth pane at 80x24) is not repainted at all: asking
Textual to would make it arrange every widget again on each frame. It is drawn afresh
when scrolled into view.

``Cell`` keeps one part of a line (a value, a level word, a note) for the line builder
and for tests (``pane.value.text``). ``fit`` and ``fit_right`` cut or pad a part to a
width; the builders decide widths so that a *value* is never cut (a label gives way
first).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

FOCUS_STYLE = "bold reverse"
"""A focused pane's label (a pane has no cursor: this says where tab went)."""
DEFAULT_WIDTH = 38
"""The width lines are built for before the pane was laid out (then built again)."""
Parts = tuple[Content, ...]


class Cell:
    """One part of a pane's line, as last shown."""

    __slots__ = ("content",)

    def __init__(self, content: Content | None = None) -> None:
        self.content = content or Content("")

    def show(self, content: Content) -> None:
        self.content = content

    @property
    def text(self) -> str:
        return self.content.plain


class PaneLines(Widget):
    DEFAULT_CSS = """
    PaneLines { height: auto; }
    """

    def __init__(self, lines: int = 1, *, id: str | None = None,
                 classes: str | None = None) -> None:
        """``lines``: how many lines to reserve before the first ``set_lines``."""
        super().__init__(id=id, classes=classes)
        self._lines: list[Parts] = [()] * lines
        self._strips: dict[int, Strip] = {}

    @property
    def width(self) -> int:
        """The width to build lines for: the content width once laid out."""
        return self.content_size.width or DEFAULT_WIDTH

    @property
    def lines(self) -> list[Content]:
        return [Content("").join(parts) for parts in self._lines]

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    @property
    def on_view(self) -> bool:
        """In the screen's last drawn frame (not scrolled out of view, not hidden)."""
        try:
            return self in self.screen._compositor.visible_widgets
        except NoScreen:
            return False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((sum(part.cell_length for part in parts) for parts in self._lines),
                   default=0)

    def set_lines(self, lines: Sequence[Sequence[Content]]) -> None:
        """Show ``lines`` (each a row of parts); repaint only the parts that changed."""
        new = [tuple(parts) for parts in lines]
        old, self._lines = self._lines, new
        if len(old) != len(new):
            self._strips.clear()
            self.refresh(layout=True)  # another kind of content (e.g. wide vs compact)
            return
        regions = []
        for y, (before, after) in enumerate(zip(old, new, strict=True)):
            span = changed_cells(before, after)
            if span is not None:
                self._strips.pop(y, None)
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if not regions or not self.is_mounted or not self.content_size.width:
            return
        if not self.on_view:
            self._set_dirty()  # rendered afresh when it comes into view (module doc)
            return
        self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            base = self.visual_style
            line = Content("").join(self._lines[y]) if y < len(self._lines) else Content("")
            segments = [Segment(text, style.rich_style) for text, style in
                        line.render(base, end="", parse_style=self._get_style)]
            # One run per style: each run costs its own escape sequences on the wire.
            strip = Strip(segments).simplify().crop_extend(0, self.content_size.width,
                                                           base.rich_style)
            self._strips[y] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # the theme's colours, focus, are in the rendered lines

    def on_resize(self) -> None:
        self._strips.clear()
        self.rebuild()

    def on_focus(self) -> None:
        self.rebuild()

    def on_blur(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Build the lines again for the present width (and focus); subclasses do."""


def changed_cells(before: Parts, after: Parts) -> tuple[int, int] | None:
    """The cells ``[start, end)`` where two lines differ in text or style; ``None``: equal.

    Exact to the cell at the end: Textual sends a repainted line from the widget's left
    edge up to the end of the region, so every cell past the last change is a byte saved.
    """
    if before == after:
        return None
    old, new = Content("").join(before), Content("").join(after)
    if old.plain == new.plain and list(old.spans) == list(new.spans):
        return None
    a, b = _styled_chars(old), _styled_chars(new)
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    first = cell_len(old.plain[:start])
    last = max(cell_len(old.plain[:end_a]), cell_len(new.plain[:end_b]))
    return (first, max(last, first + 1))


def _styled_chars(content: Content) -> list[tuple[str, tuple[object, ...]]]:
    styles: list[tuple[object, ...]] = [()] * len(content.plain)
    for span in content.spans:
        for index in range(span.start, min(span.end, len(styles))):
            styles[index] = (*styles[index], span.style)
    return list(zip(content.plain, styles, strict=True))


def fit(content: Content, width: int) -> Content:
    """``content`` in exactly ``width`` cells: cut with an ellipsis, or padded."""
    if width <= 0:
        return Content("")
    return content.truncate(width, ellipsis=True, pad=True)


def fit_right(content: Content, width: int) -> tuple[Content, Content]:
    """``content`` right-aligned in ``width`` cells, as (padding, content): two parts, so
    a new value repaints its own cells and not the padding before it."""
    if width <= 0:
        return Content(""), Content("")
    if content.cell_length > width:
        return Content(""), fit(content, width)
    return Content(" " * (width - content.cell_length)), content
