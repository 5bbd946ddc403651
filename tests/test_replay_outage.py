"""``demo --scenario outage --speed 60`` meets 전체 서비스 30분 이상 중단 about 30 wall seconds
after the outage starts, and not before — without waiting 30 seconds.

The demo's parts, run on a clock that is stepped instead of waited on: the simulated
backend playing the shipped ``outage`` scenario (down 09:01–09:36) and the real poller
against it on 127.0.0.1, the clock moved between polls by the poller's own pause times 60
(one wall second is a clock minute at speed 60; it backs off while the backend is down),
each poll recorded into a rehearsal database whose stored clock runs at 60x. Then the
recording is replayed: at the first poll that saw the outage + 29:59 the timer strip does
not show the condition, at + 30:00 it does — and that poll is within one wall second (60
clock seconds) of the outage's start, so the condition shows 30 to 31 wall seconds in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import wait_until

from autus_tui.commands.demo import launch_moment
from autus_tui.core.clock import FixedClock
from autus_tui.core.config import BackendConfig, Config, LaunchConfig
from autus_tui.core.replay_cursor import cursor_text
from autus_tui.core.signals import OUTAGE_CONDITION_TEXT, poll_is_out
from autus_tui.services.incident_signals import outage_condition
from autus_tui.sim.scenarios import load_scenario
from autus_tui.sim.server import SimBackend
from autus_tui.sources.poller import Poller
from autus_tui.store import Store, load_or_start_rehearsal_clock, samples
from autus_tui.store.as_of import ReplayStore
from autus_tui.ui.replay.room import ReplayRoom
from autus_tui.ui.testing import screen_text

SPEED = 60.0
DAY = datetime(2026, 11, 27, tzinfo=UTC).date()


async def record_outage(path: Path) -> datetime:
    """Record the outage scenario from its start to 09:40; the first poll that saw it."""
    launch = LaunchConfig(date=DAY)
    scenario = load_scenario("outage", launch.time)
    clock = FixedClock(launch_moment(launch, scenario.start), SPEED)
    backend = SimBackend(scenario, seed=7, clock=clock, launch_at=launch_moment(launch,
                                                                              launch.time))
    url = await backend.start("127.0.0.1", 0)
    config = BackendConfig(url=url, interval=1.0, timeout=5.0)
    poller = Poller(config, Config().metrics, clock)
    end = launch_moment(launch, scenario.start) + timedelta(minutes=40)
    first_out = None
    try:
        with Store(path, clock) as store:
            load_or_start_rehearsal_clock(store, clock.now(), SPEED, operator="test")
            while clock.now() < end:
                result = await poller.poll_once()
                samples.record_polls(store, [result], 3 * SPEED)
                if first_out is None and poll_is_out(result):
                    first_out = result.at
                clock.advance(timedelta(seconds=poller.next_delay * SPEED))
    finally:
        await poller.aclose()
        await backend.stop()
    assert first_out is not None
    return first_out


async def test_the_30_minute_condition_shows_30_wall_seconds_in_and_not_before(
        tmp_path: Path) -> None:
    path = tmp_path / "rehearsal.db"
    first_out = await record_outage(path)
    outage_start = launch_moment(LaunchConfig(date=DAY), datetime(1, 1, 1, 9, 1).time())
    assert outage_start <= first_out <= outage_start + timedelta(seconds=SPEED)
    before, met = first_out + timedelta(minutes=29, seconds=59), first_out + timedelta(
        minutes=30)
    config = Config(launch=LaunchConfig(date=DAY))

    with ReplayStore(path) as store:  # the condition as the rollback dialog judges it
        for moment, expected in ((before, False), (met, True)):
            store.move_to(moment)
            condition = outage_condition(store, config, FixedClock(moment, SPEED))
            assert condition.met is expected, condition.evidence

    store = ReplayStore(path)
    try:
        span = store.recorded_span()
        assert span is not None
        app = ReplayRoom(config, store, FixedClock(before, SPEED), span=span)
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_until(pilot, lambda: app.shown >= 1)
            assert "REPLAY  REHEARSAL" in screen_text(app)  # a rehearsal's file says so
            assert OUTAGE_CONDITION_TEXT not in app.incident_strip.text
            zone = config.launch.zone
            await pilot.press("g", *cursor_text(met, DAY, zone, seconds=True), "enter")
            assert await wait_until(pilot, lambda: app.shown >= 2)
            assert app.cursor == met
            assert OUTAGE_CONDITION_TEXT in app.incident_strip.text
            assert "down since" in app.incident_strip.text
            await pilot.press("left")  # a minute earlier: 29:00, not met
            assert await wait_until(pilot, lambda: app.shown >= 3)
            assert OUTAGE_CONDITION_TEXT not in app.incident_strip.text
    finally:
        store.close()
