"""Room for more metrics: extra panes never push the health or host line off an 80x24
screen (the metric column scrolls), and a wide screen shows them all."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Room, settle

from autus_tui.core.config import Config
from autus_tui.core.metrics import MetricSpec, default_metrics
from autus_tui.ui.testing import screen_text

EXTRA = tuple(MetricSpec(f"extra_{n}", f"Extra Metric {n}", f"extra.m{n}") for n in range(4))


async def test_extra_metrics_leave_health_and_host_in_view_at_80x24(
    control_room: Callable[..., Room],
) -> None:
    config = Config(operator="kim", metrics=(*default_metrics(), *EXTRA))
    room = control_room(config=config)
    async with room.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(room.app)
        assert "Backend" in text and "Host" in text  # the health and host lines
        assert "Extra Metric 3" not in text  # below the fold: the column scrolls


async def test_a_wide_screen_shows_every_metric(control_room: Callable[..., Room]) -> None:
    config = Config(operator="kim", metrics=(*default_metrics(), *EXTRA[:2]))
    room = control_room(config=config)
    async with room.app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(room.app)
        assert "Extra Metric 0" in text and "Extra Metric 1" in text
        assert "Backend" in text and "Host" in text
