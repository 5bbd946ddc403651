"""The simulated backend as a real server on a loopback port, judged in levels."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from autus_tui.core.clock import FixedClock
from autus_tui.core.levels import Level
from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import read_health, read_metric
from autus_tui.sim.server import SimBackend

LAUNCH = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
JUDGED = ("error_rate", "avg_response", "gate_failures", "db_connections")


class Room:
    """A running backend with a fixed clock, and a client to ask it."""

    def __init__(self, backend: SimBackend, clock: FixedClock, client: httpx.AsyncClient):
        self.backend, self.clock, self.client = backend, clock, client

    def at(self, minutes: float) -> Room:
        self.clock.moment = LAUNCH + timedelta(minutes=minutes)
        return self

    async def metrics(self) -> dict[str, Any]:
        answer = await self.client.get("/ops/v1/metrics")
        assert answer.status_code == 200, answer.text
        doc: dict[str, Any] = answer.json()
        return doc

    async def health(self) -> dict[str, Any]:
        answer = await self.client.get("/ops/v1/health")
        assert answer.status_code == 200
        doc: dict[str, Any] = answer.json()
        return doc

    async def levels(self) -> dict[str, Level]:
        doc = await self.metrics()
        levels = {}
        for spec in default_metrics():
            reading = read_metric(doc, spec)
            assert reading.value is not None, reading.problem
            if spec.thresholds is not None:
                levels[spec.key] = spec.thresholds.judge(reading.value)
        return levels


@asynccontextmanager
async def open_room(scenario: str, seed: int = 4) -> AsyncIterator[Room]:
    clock = FixedClock(LAUNCH)
    backend = SimBackend(scenario, seed=seed, clock=clock, launch_at=LAUNCH)
    url = await backend.start()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:
            yield Room(backend, clock, client)
    finally:
        await backend.stop()


@pytest.fixture
async def calm() -> AsyncIterator[Room]:
    async with open_room("calm") as room:
        yield room


@pytest.fixture
async def spike() -> AsyncIterator[Room]:
    async with open_room("spike") as room:
        yield room


@pytest.fixture
async def outage() -> AsyncIterator[Room]:
    async with open_room("outage") as room:
        yield room


async def test_start_returns_a_loopback_url(calm: Room) -> None:
    assert calm.backend.url.startswith("http://127.0.0.1:")
    assert str(calm.client.base_url).rstrip("/") == calm.backend.url


async def test_calm_morning_ramps_up_after_launch_and_stays_ok(calm: Room) -> None:
    before = await calm.at(-30).metrics()
    assert before["active_users"] < 30
    assert before["gate_events"] == {"observe": 0, "ring": 0, "lock": 0}
    soon, later = await calm.at(5).metrics(), await calm.at(45).metrics()
    assert before["active_users"] < soon["active_users"] < later["active_users"]
    assert later["active_users"] > 500
    assert later["gate_events"]["observe"] > soon["gate_events"]["observe"] > 0
    assert later["time"] == "2025-03-03T00:45:00+00:00"
    for minutes in (-30, 0, 5, 45, 180):
        assert set((await calm.at(minutes).levels()).values()) == {Level.OK}, minutes
        assert (await calm.health())["status"] == "ok"


async def test_spike_goes_warn_then_crit_then_recovers(spike: Room) -> None:
    assert set((await spike.at(1).levels()).values()) == {Level.OK}
    assert (await spike.health())["status"] == "ok"

    warn = await spike.at(4).levels()
    assert warn["error_rate"] is Level.WARN and warn["avg_response"] is Level.WARN
    assert Level.CRIT not in warn.values()
    assert (await spike.health())["status"] == "degraded"

    for minutes in (5.2, 6.5, 7.8):
        crit = await spike.at(minutes).levels()
        assert {crit[key] for key in JUDGED} == {Level.CRIT}, (minutes, crit)

    recovering = await spike.at(9).levels()
    assert Level.WARN in recovering.values() and Level.CRIT not in recovering.values()

    for minutes in (11, 12, 30):
        assert set((await spike.at(minutes).levels()).values()) == {Level.OK}, minutes
        assert (await spike.health())["status"] == "ok"


async def test_outage_is_down_for_35_minutes_then_recovers(outage: Room) -> None:
    assert (await outage.at(0.5).health())["status"] == "ok"
    for minutes in (1, 2, 20, 35.9):
        answer = await outage.at(minutes).client.get("/ops/v1/metrics")
        assert answer.status_code == 503, minutes
        health = read_health(await outage.health())
        assert health.status == "down" and health.message, minutes
        assert (await outage.client.get("/metrics")).status_code == 503
    assert (await outage.at(36).health())["status"] == "ok"
    assert set((await outage.levels()).values()) == {Level.OK}


async def test_gate_counts_never_fall_between_polls(calm: Room) -> None:
    previous = {"observe": 0, "ring": 0, "lock": 0}
    for second in range(0, 120):
        calm.clock.moment = LAUNCH + timedelta(seconds=second)
        counts = (await calm.metrics())["gate_events"]
        assert all(counts[k] >= previous[k] for k in counts), second
        previous = counts
    assert previous["observe"] > 0


async def test_a_seed_gives_the_same_answers_on_two_servers(calm: Room) -> None:
    async with open_room("calm", seed=4) as twin:
        for minutes in (-1, 3.5, 61):
            mine = (await calm.at(minutes).client.get("/ops/v1/metrics")).text
            theirs = (await twin.at(minutes).client.get("/ops/v1/metrics")).text
            assert mine == theirs
    async with open_room("calm", seed=5) as stranger:
        assert await stranger.at(61).metrics() != await calm.at(61).metrics()


async def test_without_a_seed_values_still_come() -> None:
    backend = SimBackend("calm")
    url = await backend.start()
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            assert (await client.get("/ops/v1/metrics")).json()["active_users"] >= 0
    finally:
        await backend.stop()


async def test_scenario_switches_at_runtime_and_requests_are_counted(calm: Room) -> None:
    calm.at(6.5)
    assert Level.CRIT not in (await calm.levels()).values()
    calm.backend.scenario = "spike"
    assert Level.CRIT in (await calm.levels()).values()
    await calm.health()
    assert calm.backend.requests["/ops/v1/metrics"] == 2
    assert calm.backend.requests["/ops/v1/health"] == 1
    with pytest.raises(ValueError, match="calm"):
        calm.backend.scenario = "chaos"


async def test_prometheus_endpoint_parses_and_matches_the_json(calm: Room) -> None:
    doc = await calm.at(30).metrics()
    answer = await calm.client.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    assert samples[("autus_active_users", ())] == doc["active_users"]
    assert samples[("autus_error_rate_pct", ())] == doc["error_rate_pct"]
    assert samples[("autus_db_connections_used", ())] == doc["db_connections"]["used"]
    assert samples[("autus_db_connections_max", ())] == doc["db_connections"]["max"]
    assert samples[("autus_memory_pct", ())] == doc["memory_pct"]
    for kind in ("observe", "ring", "lock"):
        key = ("autus_gate_events_total", (("kind", kind),))
        assert samples[key] == doc["gate_events"][kind]
    assert len(samples) == 11


async def test_websocket_says_hello_and_echoes(calm: Room) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(
        calm.backend.url + "/ops/v1/ws"
    ) as socket:
        assert await socket.receive_json(timeout=2) == {"type": "hello"}
        await socket.send_str("ping 한글")
        assert (await socket.receive(timeout=2)).data == "ping 한글"


async def test_websocket_refuses_while_the_backend_is_down(outage: Room) -> None:
    outage.at(10)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(outage.backend.url + "/ops/v1/ws")
    assert refused.value.status == 503


async def test_stop_closes_open_websockets_promptly() -> None:
    backend = SimBackend("calm", seed=1)
    url = await backend.start()
    async with aiohttp.ClientSession() as session:
        socket = await session.ws_connect(url + "/ops/v1/ws")
        await socket.receive_json(timeout=2)
        await asyncio.wait_for(backend.stop(), 5)  # promptly: a generous bound
        assert (await socket.receive(timeout=2)).type in (
            aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING
        )
        await socket.close()
