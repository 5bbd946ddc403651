"""The control room against the real simulated backend on a loopback port.

The backend's scenario time is a FixedClock the test moves; the app runs on the wall
clock with a 0.2 s poll interval (0.15 s timeout), so a pane goes STALE 0.6 s after its
last good value. The app polls as the control room does: its recorder writes each poll
to a real SQLite file in tmp_path and the screen renders what it reads back; the 1 s
tick runs as it does live. Every wait is on a condition, bounded generously.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from conftest import Room, settle, wait_until

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.sim.server import METRICS_PATH, SimBackend
from autus_tui.ui.app import TICK_SECONDS, ControlRoom
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

pytestmark = pytest.mark.slow  # a real backend, the wall clock, seconds of real time
LAUNCH = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST


@dataclass
class Live:
    backend: SimBackend
    sim_clock: FixedClock
    config: Config
    control_room: Callable[..., Room]

    def app(self) -> ControlRoom:
        return self.control_room("live.db", clock=WallClock(), config=self.config, poll=True,
                                 tick_seconds=TICK_SECONDS).app

    def at(self, minutes: float) -> None:
        self.sim_clock.moment = LAUNCH + timedelta(minutes=minutes)


@pytest.fixture
async def live(control_room: Callable[..., Room]) -> AsyncIterator[Live]:
    sim_clock = FixedClock(LAUNCH + timedelta(minutes=1))
    backend = SimBackend("spike", seed=7, clock=sim_clock, launch_at=LAUNCH)
    url = await backend.start("127.0.0.1", 0)
    config = Config(backend=BackendConfig(url=url, interval=0.2, timeout=0.15), operator="t")
    try:
        yield Live(backend, sim_clock, config, control_room)
    finally:
        await backend.stop()


def level(app: ControlRoom, key: str) -> str:
    return app.query_one(f"#pane-{key}", MetricPane).level.text.strip()


async def test_spike_moves_a_pane_ok_warn_crit_and_back(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "OK")
        live.at(3.5)  # error rate about 2.3 %
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "WARN")
        assert "WARN" in screen_text(app)
        live.at(6)  # about 7 %
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "CRIT")
        # Announced as it happened. (On a loaded machine a value may go STALE between two
        # polls first — 0.6 s at this pace — and the change then reads "STALE → CRIT".)
        assert re.search(r"Error Rate (WARN|STALE) → CRIT", app.events_text)
        live.at(12)
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "OK")
        assert re.search(r"Error Rate (CRIT|STALE) → OK", app.events_text)


async def test_outage_goes_stale_with_an_age_and_recovers(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "OK")
        live.backend.fault = "503"
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "STALE")
        note = app.query_one("#pane-avg_response", MetricPane).note.text
        assert note.startswith("STALE · last ") and note.endswith("s ago")
        # (Late polls may make it STALE before the failed one is shown: wait for it.)
        assert await wait_until(pilot, lambda: "backend error: " in app.events_text)
        assert "503" in app.events_text
        live.backend.fault = None
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "OK")
        assert await wait_until(pilot, lambda: "backend recovered" in app.events_text)


async def test_stopped_backend_goes_stale_and_says_why(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: level(app, "active_users") == "OK")
        await live.backend.stop()
        assert await wait_until(pilot, lambda: level(app, "active_users") == "STALE")
        assert await wait_until(pilot, lambda: "backend error" in app.events_text)


async def test_slow_backend_does_not_freeze_keys(live: Live) -> None:
    live.backend.fault = "slow"  # every answer 10 s late; the poller gives up at 0.15 s
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        # A poll is waiting on the backend meanwhile.
        assert await wait_until(pilot, lambda: live.backend.requests[METRICS_PATH] >= 1)
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Keys" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "STALE")


@pytest.mark.parametrize("fault", ["strings", "nan"])
async def test_bad_values_show_on_panes_with_the_reason_in_events(live: Live, fault: str) -> None:
    live.backend.fault = fault
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#pane-error_rate", MetricPane)
        assert await wait_until(pilot, lambda: pane.value.text == "bad value")
        problem = pane.tracker.problem
        assert problem
        assert app.events_text.count(f"Error Rate: bad value: {problem}") == 1
        # Three more polls with the same problem, recorded and shown: not repeated.
        recorder = app.recorder
        assert recorder is not None
        written = recorder.polls_written
        assert await wait_until(pilot, lambda: recorder.polls_written >= written + 3)
        await settle(pilot)
        assert app.events_text.count(f"Error Rate: bad value: {problem}") == 1
        assert "bad value" in screen_text(app)


async def test_hostile_backend_text_is_literal_and_harmless(live: Live) -> None:
    live.backend.fault = "hostile"
    app = live.app()
    async with app.run_test(size=(120, 40)) as pilot:
        health = app.query_one(HealthLine)
        # Wait for the screen, not the widget: the repaint follows the update.
        assert await wait_until(pilot, lambda: "x[/]y [@click=app.quit]Q[/]" in screen_text(app))
        text = screen_text(app)
        svg = app.export_screenshot()
        assert "\x1b" not in text + svg and "\x07" not in text + svg
        await pilot.click(health, offset=(health.lines[0].plain.index("[@click") + 3, 0))
        await settle(pilot)
        assert app.is_running
