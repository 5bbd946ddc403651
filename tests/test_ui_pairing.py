"""Two operators, one database file: two control rooms run together in one test.

Real parts: the simulated backend on a loopback port (0.2 s poll interval), one real
SQLite file in tmp_path opened by two ``Store``s, two ``ControlRoom``s (alice and bob)
driven by two nested Pilots. Each app runs its recorder and its 1 s tick as it does
live, so the lease, presence and recorded polls are the real ones. Every wait is on a
condition, bounded generously (``conftest.WAIT``); how fast things show is the
benchmarks' business.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Room, settle, wait_until

from autus_tui.core.clock import FixedClock, ScaledClock, utc_now
from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.runbook import ItemState
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store
from autus_tui.store.notes import current_oncall
from autus_tui.ui.app import TICK_SECONDS, ControlRoom
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

LAUNCH = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST
START = LAUNCH + timedelta(minutes=3)
INTERVAL = 0.2
METRICS = "/ops/v1/metrics"


@dataclass
class Pair:
    backend: SimBackend
    config: Config
    control_room: Callable[..., Room]
    stores: list[Store]

    def app(self, operator: str) -> ControlRoom:
        """A control room on the shared file, polling and ticking as it does live."""
        clock = ScaledClock(origin_real=utc_now(), origin_sim=START, speed=1.0)
        config = Config(backend=self.config.backend, operator=operator)
        room = self.control_room("pair.db", clock=clock, config=config, poll=True,
                                 tick_seconds=TICK_SECONDS)
        assert room.store is not None
        self.stores.append(room.store)
        return room.app


@pytest.fixture
async def pair(control_room: Callable[..., Room]) -> AsyncIterator[Pair]:
    backend = SimBackend("calm", seed=3, clock=FixedClock(START), launch_at=LAUNCH)
    url = await backend.start("127.0.0.1", 0)
    config = Config(backend=BackendConfig(url=url, interval=INTERVAL, timeout=0.15))
    try:
        yield Pair(backend, config, control_room, [])
    finally:
        await backend.stop()


def header(app: ControlRoom) -> ControlHeader:
    return app.query_one(ControlHeader)


def shown(app: ControlRoom, key: str) -> str:
    pane = app.query_one(f"#pane-{key}", MetricPane)
    return f"{pane.value.text} {pane.level.text.strip()}"


@pytest.mark.slow
async def test_one_poller_both_screens_show_the_same_numbers(pair: Pair) -> None:
    alice, bob = pair.app("alice"), pair.app("bob")
    async with alice.run_test(size=(80, 24)) as pa:
        # Alice holds the lease before bob starts: two recorders started together race
        # for it, and a faster start (a new file made from its schema) let bob win 1 in 5.
        assert await wait_until(pa, lambda: header(alice).poller.text == "poll:here")
        async with bob.run_test(size=(80, 24)) as pb:
            assert await wait_until(pa, lambda: shown(alice, "active_users").endswith("OK"))
            assert await wait_until(pb, lambda: shown(bob, "active_users").endswith("OK"))
            # Who polls is said in both headers.
            assert await wait_until(pa, lambda: header(alice).poller.text == "poll:here")
            assert await wait_until(pb, lambda: header(bob).poller.text == "poll:alice")

            # The backend is asked once per recorded poll (two pollers would ask twice).
            assert alice.recorder is not None and bob.recorder is not None
            requests, written = pair.backend.requests[METRICS], alice.recorder.polls_written
            assert await wait_until(pa, lambda: alice.recorder.polls_written >= written + 8)
            asked = pair.backend.requests[METRICS] - requests
            assert asked <= alice.recorder.polls_written - written + 1  # one may be in flight

            # The same recorded polls on both screens: the same values, the same levels.
            keys = ("active_users", "error_rate", "avg_response", "db_connections")
            assert await wait_until(pa, lambda: [shown(alice, k) for k in keys]
                                    == [shown(bob, k) for k in keys])
            assert alice.recorder.polls_written > 0 and bob.recorder.polls_written == 0


@pytest.mark.slow
async def test_a_tick_in_one_shows_in_the_other(pair: Pair) -> None:
    alice, bob = pair.app("alice"), pair.app("bob")
    async with alice.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await settle(pa)
        await settle(pb)
        assert "[ ] 에러 로그 실시간 감시" in screen_text(bob)
        await pa.press("space")
        assert await wait_until(pb, lambda: "done · alice" in screen_text(bob))
        assert "[x] 에러 로그 실시간 감시" in screen_text(bob)
        assert "alice done 에러 로그 실시간 감시" in bob.events_text
        # And back: bob's N/A with a reason shows on alice's screen, in his name.
        await pb.press("down", "s")
        await pb.press(*"APM", "enter")
        assert await wait_until(pa, lambda: "N/A · bob" in screen_text(alice))
        assert "bob N/A 응답 시간 모니터링: APM" in alice.events_text
        mark = pair.stores[0].mark_of("launch.monitor.response")
        assert mark is not None and mark.state is ItemState.NA and mark.operator == "bob"


@pytest.mark.slow
async def test_presence_shows_the_other_and_drops_them_when_they_leave(pair: Pair) -> None:
    alice, bob = pair.app("alice"), pair.app("bob")
    async with alice.run_test(size=(80, 24)) as pa:
        assert await wait_until(pa, lambda: header(alice).poller.text == "poll:here")
        assert header(alice).operator.text == "alice"
        async with bob.run_test(size=(80, 24)) as pb:
            assert await wait_until(pa, lambda: header(alice).operator.text == "alice +bob")
            assert await wait_until(pb, lambda: header(bob).operator.text == "bob +alice")
            assert await wait_until(pa, lambda: "alice +bob poll:here"
                                    in screen_text(alice).splitlines()[0])
        assert await wait_until(pa, lambda: header(alice).operator.text == "alice")


@pytest.mark.slow
async def test_the_poller_leaving_hands_polling_to_the_other(pair: Pair) -> None:
    alice, bob = pair.app("alice"), pair.app("bob")
    alice_run = alice.run_test(size=(80, 24))
    pa = await alice_run.__aenter__()
    running = True
    try:
        assert await wait_until(pa, lambda: header(alice).poller.text == "poll:here")
        # Waits without a Pilot: after an out-of-order exit the test task has no active
        # app (the app still renders in its own task).
        async with bob.run_test(size=(80, 24)):
            assert await wait_until(None, lambda: header(bob).poller.text == "poll:alice")
            running = False
            await alice_run.__aexit__(None, None, None)  # alice quits; bob stays
            # The lease was released on exit: bob polls at his next renewal (~1 s).
            assert await wait_until(None, lambda: header(bob).poller.text == "poll:here")
            assert await wait_until(None, lambda: "bob polls the backend now" in bob.events_text)
            assert await wait_until(None, lambda: "alice stopped polling the backend"
                                    in bob.events_text)
            count = pair.backend.requests[METRICS]
            assert await wait_until(None, lambda: pair.backend.requests[METRICS] > count + 2)
    finally:
        if running:
            await alice_run.__aexit__(None, None, None)


@pytest.mark.slow
async def test_a_note_and_a_take_over_in_one_show_in_the_other(pair: Pair) -> None:
    alice, bob = pair.app("alice"), pair.app("bob")
    async with alice.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await settle(pa)
        await pa.press("n")
        await pa.press(*"DB pool [b]40[/b]", "ctrl+s")
        assert await wait_until(pb, lambda: "alice note: DB pool [b]40[/b]" in bob.events_text)
        # On screen once the events pane has painted its newest line (a frame later).
        assert await wait_until(pb, lambda: "alice note: DB pool [b]40[/b]" in screen_text(bob))

        await pb.press("h")
        assert isinstance(bob.screen, HandoverScreen)
        assert "nobody has taken over yet" in bob.screen.text
        assert "alice  DB pool [b]40[/b]" in bob.screen.text

        await pa.press("h", "o", "y")
        assert await wait_until(pa, lambda: current_oncall(pair.stores[0]) == "alice")
        # bob's open handover view follows the database: the new on-call within a second.
        screen = bob.screen
        assert isinstance(screen, HandoverScreen)
        assert await wait_until(pb, lambda: "On call alice since 09:0" in screen.text)
        await pb.press("escape")
        assert await wait_until(pb, lambda: "alice took over on-call" in bob.events_text)


async def test_a_new_screen_starts_from_the_recorded_polls_quietly(
    control_room: Callable[..., Room], tmp_path: Path,
) -> None:
    from autus_tui.core.observations import PollResult
    from autus_tui.core.payload import Reading
    from autus_tui.store import samples

    with Store(tmp_path / "day.db", FixedClock(START)) as store:
        samples.record_polls(store, [
            PollResult(START - timedelta(seconds=20 - step),
                       {"error_rate": Reading(0.5 + 0.3 * step)}) for step in range(20)
        ], stale_after=3.0)
    app = control_room(operator="lee").app
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#pane-error_rate", MetricPane)
        assert await wait_until(pilot, lambda: pane.value.text == "6.20%")
        assert len(pane.tracker.history) == 20
        assert await wait_until(pilot, lambda: pane.spark.text.strip() != "")
        # History is not news: no level change is announced for what happened before.
        assert "Error Rate" not in app.events_text
        assert header(app).poller.text == ""  # no recorder here, no lease: nothing said
