"""The control room against the real simulated backend on a loopback port.

The backend's scenario time is a FixedClock the test moves; the app runs on the wall
clock with a 0.2 s poll interval (0.15 s timeout), so a pane goes STALE 0.6 s after its
last good value. The app polls as the control room does: its recorder writes each poll
to a real SQLite file in tmp_path and the screen renders what it reads back. Every wait
is bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.observations import HostSample
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.testing import screen_text, wait_until
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

LAUNCH = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST


@dataclass
class Live:
    backend: SimBackend
    sim_clock: FixedClock
    config: Config
    db: Path
    stores: list[Store] = field(default_factory=list)

    def app(self) -> ControlRoom:
        store = Store(self.db)
        self.stores.append(store)
        return ControlRoom(self.config, WallClock(), rehearsal=True, store=store,
                           host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))

    def at(self, minutes: float) -> None:
        self.sim_clock.moment = LAUNCH + timedelta(minutes=minutes)


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    sim_clock = FixedClock(LAUNCH + timedelta(minutes=1))
    backend = SimBackend("spike", seed=7, clock=sim_clock, launch_at=LAUNCH)
    url = await backend.start("127.0.0.1", 0)
    config = Config(backend=BackendConfig(url=url, interval=0.2, timeout=0.15), operator="t")
    state = Live(backend, sim_clock, config, tmp_path / "live.db")
    try:
        yield state
    finally:
        await backend.stop()
        for store in state.stores:
            store.close()


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
        assert "Error Rate WARN → CRIT" in app.events_text
        live.at(12)
        assert await wait_until(pilot, lambda: level(app, "error_rate") == "OK")
        assert "Error Rate CRIT → OK" in app.events_text


async def test_outage_goes_stale_with_an_age_and_recovers(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "OK")
        live.backend.fault = "503"
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "STALE")
        note = app.query_one("#pane-avg_response", MetricPane).note.text
        assert note.startswith("STALE · last ") and note.endswith("s ago")
        assert "backend error: " in app.events_text and "503" in app.events_text
        live.backend.fault = None
        assert await wait_until(pilot, lambda: level(app, "avg_response") == "OK", timeout=8)
        assert await wait_until(pilot, lambda: "backend recovered" in app.events_text)


async def test_stopped_backend_goes_stale_and_says_why(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: level(app, "active_users") == "OK")
        await live.backend.stop()
        assert await wait_until(pilot, lambda: level(app, "active_users") == "STALE")
        assert "backend error" in app.events_text


async def test_slow_backend_does_not_freeze_keys(live: Live) -> None:
    live.backend.fault = "slow"  # every answer 10 s late; the poller gives up at 0.15 s
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=1)
        assert "Keys" in screen_text(app)
        await pilot.press("escape")
        assert level(app, "error_rate") == "STALE"


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
        await pilot.pause(0.5)  # more polls with the same problem: not repeated
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
        await pilot.click(health.status, offset=(health.status.text.index("[@click") + 3, 0))
        await pilot.pause(0.3)
        assert app.is_running
