"""The heap care of ``ui.heap`` stays out of a test process (many apps, one process)."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from conftest import Room, wait_until

from autus_tui.ui import heap


async def test_a_headless_room_never_freezes_the_process_heap(
    control_room: Callable[..., Room], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Frozen, every object alive now would outlive its test for good; only a room in a
    # real terminal (its own process) freezes its start-up objects.
    monkeypatch.setattr(heap, "FREEZE_AFTER", 0.01)
    frozen = gc.get_freeze_count()
    app = control_room().app
    later: list[bool] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            app.set_timer(0.05, lambda: later.append(True))  # due after the freeze's
            await pilot.press("question_mark")
            await pilot.press("escape")
            await wait_until(pilot, lambda: bool(later))
            assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
