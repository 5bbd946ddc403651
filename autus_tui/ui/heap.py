"""The room's heap over a long day: start-up objects frozen, closed screens freed at once.

Start-up builds ~80,000 objects that live as long as the process (Textual, the widgets,
the runbook); every full collection of Python's cyclic collector walks them all (~20 ms,
about every 15 s of steady polling). Once the room stands, ``gc.freeze()`` puts them
out of the collector's sight, so later collections walk only what came after. A closed
screen or dialog is a cyclic tree of widgets that only a full collection frees, which
may be minutes away; the room collects when it is back on top (the benchmark's key
session, 20 help openings: peak RSS 59.0-59.6 → 58.4 MB; issue 10 item 4).

Only in a real terminal: a test process runs many apps one after another, and freezing
one would keep whatever the others drop later for good.
"""

from __future__ import annotations

import gc
from typing import Any

from textual.app import App

FREEZE_AFTER = 1.0
"""Seconds after mount: the first frame and the first poll are drawn by then (~0.5 s),
and the steady state has not begun (the collection before the freeze takes ~25 ms)."""
COLLECT_AFTER = 0.3
"""Seconds after the room is back on top: the closed screen's frame drawn and it removed."""


def care_for_heap(app: App[Any]) -> None:
    """Call from the app's ``on_mount``."""
    if app.is_headless:
        return
    app.set_timer(FREEZE_AFTER, _freeze_start_up)
    app.screen_change_signal.subscribe(app, lambda _screen: _room_on_top(app))


def _freeze_start_up() -> None:
    gc.collect()  # start-up's garbage goes first: frozen, it would stay for good
    gc.freeze()


def _room_on_top(app: App[Any]) -> None:
    if len(app.screen_stack) == 1:  # whatever was open above the room is garbage now
        app.set_timer(COLLECT_AFTER, gc.collect)
