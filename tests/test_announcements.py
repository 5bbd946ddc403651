"""Announcements follow the held level, everywhere (DESIGN.md, Levels; ``core.held``).

A jittering backend: a real aiohttp server on loopback whose Gate Failures alternate 0, 1,
0, 1 ... on every poll (WARN at 1), then stay at 1. Two control rooms on one SQLite file
(alice polls, bob reads the file): the flips are never announced — not in the recorded
``metric.level`` events, not in either events pane, not in the report — and the held
change is announced exactly once in each. Toasts, on fixed data: never over an open
screen, at most one per metric.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from conftest import wait_until

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.runbook import Runbook
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.services.report_data import collect_report
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

INTERVAL = 0.2
HOST = HostSample(1.0, 2.0, 0.1, 3.0)


@dataclass
class Jitter:
    """The backend: Gate Failures 1 on every other metrics request, or always."""

    url: str = ""
    held: bool = False
    served: int = 0
    stores: list[Store] = field(default_factory=list)

    async def metrics(self, _request: web.Request) -> web.Response:
        self.served += 1
        failures = 1 if self.held else self.served % 2
        return web.json_response({
            "active_users": 1200, "gate_events": {"observe": 10, "ring": 5, "lock": 1},
            "gate_failures": failures, "afterimage_per_min": 40.0, "error_rate_pct": 0.2,
            "avg_response_ms": 120, "db_connections": {"used": 40, "max": 100},
            "memory_pct": 50.0,
        })

    async def health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "message": "fine", "components": {}})

    def app(self, db: Path, operator: str) -> ControlRoom:
        store = Store(db)
        self.stores.append(store)
        config = Config(backend=BackendConfig(url=self.url, interval=INTERVAL,
                                              timeout=INTERVAL * 0.75), operator=operator)
        return ControlRoom(config, WallClock(), rehearsal=True, store=store,
                           host_reader=lambda: HOST)


@pytest.fixture
async def jitter() -> AsyncIterator[Jitter]:
    state = Jitter()
    server = web.Application()
    server.router.add_get("/ops/v1/metrics", state.metrics)
    server.router.add_get("/ops/v1/health", state.health)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()
        for store in state.stores:
            store.close()


def recorded_changes(store: Store, key: str) -> list[dict[str, Any]]:
    return [dict(event.detail) for event in store.timeline(kinds=[LEVEL_EVENT])
            if event.subject == key]


def report_rows(store: Store, config: Config, runbook: Runbook) -> list[str]:
    data = collect_report(store, config, runbook, datetime.now(UTC))
    labels = {spec.key: spec.label for spec in config.metrics}
    return [f"{labels[e.key]} {e.worst.value} {'going on' if e.end is None else 'ended'} "
            f"({e.changes} change{'s' * (e.changes != 1)})" for e in data.episodes]


async def test_a_jittering_value_is_never_announced_and_a_held_one_once(
    jitter: Jitter, tmp_path: Path,
) -> None:
    db = tmp_path / "launch.db"
    alice, bob = jitter.app(db, "alice"), jitter.app(db, "bob")
    line = "Gate Failures OK → WARN (1)"
    async with alice.run_test(size=(80, 24)) as pa:
        assert await wait_until(pa, lambda: alice.recorder is not None
                                and alice.recorder.holding)
        async with bob.run_test(size=(80, 24)) as pb:
            # 20 flips, each applied by both screens (alice's own, bob's from the file).
            target = alice.dashboard.polls + 20
            assert await wait_until(pa, lambda: alice.dashboard.polls >= target, timeout=20)
            assert await wait_until(pb, lambda: bob.dashboard.polls >= target, timeout=10)
            store = jitter.stores[0]
            assert recorded_changes(store, "gate_failures") == []
            for room in (alice, bob):
                assert "Gate Failures" not in room.events_text
                assert not [n for n in room._notifications if "Gate Failures" in n.message]

            jitter.held = True  # from now on 1 at every poll: WARN holds
            for room, pilot in ((alice, pa), (bob, pb)):
                assert await wait_until(pilot, lambda r=room: line in r.events_text,
                                        timeout=10)
            pane = alice.query_one("#pane-gate_failures", MetricPane)
            assert await wait_until(pa, lambda: pane.level.text.strip() == "WARN")
            later = alice.dashboard.polls + 5  # more polls at WARN: nothing more to say
            assert await wait_until(pa, lambda: alice.dashboard.polls >= later, timeout=10)
            assert await wait_until(pb, lambda: bob.dashboard.polls >= later, timeout=10)
            for room in (alice, bob):
                assert room.events_text.count("Gate Failures") == 1
            changes = recorded_changes(store, "gate_failures")
            assert [(c["before"], c["after"], c["value"]) for c in changes] == [
                ("OK", "WARN", 1)]
            runbook = load_runbooks(alice.config)
            assert [row for row in report_rows(store, alice.config, runbook)
                    if row.startswith("Gate Failures")] == [
                        "Gate Failures WARN going on (1 change)"]


START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)


def calm(at: datetime, error_rate: float = 0.2) -> PollResult:
    readings = {"active_users": Reading(1200), "error_rate": Reading(error_rate),
                "avg_response": Reading(120), "gate_failures": Reading(0),
                "db_connections": Reading(40.0)}
    return PollResult(at, readings, Health("ok", ""))


def toasts(app: ControlRoom) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_toasts_never_cover_an_open_screen_and_one_per_metric() -> None:
    clock = FixedClock(START)
    app = ControlRoom(Config(operator="kim"), clock, rehearsal=True, poll=False,
                      host_reader=lambda: HOST)

    def polls(count: int, error_rate: float) -> None:
        for _ in range(count):
            clock.advance(timedelta(seconds=1))
            app.apply_poll(calm(clock.now(), error_rate))

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        polls(3, 0.2)
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        polls(3, 2.0)  # held WARN while the help screen is open
        await pilot.pause()
        assert "Error Rate OK → WARN (2.00%)" in app.events_text
        assert toasts(app) == [] and list(app._notifications) == []
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        assert toasts(app) == []  # not raised late over the room either

        polls(3, 9.0)  # WARN → CRIT, then CRIT → OK: the second toast replaces the first
        polls(3, 0.2)
        assert "Error Rate CRIT → OK (0.20%)" in app.events_text
        assert await wait_until(pilot, lambda: len(toasts(app)) == 1)
        assert "Error Rate CRIT → OK" in toasts(app)[0]

        await pilot.press("question_mark")  # a screen opening takes toasts away
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert await wait_until(pilot, lambda: toasts(app) == [] and
                                not list(app._notifications))


# -- the first live value ---------------------------------------------------------------


async def test_the_polling_screen_draws_its_own_poll_without_the_file_round_trip(
    jitter: Jitter, tmp_path: Path,
) -> None:
    db = tmp_path / "launch.db"
    app = jitter.app(db, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.watcher is not None and app.recorder is not None
        assert await wait_until(pilot, lambda: app.dashboard.polls >= 1)
        app.watcher.stop()  # the file round trip is gone: only the recorder's word is left
        seen = app.dashboard.polls
        assert await wait_until(pilot, lambda: app.dashboard.polls >= seen + 3, timeout=10)
        app.recorder.stop()  # no more polls, then look at the file once more
        assert await wait_until(pilot, lambda: not app.recorder.holding)
        applied = app.dashboard.polls
        app.watcher.check_now()
        await pilot.pause()
        store = jitter.stores[0]
        with store.read() as conn:
            recorded = conn.execute("SELECT count(*) FROM polls").fetchone()[0]
        assert app.dashboard.polls == applied == recorded  # each poll applied once


async def test_on_a_restart_recorded_values_show_their_age_until_a_fresh_poll(
    tmp_path: Path,
) -> None:
    from autus_tui.store import samples

    clock = FixedClock(START)
    db = tmp_path / "launch.db"
    with Store(db, clock) as before:  # what the previous process recorded, 2 s ago
        samples.record_polls(before, [
            PollResult(START - timedelta(seconds=3), {"active_users": Reading(777)}),
            PollResult(START - timedelta(seconds=2), {"active_users": Reading(778)}),
        ], 3.0)
    store = Store(db, clock)
    app = ControlRoom(Config(operator="kim"), clock, rehearsal=True, poll=False,
                      store=store, host_reader=lambda: HOST)
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            pane = app.query_one("#pane-active_users", MetricPane)
            assert await wait_until(pilot, lambda: pane.value.text == "778")
            assert pane.note.text == "recorded · 2s ago"  # not shown as live
            assert any("dim" in str(span.style) for span in pane.value.content.spans)
            clock.advance(timedelta(seconds=10))  # a takeover's gap: the value is old now
            app.tick()
            await pilot.pause()
            assert pane.level.text.strip() == "STALE" and pane.note.text.endswith("12s ago")
            for _ in range(3):  # polling resumes
                app.apply_poll(PollResult(clock.now(), {"active_users": Reading(4242)}))
                clock.advance(timedelta(seconds=1))
            await pilot.pause()
            assert pane.value.text == "4,242" and pane.level.text.strip() == "OK"
            assert pane.value.content.spans == [] and pane.note.text == "no thresholds"
            assert "→" not in app.events_text and toasts(app) == []  # no 'STALE → OK'
    finally:
        store.close()
