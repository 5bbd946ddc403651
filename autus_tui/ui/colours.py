"""Colours that stay apart in a 16-colour terminal (issue 10 item 8).

Textual downgrades each colour to the nearest of the terminal's 16 when the terminal has
no more (``TERM=xterm`` or ``linux``; Rich reads ``COLORTERM``/``TERM``, Textual
``TEXTUAL_COLOR_SYSTEM``). The default theme's warning (#ffa62b) and error (#ba3c5b)
both become bright red there, so WARN and CRIT differed only in the word, and the
accent (the sparklines) was red too. ``fit_theme(app)`` switches such an app to
``autus-16``: the default dark theme with a warning that becomes yellow, an error that
becomes red, a success that becomes green and an accent that becomes cyan, so a held
WARN is black on yellow and a CRIT bold black on red. In 256 colours and more nothing
changes.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

SIXTEEN = "autus-16"
SIXTEEN_COLOURS = ("standard", "windows")
"""Rich's names of the colour systems with 16 colours."""


def sixteen_colour_theme() -> Theme:
    base = BUILTIN_THEMES["textual-dark"]
    return Theme(
        name=SIXTEEN, primary=base.primary, secondary=base.secondary,
        warning="#ffaf00",  # → bright yellow (11)
        error="#d70000",    # → red (1)
        success="#00d700",  # → green (2)
        accent="#00afd7",   # → cyan (6): sparklines, never read as a level
        foreground=base.foreground, dark=True,
    )


def fit_theme(app: App[Any], *, headless: bool = False) -> bool:
    """Switch to ``autus-16`` when the terminal has 16 colours; True when switched.

    Not in a headless app (tests, snapshots) unless asked: its "terminal" is whatever
    ``TERM`` the test runner has, and snapshots must not depend on that."""
    if app.is_headless and not headless:
        return False
    if app.console.color_system not in SIXTEEN_COLOURS:
        return False
    app.register_theme(sixteen_colour_theme())
    app.theme = SIXTEEN
    return True
