"""Faults of the simulated backend: each misbehaves as described, and slow blocks nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import wait_until
from prometheus_client.parser import text_string_to_metric_families

from autus_tui.core.clock import FixedClock
from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import read_health, read_metric
from autus_tui.core.text import strip_controls
from autus_tui.sim.faults import HOSTILE_MESSAGE
from autus_tui.sim.server import SimBackend

LAUNCH = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)
METRICS, HEALTH, PROMETHEUS = "/ops/v1/metrics", "/ops/v1/health", "/metrics"


@pytest.fixture
async def backend() -> AsyncIterator[SimBackend]:
    clock = FixedClock(LAUNCH + timedelta(minutes=30))
    sim = SimBackend("calm", seed=2, clock=clock, launch_at=LAUNCH)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def client(backend: SimBackend) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=backend.url, timeout=5) as http:
        yield http


def numbers(node: object) -> list[object]:
    if isinstance(node, dict):
        return [n for value in node.values() for n in numbers(value)]
    return [] if isinstance(node, str) else [node]


def unreadable(doc: object) -> list[str | None]:
    """Problems the default panes would report; one per metric."""
    return [read_metric(doc, spec).problem for spec in default_metrics()]


async def fetch(backend: SimBackend, client: httpx.AsyncClient, fault: str,
                path: str = METRICS) -> httpx.Response:
    backend.fault = fault
    return await client.get(path)


async def test_html(backend: SimBackend, client: httpx.AsyncClient) -> None:
    answer = await fetch(backend, client, "html")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("path", [METRICS, HEALTH])
async def test_invalid_json(backend: SimBackend, client: httpx.AsyncClient, path: str) -> None:
    answer = await fetch(backend, client, "invalid_json", path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)


async def test_array(backend: SimBackend, client: httpx.AsyncClient) -> None:
    doc = (await fetch(backend, client, "array")).json()
    assert isinstance(doc, list)
    assert all(problem and "list" in problem for problem in unreadable(doc))


async def test_nulls(backend: SimBackend, client: httpx.AsyncClient) -> None:
    doc = (await fetch(backend, client, "nulls")).json()
    assert doc and all(value is None for value in doc.values())
    assert all(problem and "missing" in problem for problem in unreadable(doc))
    health = (await client.get(HEALTH)).json()
    assert health == {"status": None, "message": None, "components": None}


async def test_strings(backend: SimBackend, client: httpx.AsyncClient) -> None:
    doc = (await fetch(backend, client, "strings")).json()
    assert doc["active_users"].isdigit()
    assert isinstance(doc["gate_events"]["ring"], str)
    assert all(problem and "not a number" in problem for problem in unreadable(doc))


async def test_nan(backend: SimBackend, client: httpx.AsyncClient) -> None:
    answer = await fetch(backend, client, "nan")
    assert "NaN" in answer.text and "Infinity" in answer.text
    assert all(problem and "finite" in problem for problem in unreadable(json.loads(answer.text)))


async def test_negative(backend: SimBackend, client: httpx.AsyncClient) -> None:
    doc = (await fetch(backend, client, "negative")).json()
    assert all(isinstance(n, (int, float)) and n < 0 for n in numbers(doc))
    assert all(problem is not None for problem in unreadable(doc))


async def test_huge(backend: SimBackend, client: httpx.AsyncClient) -> None:
    answer = await fetch(backend, client, "huge")
    doc = answer.json()
    assert doc["active_users"] == 10**30 and doc["error_rate_pct"] == 1e300
    assert all(problem and "large" in problem for problem in unreadable(doc))


@pytest.mark.parametrize("status", ["500", "503"])
@pytest.mark.parametrize("path", [METRICS, HEALTH, PROMETHEUS])
async def test_error_statuses(
    backend: SimBackend, client: httpx.AsyncClient, status: str, path: str
) -> None:
    assert (await fetch(backend, client, status, path)).status_code == int(status)


async def test_hostile_health_is_exact_and_metrics_stay_normal(
    backend: SimBackend, client: httpx.AsyncClient
) -> None:
    health = (await fetch(backend, client, "hostile", HEALTH)).json()
    assert health["message"] == "x[/]y [@click=app.quit]Q[/] \x1b]0;T\x07" == HOSTILE_MESSAGE
    names = "".join(health["components"])
    assert "[" in names and "\x1b" in names
    assert any("\x1b" in c["detail"] for c in health["components"].values())
    cleaned = read_health(health)
    assert cleaned.message == "x[/]y [@click=app.quit]Q[/] "
    assert all(strip_controls(part) == part for c in cleaned.components for part in c)
    metrics = (await client.get(METRICS)).json()
    assert not any(unreadable(metrics))


async def test_fault_cleared_means_normal_answers_again(
    backend: SimBackend, client: httpx.AsyncClient
) -> None:
    assert (await fetch(backend, client, "503")).status_code == 503
    backend.fault = None
    assert not any(unreadable((await client.get(METRICS)).json()))


async def test_prometheus_faults_that_have_no_text_meaning_do_not_parse(
    backend: SimBackend, client: httpx.AsyncClient
) -> None:
    for fault in ("strings", "nulls", "invalid_json", "array"):
        text = (await fetch(backend, client, fault, PROMETHEUS)).text
        with pytest.raises(ValueError):
            list(text_string_to_metric_families(text))
    text = (await fetch(backend, client, "nan", PROMETHEUS)).text
    values = [s.value for f in text_string_to_metric_families(text) for s in f.samples]
    assert any(v != v for v in values)  # NaN


async def test_slow_waits_without_blocking_other_paths(
    backend: SimBackend, client: httpx.AsyncClient
) -> None:
    backend.fault, backend.fault_paths = "slow", frozenset({METRICS})
    slow = asyncio.create_task(client.get(METRICS, timeout=2))
    assert await wait_until(None, lambda: backend.requests[METRICS] == 1)  # it is waiting
    health = await client.get(HEALTH)
    # Answered while the slow one still waits (for 10 s): not queued behind it.
    assert health.status_code == 200 and not slow.done()
    slow.cancel()
    await asyncio.wait({slow})
    assert backend.requests[METRICS] == 1


async def test_slow_on_every_path_serves_requests_side_by_side(backend: SimBackend) -> None:
    backend.fault = "slow"
    async with httpx.AsyncClient(base_url=backend.url, timeout=0.4) as http:
        results = await asyncio.gather(
            http.get(METRICS), http.get(HEALTH), http.get(PROMETHEUS), return_exceptions=True
        )
    # All three arrived while the others were still waiting: none queued behind another.
    assert all(isinstance(r, httpx.TimeoutException) for r in results)
    assert backend.requests == {METRICS: 1, HEALTH: 1, PROMETHEUS: 1}
    # Stopping does not wait out the 10 s answers (a generous bound: the figure is ~0).
    await asyncio.wait_for(backend.stop(), 5)


async def test_slow_scenario_answers_late() -> None:
    sim = SimBackend("slow", seed=1)
    url = await sim.start()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=0.3) as http:
            with pytest.raises(httpx.TimeoutException):
                await http.get(METRICS)
    finally:
        await sim.stop()


async def test_hostile_scenario_serves_bad_and_good_answers_in_turn() -> None:
    clock = FixedClock(LAUNCH)
    sim = SimBackend("hostile", seed=1, clock=clock, launch_at=LAUNCH)
    url = await sim.start()
    statuses, readable = set(), 0
    try:
        async with httpx.AsyncClient(base_url=url, timeout=2) as http:
            for step in range(17):
                clock.moment = LAUNCH + timedelta(seconds=4 * step)
                answer = await http.get(METRICS)
                statuses.add(answer.status_code)
                with contextlib.suppress(json.JSONDecodeError):
                    readable += not any(unreadable(json.loads(answer.text)))
    finally:
        await sim.stop()
    assert {200, 500, 503} <= statuses
    assert 0 < readable < 17


async def test_stop_does_not_wait_out_a_pending_slow_answer(backend: SimBackend) -> None:
    backend.fault = "slow"
    async with httpx.AsyncClient(base_url=backend.url, timeout=5) as http:
        pending = asyncio.create_task(http.get(HEALTH))
        assert await wait_until(None, lambda: backend.requests[HEALTH] >= 1)  # it arrived
        await asyncio.wait_for(backend.stop(), 5)  # not the 10 s answer (the figure is ~0)
        with pytest.raises(httpx.HTTPError):
            await asyncio.wait_for(pending, 3)
