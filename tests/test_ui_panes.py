"""The metric column's steady cost and its size (issue 10 items 4 and 5).

Each pane is one widget drawing its own lines; a new value repaints its own cells, no
new layout; the events pane appends a line without rendering the others again; the
room grows with the terminal from 160x48 on and never cuts a value. Fixed polls fed
through ``apply_poll`` on a fixed clock, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import Room, wait_until

from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

Rooms = Callable[..., Room]
VALUES = {
    "active_users": 1200, "gate_observe": 1000, "gate_ring": 200, "gate_lock": 30,
    "afterimage_rate": 40.0, "error_rate": 0.2, "avg_response": 120.0, "gate_failures": 0,
    "db_connections": 40.0, "memory_pct": 50.0,
}


def poll(room: Room, **override: float | str) -> PollResult:
    """The calm values, some overridden (a string: a rejected reading, its reason)."""
    values: dict[str, float | str] = {**VALUES, **override}
    readings = {key: Reading(None, value) if isinstance(value, str) else Reading(value)
                for key, value in values.items()}
    return PollResult(room.clock.now(), readings, Health("ok", "All systems operational"))


def pane(app: ControlRoom, key: str) -> MetricPane:
    return app.query_one(f"#pane-{key}", MetricPane)


async def test_the_metric_column_is_a_dozen_widgets_not_seventy(control_room: Rooms) -> None:
    app = control_room(None).app
    async with app.run_test(size=(80, 24)):
        column = app.query_one("#metrics")
        # 10 panes (9 and a group), the health and host lines and their two containers.
        assert len(list(column.walk_children())) <= 14


def layout_requests(app: ControlRoom) -> int:
    """How many times any widget on the screen asked for a layout (Textual counts them)."""
    screen = app.screen
    return sum(widget._layout_updates for widget in [screen, *screen.walk_children()])


async def test_a_new_value_repaints_its_cells_and_lays_nothing_out(control_room: Rooms) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            app.apply_poll(poll(room))
            room.clock.advance(timedelta(seconds=1))
        await pilot.pause()
        error_rate = pane(app, "error_rate")
        width, region = error_rate.content_size.width, error_rate.region
        # Counted around the call itself: the store watcher may lay out meanwhile.
        layouts = layout_requests(app)
        app.apply_poll(poll(room, error_rate=0.3))
        assert layout_requests(app) == layouts  # no widget asked for a new layout
        # What the pane asked to repaint: the head line up to the new value (Textual sends
        # a line from the widget's edge to the end of the change) and the sparkline.
        regions = set(error_rate._repaint_regions)
        assert regions and all(region.height == 1 for region in regions)
        head = next(region for region in regions if region.y == 0)
        assert head.right <= width - 8  # not the level word after the value
        assert await wait_until(pilot, lambda: "0.30%" in screen_text(app))
        assert error_rate.region == region


async def test_a_pane_scrolled_out_of_view_is_not_repainted(control_room: Rooms) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        app.apply_poll(poll(room))
        await pilot.pause()
        memory = pane(app, "memory_pct")  # the 9th pane: below the fold at 80x24
        assert not memory.on_view
        assert await wait_until(pilot, lambda: not memory._repaint_required)
        layouts = layout_requests(app)
        app.apply_poll(poll(room, memory_pct=61.0))
        # Repainting it would make Textual arrange every widget again, every frame. Judged
        # around the call itself: the compositor's map, compared after a pause, could be
        # rebuilt meanwhile by a layout still pending from the start (1 run in 26).
        assert layout_requests(app) == layouts
        assert not memory._repaint_required  # not even a repaint was asked of it
        memory.scroll_visible(animate=False)
        assert await wait_until(pilot, lambda: "61%" in screen_text(app))


async def test_the_events_pane_appends_without_rendering_the_others(control_room: Rooms) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        events = app.query_one(EventsPane)
        for number in range(30):
            events.add(room.clock.now(), f"event {number}")
        await pilot.pause()
        rendered = list(events._rows)
        events.add(room.clock.now(), "event 30")
        # The old lines are the very same rendered lines: only the new one was made.
        assert events._rows[:len(rendered)] == rendered
        assert all(a is b for a, b in zip(events._rows, rendered, strict=False))
        assert await wait_until(pilot, lambda: "event 30" in screen_text(app))


@pytest.mark.parametrize("size", [(160, 48), (200, 60)])
async def test_the_room_grows_with_the_terminal_and_cuts_no_value(
    control_room: Rooms, size: tuple[int, int],
) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(120, 40)) as pilot:
        for step in range(90):
            app.apply_poll(poll(room, avg_response=2370.0 + step, active_users=1_234_567,
                                afterimage_rate="not a number" if step == 89 else 41.0))
            room.clock.advance(timedelta(seconds=1))
        await pilot.pause()
        narrow = pane(app, "avg_response")
        narrow_width, narrow_spark = narrow.size.width, len(narrow.spark.text)
        narrow_events = app.query_one(EventsPane).size.height
        await pilot.resize_terminal(*size)
        assert await wait_until(pilot, lambda: pane(app, "avg_response").size.width
                                > narrow_width + 10)
        wide = pane(app, "avg_response")
        assert len(wide.spark.text) > narrow_spark + 10  # more history shown
        assert app.query_one(EventsPane).size.height > narrow_events
        text = screen_text(app)
        assert "2,459 ms" in text and "1.23M" in text and "bad value" in text, text
        assert "…" not in "".join(line for line in text.splitlines() if "│" in line)
        assert "metrics" not in text  # (no layout error text)
        # The panes take their share of the width; the checklist keeps the rest.
        assert app.query_one("#metrics").size.width >= size[0] * 0.55
