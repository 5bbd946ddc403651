"""The poller against the simulated backend on a loopback port (no HTTP mocks).

What an operator would notice: every pane gets a value when the backend is healthy; a
misbehaving backend gives a clear reason and never an exception; a hanging backend
costs one timeout, not a frozen screen or a pile of requests; the poller backs off
while the backend is down and comes back by itself.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import httpx
import pytest
from aiohttp import web
from conftest import WAIT, wait_until

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import BackendConfig, build_config
from autus_tui.core.metrics import default_metrics
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Reading
from autus_tui.sim.server import HEALTH_PATH, METRICS_PATH, PROMETHEUS_PATH, SimBackend
from autus_tui.sources.poller import MAX_BACKOFF, Poller

MORNING = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 10:30 in Seoul, 90 min after launch


@pytest.fixture
async def sim() -> AsyncIterator[SimBackend]:
    clock = FixedClock(MORNING)
    backend = SimBackend("calm", seed=7, clock=clock,
                         launch_at=datetime(2026, 11, 27, 0, 0, tzinfo=UTC))
    await backend.start()
    yield backend
    await backend.stop()


def _poller(url: str, interval: float = 1.0, timeout: float = 0.8, **kw: Any) -> Poller:
    backend = BackendConfig(url=url, interval=interval, timeout=timeout)
    return Poller(backend, default_metrics(), FixedClock(MORNING), **kw)


async def _poll(url: str, **kw: Any) -> PollResult:
    poller = _poller(url, **kw)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()


async def test_a_healthy_poll_gives_every_default_metric_a_value(sim: SimBackend) -> None:
    result = await _poll(sim.url)
    assert result.error is None
    assert set(result.readings) == {spec.key for spec in default_metrics()}
    assert {key: r.problem for key, r in result.readings.items() if r.value is None} == {}
    metrics = sim.state().metrics
    assert metrics is not None and result.readings["active_users"].value == metrics["active_users"]
    assert result.health is not None and result.health.status == "ok"
    assert result.at == MORNING


FAULTS: dict[str, tuple[str | None, str | None]] = {
    # fault: (expected start of the error, pattern of every reading's problem)
    "html": ("metrics: not JSON (text/html); health: not JSON (text/html)", None),
    "invalid_json": ("metrics: invalid JSON", None),
    "array": ("metrics: expected a JSON object, got a list; "
              "health: expected a JSON object, got a list", None),
    "500": ("metrics: HTTP 500; health: HTTP 500", None),
    "503": ("metrics: HTTP 503; health: HTTP 503", None),
    "nulls": (None, "is missing"),
    "strings": (None, r"is not a number \(text: "),
    "nan": (None, "is not a finite number"),
    "negative": (None, "is negative|must be above zero"),  # the pool size is negative too
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_each_bad_answer_gives_a_clear_reason(sim: SimBackend, fault: str) -> None:
    sim.fault = fault
    result = await _poll(sim.url)
    error, problem = FAULTS[fault]
    if error is None:
        assert result.error is None and problem is not None
        assert len(result.readings) == len(default_metrics())
        for key, reading in result.readings.items():
            assert reading.value is None, key
            assert re.search(problem, reading.problem or ""), (key, reading.problem)
    else:
        assert result.error is not None and result.error.startswith(error)
        assert result.readings == {}


async def test_huge_numbers_are_bad_values(sim: SimBackend) -> None:
    sim.fault = "huge"
    result = await _poll(sim.url)
    pool = result.readings.pop("db_connections")  # a ratio: judged after dividing
    assert pool.value is None or 0 <= pool.value <= 100
    problems = {key: r.problem for key, r in result.readings.items()}
    assert all("implausibly large" in (p or "") for p in problems.values()), problems


async def test_a_hostile_health_message_arrives_as_plain_printable_text(sim: SimBackend) -> None:
    sim.fault = "hostile"
    result = await _poll(sim.url)
    assert result.error is None and result.health is not None
    assert result.health.message == "x[/]y [@click=app.quit]Q[/] "
    names = [name for name, _status, _detail in result.health.components]
    assert names == ["[bold red]api[/]", "db", "[/]"]
    assert not any("\x1b" in text or "\x07" in text or "\r" in text
                   for component in result.health.components for text in component)


async def test_health_arrives_while_metrics_fail_and_the_other_way(sim: SimBackend) -> None:
    sim.fault, sim.fault_paths = "503", frozenset({METRICS_PATH})
    result = await _poll(sim.url)
    assert result.error == "metrics: HTTP 503"
    assert result.health is not None and result.health.status == "ok"

    sim.fault_paths = frozenset({HEALTH_PATH})
    result = await _poll(sim.url)
    assert result.error == "health: HTTP 503"
    assert result.health is None
    assert all(reading.value is not None for reading in result.readings.values())


async def test_an_outage_reports_health_down_and_backs_off(sim: SimBackend) -> None:
    sim.scenario = "outage"
    sim.launch_at = datetime(2026, 11, 27, 1, 20, tzinfo=UTC)  # 10 minutes into the outage
    poller = _poller(sim.url, interval=0.5)
    try:
        for _ in range(3):
            result = await poller.poll_once()
    finally:
        await poller.aclose()
    assert result.error == "metrics: HTTP 503"
    assert result.health is not None and result.health.status == "down"
    assert "upstream connection refused" in result.health.message
    assert poller.consecutive_failures == 3
    assert poller.next_delay == 2.0  # interval 0.5: 0.5, 1.0, then 2.0


class CountingTransport(httpx.AsyncBaseTransport):
    """A real HTTP transport that also counts requests in flight per path."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.in_flight[path] += 1
        self.most_in_flight[path] = max(self.most_in_flight[path], self.in_flight[path])
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight[path] -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_hanging_backend_costs_one_timeout_per_poll_and_polls_never_overlap(
    sim: SimBackend,
) -> None:
    sim.fault = "slow"  # answers after 10 s
    transport = CountingTransport()
    client = httpx.AsyncClient(transport=transport, trust_env=False)
    poller = _poller(sim.url, interval=0.3, timeout=0.2, client=client)
    loop = asyncio.get_running_loop()
    delivered: list[tuple[float, PollResult]] = []  # (when the poll began, its result)
    task = asyncio.create_task(poller.run(
        lambda r: delivered.append((loop.time() - r.duration, r))))
    # polls at 0, 0.3, 0.9 (back-off): cancelled inside a later one
    assert await wait_until(None, lambda: len(delivered) >= 2)
    cancelled_at = loop.time()
    task.cancel()
    await asyncio.wait({task}, timeout=WAIT)
    stopped_in = loop.time() - cancelled_at
    await client.aclose()

    # Cancelled at once, not after the 10 s answer (a generous bound: the figure is ~0).
    assert task.cancelled() and stopped_in < 5
    for _began, result in delivered:
        assert result.error == "metrics: timed out after 0.2 s; health: timed out after 0.2 s"
        assert result.duration < 5  # gave up at the timeout, did not wait out the answer
    assert transport.most_in_flight[METRICS_PATH] == 1
    assert transport.most_in_flight[HEALTH_PATH] == 1
    # one request per poll, polls at least an interval apart: no burst after a slow poll
    assert sim.requests[METRICS_PATH] in (len(delivered), len(delivered) + 1)
    gaps = [later - earlier for (earlier, _), (later, _) in pairwise(delivered)]
    assert min(gaps) >= 0.3 - 0.02


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_closed_port_says_unreachable_and_back_off_is_capped() -> None:
    poller = _poller(f"http://127.0.0.1:{_closed_port()}", interval=0.5)
    try:
        delays = []
        for _ in range(6):
            result = await poller.poll_once()
            delays.append(poller.next_delay)
    finally:
        await poller.aclose()
    assert result.error == "backend unreachable: connection refused"
    assert result.readings == {} and result.health is None
    assert delays == [0.5, 1.0, 2.0, 4.0, MAX_BACKOFF, MAX_BACKOFF]


