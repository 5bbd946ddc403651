"""Helpers for reading the control room in tests (Pilot, snapshots) and benchmarks.

``screen_text(app)`` is what a person would read: the composed screen as plain lines.
(Waiting for a state is the tests' own helper: ``tests/conftest.py``'s ``wait_until``.)
"""

from __future__ import annotations

from typing import Any

from textual.app import App


def screen_text(app: App[Any]) -> str:
    """The visible screen (including toasts and modal screens) as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
