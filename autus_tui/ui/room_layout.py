"""Which layout the control room takes at a terminal size.

``apply_size(app, width, height)``: from ``WIDE_MIN_SIZE`` on the wide layout (bordered
panes in a grid; the app gets the ``-wide`` class, else ``-compact``: Textual has no media
queries), the header's wide form from ``HEADER_WIDE_COLUMNS``, and below
``FOOTER_ROOMY_COLUMNS`` the compact footer without the palette hint (at 80 columns every
key fits only so; ctrl+p is listed in the help).
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.header import ControlHeader

WIDE_MIN_SIZE = (120, 36)
"""From this many columns and rows on, the wide layout (bordered panes in a grid)."""
HEADER_WIDE_COLUMNS = 120
FOOTER_ROOMY_COLUMNS = 100
"""Below this many columns the footer is compact and leaves out the palette hint."""


def apply_size(app: App[Any], width: int, height: int) -> None:
    wide = width >= WIDE_MIN_SIZE[0] and height >= WIDE_MIN_SIZE[1]
    app.set_class(wide, "-wide")
    app.set_class(not wide, "-compact")
    app.query_one(ControlHeader).set_wide(width >= HEADER_WIDE_COLUMNS)
    footer = app.query_one(ControlFooter)
    footer.compact = footer_compact = width < FOOTER_ROOMY_COLUMNS
    footer.show_command_palette = not footer_compact
