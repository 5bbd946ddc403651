"""The checklist panel's parts: the item list, the selected item's detail, the slot strip.

Each repaints only when what it shows changed, and never re-lays out the screen for a
selection move (keys over SSH stay one small frame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar, cast

from textual.binding import Binding, BindingType
from textual.css.styles import RulesMap
from textual.widgets import OptionList, Static

from autus_tui.core.checklist_view import SlotView
from autus_tui.ui import safe
from autus_tui.ui.widgets.checklist import render


class ItemList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="checklist.down"),
        Binding("k", "cursor_up", "Up", show=False, id="checklist.up"),
    ]

    def __init__(self, *, classes: str | None = None,
                 on_move: Callable[[], object] | None = None) -> None:
        super().__init__(classes=classes)
        self.on_move = on_move

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        # Tell the panel now, not through the OptionHighlighted message: the detail's
        # repaint then joins the frame of the list's (~20 ms sooner at 60 fps).
        if (self.on_move is not None and highlighted is not None
                and not self.options[highlighted].disabled):
            self.on_move()


class Detail(Static):
    """The selected item's line(s). Repaints only when its text changed. Its height is
    set here: the tallest detail of the shown slot's items at this width (``fit_to``;
    CSS's max-height caps it), so moving the selection with j/k never re-lays out the
    screen, and the list above does not jump by a row from one item to the next."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(safe.Content(""), markup=False, classes=classes)
        self._key: tuple[str, tuple[object, ...]] = ("", ())
        self._shown = safe.Content("")
        self._pool: list[safe.Content] = []
        self._height: int | None = None
        """The height set here; None: CSS's ``auto`` until the width is known."""

    def show(self, content: safe.Content) -> None:
        key = (content.plain, tuple(content.spans))
        if key == self._key:
            return
        self._key, self._shown = key, content
        self.update(content, layout=self._height is None)
        if self._pool:
            return  # the height already fits every detail of the slot
        self._fit()

    def fit_to(self, contents: Iterable[safe.Content]) -> None:
        """Take the height of the tallest of ``contents`` (the slot's details)."""
        self._pool = list(contents)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        # A height set in styles, not left to ``auto`` with ``update(layout=False)``: a new
        # style always re-lays out (Textual 8 can keep a stale auto height when a layout
        # is already pending for this widget).
        width = self.content_size.width
        if width <= 0:
            return
        rules = cast(RulesMap, self.styles)
        cap = self.styles.max_height.cells if self.styles.max_height is not None else None
        height = 1
        for content in (self._shown, *self._pool):
            height = max(height, content.get_height(rules, width))
            if cap is not None and height >= cap:
                height = cap
                break
        if height != self._height:
            self._height = height
            self.styles.height = height


class SlotStrip(Static):
    """The slot strip; re-packs its entries for its own width whenever that changes."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(safe.Content(""), markup=False, classes=classes)
        self.views: list[SlotView] = []
        self.shown = 0
        self._key: tuple[object, ...] = ()
        self._lines = 0

    def show(self, views: list[SlotView], shown: int) -> None:
        self.views, self.shown = views, shown
        self._render_strip()

    def on_resize(self) -> None:
        # After this layout pass: a new height asked for inside it would be lost.
        self.call_after_refresh(self._render_strip)

    def _render_strip(self) -> None:
        if not self.views:
            return
        content = render.strip(self.views, self.shown, self.content_size.width or 38)
        key = (content.plain, tuple(content.spans))
        if key != self._key:
            # A new layout only when the strip takes another number of lines (progress
            # changes on every mark; its line count rarely).
            lines = content.plain.count("\n")
            self.update(content, layout=not self._key or lines != self._lines)
            self._key, self._lines = key, lines