async def test_back_off_grows_while_down_and_recovery_is_automatic(sim: SimBackend) -> None:
    sim.fault = "503"
    poller = _poller(sim.url, interval=0.05, timeout=0.5)
    loop = asyncio.get_running_loop()
    # (when the poll began, its result, the delay the poller then waits before the next)
    delivered: list[tuple[float, PollResult, float]] = []

    def deliver(result: PollResult) -> None:
        delivered.append((loop.time() - result.duration, result, poller.next_delay))
        if len(delivered) == 4:
            sim.fault = None  # the backend is back after the fourth failure

    task = asyncio.create_task(poller.run(deliver))
    try:
        assert await wait_until(None, lambda: len(delivered) >= 6)
    finally:
        task.cancel()
        await asyncio.wait({task}, timeout=WAIT)
        await poller.aclose()

    failing, after = delivered[:4], delivered[4:]
    assert all(result.error == "metrics: HTTP 503; health: HTTP 503"
               for _, result, _ in failing)
    # Back-off while down: each wait twice the last (polls at 0, 0.05, 0.15, 0.35, 0.75).
    assert [delay for _, _, delay in failing] == pytest.approx([0.05, 0.1, 0.2, 0.4])
    began = [start for start, _, _ in delivered]
    for (earlier, later), (_, _, delay) in zip(pairwise(began), delivered, strict=False):
        assert later - earlier >= delay - 0.01
    # Recovery is automatic, and the pace is the normal one again at once.
    assert all(result.error is None for _, result, _ in after)
    assert [delay for _, _, delay in after[:2]] == pytest.approx([0.05, 0.05])
    assert poller.consecutive_failures == 0


