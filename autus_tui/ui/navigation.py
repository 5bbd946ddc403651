"""Opening the control room's installed screens (help, timeline, handover).

Each is made once, installed under a name, and ``reopen``-ed (read afresh, filters and
status as new) every later time: a new screen per opening grew the RSS for good
(``benchmarks/bench_screens_memory.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.screen import Screen

S = TypeVar("S", bound=Screen[Any])


def show_installed(app: App[Any], name: str, kind: type[S], make: Callable[[], S]) -> None:
    """Push the screen installed as ``name`` (made by ``make`` the first time)."""
    if isinstance(app.screen, kind):
        return
    if app.is_screen_installed(name):
        screen = app.get_screen(name, kind)
        reopen = getattr(screen, "reopen", None)
        if reopen is not None:
            reopen()
    else:
        app.install_screen(make(), name)
    app.push_screen(name)
