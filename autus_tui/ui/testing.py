"""Helpers for driving the control room in tests (Pilot, snapshots) and benchmarks.

``screen_text(app)`` is what a person would read: the composed screen as plain lines.
``wait_until(pilot, predicate)`` waits, bounded, for the app to reach a state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot


def screen_text(app: App[Any]) -> str:
    """The visible screen (including toasts and modal screens) as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.05
) -> bool:
    """Pause the test until ``predicate()`` holds; ``False`` after ``timeout`` seconds."""
    loops = max(1, int(timeout / step))
    for _ in range(loops):
        if predicate():
            return True
        await pilot.pause(step)
    return predicate()