async def test_a_receiver_that_raises_does_not_stop_the_polling(sim: SimBackend) -> None:
    poller = _poller(sim.url, interval=0.05, timeout=0.5)
    calls: list[PollResult] = []

    def deliver(result: PollResult) -> None:
        calls.append(result)
        if len(calls) == 1:
            raise RuntimeError("a bug in the UI")

    task = asyncio.create_task(poller.run(deliver))
    assert await wait_until(None, lambda: len(calls) >= 3)
    task.cancel()
    await asyncio.wait({task}, timeout=WAIT)
    await poller.aclose()
    assert len(calls) >= 3 and task.cancelled()


PROMETHEUS_CONFIG = {
    "backend": {"prometheus_path": "/metrics"},
    "metrics": {
        "error_rate": {"source": "prometheus", "path": "autus_error_rate_pct"},
        "gate_observe": {"source": "prometheus",
                         "path": 'autus_gate_events_total{kind="observe"}'},
        "db_connections": {"source": "prometheus", "path": "autus_db_connections_used",
                           "per": "autus_db_connections_max"},
    },
}


async def test_metrics_configured_as_prometheus_are_read_from_the_exposition(
    sim: SimBackend,
) -> None:
    config = build_config([("autus.toml", PROMETHEUS_CONFIG)])
    backend = BackendConfig(url=sim.url, prometheus_path=config.backend.prometheus_path)
    poller = Poller(backend, config.metrics, WallClock())
    try:
        result = await poller.poll_once()
        json_doc = sim.state().metrics
        assert json_doc is not None
        assert result.error is None
        assert result.readings["error_rate"].value == pytest.approx(json_doc["error_rate_pct"])
        assert result.readings["gate_observe"].value == json_doc["gate_events"]["observe"]
        pool = json_doc["db_connections"]
        assert result.readings["db_connections"].value == pytest.approx(
            pool["used"] / pool["max"] * 100)
        assert result.readings["active_users"].value == json_doc["active_users"]  # still JSON
        assert sim.requests[PROMETHEUS_PATH] == 1

        sim.fault, sim.fault_paths = "invalid_json", frozenset({PROMETHEUS_PATH})
        result = await poller.poll_once()
    finally:
        await poller.aclose()
    # only the names configured are read: the broken line is of another name, and the
    # configured ones are missing, which each metric says
    assert result.readings["error_rate"] == Reading(
        None, "autus_error_rate_pct is not in the Prometheus output")
    assert result.readings["active_users"].value is not None


async def _serve(handler: Any) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/ops/v1/{name}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_over_the_cap_is_refused_without_reading_it_all(declared: bool) -> None:
    sent = Counter[str]()

    async def huge(request: web.Request) -> web.StreamResponse:
        chunk = b" " * (1 << 20)
        total = 64 * len(chunk)  # 64 MiB of whitespace: valid JSON padding, if ever read
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if declared:
            response.content_length = total
        await response.prepare(request)
        try:
            for _ in range(64):
                await response.write(chunk)
                sent[request.path] += len(chunk)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response

    runner, url = await _serve(huge)
    try:
        result = await _poll(url)
    finally:
        await runner.cleanup()
    assert result.error == ("metrics: response larger than 1 MiB, not read; "
                            "health: response larger than 1 MiB, not read")
    # the poller hung up early: the server could hand over little more than socket buffers
    assert max(sent.values()) < 32 << 20
