"""An outage is the loudest state on screen (issue 10 item 6).

The backend unreachable, its health ``down``, or 5xx with no value: DOWN across the
screen under the header, reverse video at the CRIT level, with how long it has lasted
and since when; the bell once when it is held (core.outage_watch); the health line
says DOWN too; the panes keep their last values, visibly old (STALE, struck through).
Fixed polls through ``apply_poll`` on a stepped clock, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from conftest import Room

from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane
from autus_tui.ui.widgets.outage import OutageBanner

Rooms = Callable[..., Room]


class Counting(ControlRoom):
    bells = 0

    def bell(self) -> None:
        self.bells += 1


def calm(room: Room) -> PollResult:
    return PollResult(room.clock.now(), {"error_rate": Reading(0.2),
                                         "active_users": Reading(1200)},
                      Health("ok", "All systems operational"))


def refused(room: Room) -> PollResult:
    # (the poller's words for it)
    return PollResult(room.clock.now(), {}, None,
                      error="backend unreachable: connection refused (127.0.0.1:8765)")


def step(room: Room, make: Callable[[Room], PollResult]) -> None:
    room.app.apply_poll(make(room))
    room.clock.advance(timedelta(seconds=1))
    room.app.tick()


async def test_an_unreachable_backend_is_down_across_the_screen(control_room: Rooms) -> None:
    room = control_room(None, cls=Counting)
    app = room.app
    assert isinstance(app, Counting)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            step(room, calm)
        await pilot.pause()
        banner = app.query_one(OutageBanner)
        assert not banner.display and "DOWN" not in screen_text(app)
        step(room, refused)
        await pilot.pause()
        # Shown at once, marked as not held yet; no bell for one lost poll.
        assert screen_text(app).splitlines()[1].startswith(" DOWN?  backend unreachable")
        assert app.bells == 0
        for _ in range(5):
            step(room, refused)
        await pilot.pause()
        line = screen_text(app).splitlines()[1]
        assert line.startswith(" DOWN  backend unreachable for 6s · since 09:03:03 · ")
        assert line.endswith("· since 09:03:03 · connection refused (127.0.…") and len(line) == 80
        assert app.bells == 1  # once, when it held
        assert banner.lines[0].spans[0].style == "bold reverse $error"  # the CRIT style
        assert "CRIT" in app.events_text and "backend DOWN: no answer: backend unreach" \
            in app.events_text
        health = app.query_one(HealthLine)
        assert health.lines[0].plain.startswith("Backend  DOWN  backend unreachable for")
        # Beside it, the last values stay, visibly old.
        error_rate = app.query_one("#pane-error_rate", MetricPane)
        assert error_rate.level.text.strip() == "STALE" and error_rate.value.text == "0.20%"
        assert any("strike" in str(span.style) for span in error_rate.value.content.spans)
        # Time passing without polls keeps counting it (the recorder backs off).
        room.clock.advance(timedelta(seconds=4))
        app.tick()
        await pilot.pause()
        assert "DOWN  backend unreachable for 10s" in screen_text(app)
        step(room, calm)
        await pilot.pause()
        assert not banner.display and "DOWN" not in screen_text(app).splitlines()[1]
        assert "backend recovered after 10s DOWN (backend unreachable)" in app.events_text
        assert app.bells == 1


async def test_health_down_and_5xx_without_values_are_outages_too(control_room: Rooms) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(120, 40)) as pilot:
        step(room, calm)
        for _ in range(3):
            step(room, lambda r: PollResult(r.clock.now(), {}, Health("down", "DB gone")))
        await pilot.pause()
        assert "DOWN  health down for 3s · since 09:03:01 · DB gone" in screen_text(app)
        step(room, calm)
        for _ in range(3):
            step(room, lambda r: PollResult(r.clock.now(), {"error_rate": Reading(None)},
                                            None, error="HTTP 503 from /ops/v1/metrics"))
        await pilot.pause()
        assert "DOWN  backend unreachable for 3s · since 09:03:05 · HTTP 503 from " \
               "/ops/v1/metrics" in screen_text(app)


async def test_a_5xx_beside_live_values_is_not_an_outage(control_room: Rooms) -> None:
    room = control_room(None)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            step(room, lambda r: PollResult(r.clock.now(), {"error_rate": Reading(0.3)}, None,
                                            error="HTTP 503 from /ops/v1/health"))
        await pilot.pause()
        assert not app.query_one(OutageBanner).display
        assert "DOWN" not in screen_text(app)
