"""Opening and closing screens does not keep what they drew (issue 10 item 4, memory).

Textual 8.2.8 keeps every style cache it drew with in an lru_cache keyed by the cache
itself (``StylesCache.get_inner_outer``), up to 1,024 of them with their rendered
lines: each screen opened and closed added the footer's keys and the screen's widgets
for good (~80-150 kB an opening). The footer's recompose clears it (``ui.widgets.footer``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from conftest import Room, settle
from textual._styles_cache import StylesCache
from textual.widget import Widget

Rooms = Callable[..., Room]


async def test_twenty_screens_opened_and_closed_leave_no_style_caches(
    control_room: Rooms,
) -> None:
    app = control_room().app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(20):
            for key in ("question_mark", "t", "h"):
                await pilot.press(key)
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
        await settle(pilot)
        gc.collect()
        live = {id(w._styles_cache) for w in gc.get_objects() if isinstance(w, Widget)}
        caches = [c for c in gc.get_objects() if isinstance(c, StylesCache)]
        kept = [c for c in caches if id(c) not in live]
        # (without the clearing, these 60 openings kept nearly a thousand)
        assert len(kept) < 50, len(kept)
        assert StylesCache.get_inner_outer.cache_info().currsize < 200
