"""Sources against real local servers: exporters on ports of their own, a Prometheus API.

What an operator would notice: a hung exporter never holds back the backend's values; a
25k-series exposition on another port gives the values at its very end, scaled for the
panes; a body over the cap is an error on every metric of that source, never a silent
cut; a Prometheus server's answers are read strictly and its token never shows; a control
room on exporters alone never asks the backend anything, and records its values.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import Config, build_config
from autus_tui.core.dashboard import Dashboard
from autus_tui.core.observations import PollResult
from autus_tui.services.recorder import Recorder
from autus_tui.sim.exporter import Exporter, big_exposition
from autus_tui.sim.server import HEALTH_PATH, METRICS_PATH, SimBackend
from autus_tui.sources.poller import Poller
from autus_tui.store import Store, samples

MORNING = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
DEFAULT_KEYS = ("active_users", "gate_observe", "gate_ring", "gate_lock", "afterimage_rate",
                "error_rate", "avg_response", "gate_failures", "db_connections", "memory_pct")
NODE_METRICS = {
    "load": {"label": "Load", "source": "node", "path": "node_load1", "decimals": 2},
    "offset": {"label": "NTP Offset", "source": "node", "path": "node_timex_offset_seconds",
               "unit": "s", "minimum": -1, "maximum": 1},
    "cold": {"label": "Cold Sensor", "source": "node", "unit": "°C", "decimals": 1,
             "path": 'node_hwmon_temp_celsius{chip="cold"}', "minimum": -40},
    "data": {"label": "Data Volume", "source": "node", "unit": "bytes",
             "path": 'node_filesystem_size_bytes{mountpoint="/data"}'},
    "tiny": {"label": "Tiny Ratio", "source": "node", "path": "autus_tiny_ratio",
             "decimals": 2},
}


@pytest.fixture
async def sim() -> AsyncIterator[SimBackend]:
    backend = SimBackend("calm", seed=7, clock=FixedClock(MORNING),
                         launch_at=datetime(2026, 11, 27, 0, 0, tzinfo=UTC))
    await backend.start()
    yield backend
    await backend.stop()


@pytest.fixture
async def exporter() -> AsyncIterator[Exporter]:
    server = Exporter(big_exposition())
    await server.start()
    yield server
    await server.stop()


def _config(backend_url: str, node_url: str, *, interval: float = 1.0,
            **extra: Any) -> Config:
    data: dict[str, Any] = {
        "backend": {"url": backend_url, "interval": interval, "timeout": interval * 0.8},
        "sources": {"node": {"kind": "prometheus", "url": f"{node_url}/metrics"}},
        "metrics": dict(NODE_METRICS),
    }
    return build_config([("autus.toml", data), ("more.toml", extra)])


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.02)
    return False


async def _once(config: Config, **kw: Any) -> PollResult:
    poller = Poller(config.backend, config.metrics, FixedClock(MORNING),
                    sources=config.sources, **kw)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()


async def test_a_25k_series_exporter_on_its_own_port_gives_the_values_at_its_end(
    sim: SimBackend, exporter: Exporter,
) -> None:
    assert exporter.url != sim.url
    config = _config(sim.url, exporter.url)
    result = await _once(config)
    assert result.error is None
    specs = {spec.key: spec for spec in config.metrics}
    shown = {key: specs[key].format(result.readings[key].value) for key in NODE_METRICS}
    assert shown == {"load": "1.25", "offset": "-234 µs", "cold": "-5.5 °C",
                     "data": "13.6 TiB", "tiny": "1.23e-05"}
    assert all(result.readings[key].value is not None for key in DEFAULT_KEYS)  # the JSON too


async def test_a_body_over_the_cap_is_an_error_on_each_metric_never_a_cut(
    sim: SimBackend, exporter: Exporter,
) -> None:
    config = _config(sim.url, exporter.url, sources={"node": {"max_bytes": 1 << 20}})
    result = await _once(config)
    problem = "node: response larger than 1 MiB, not read (raise sources.node.max_bytes)"
    assert {key: result.readings[key].problem for key in NODE_METRICS} == dict.fromkeys(
        NODE_METRICS, problem)
    assert result.error == "node: response larger than 1 MiB, not read (raise "\
                           "sources.node.max_bytes)"
    assert result.readings["active_users"].value is not None


async def test_several_matching_series_and_partial_labels_on_the_live_exporter(
    sim: SimBackend, exporter: Exporter,
) -> None:
    config = _config(sim.url, exporter.url, metrics={
        "idle": {"label": "Idle", "source": "node",
                 "path": 'node_cpu_seconds_total{mode="idle"}'},
        "idle_sum": {"label": "Idle", "source": "node", "combine": "sum",
                     "path": 'node_cpu_seconds_total{mode="idle", cpu=~"[0-3]"}'},
        "hottest": {"label": "Hottest", "source": "node", "combine": "max", "minimum": -40,
                    "path": "node_hwmon_temp_celsius"},
    })
    result = await _once(config)
    assert result.readings["idle"].problem == (
        'node_cpu_seconds_total{mode="idle"} matches 64 series; make it match one, '
        'or set combine = "sum", "max", "min" or "avg"')
    assert result.readings["idle_sum"].value == sum(cpu * 1000 + 0.5 for cpu in range(4))
    assert result.readings["hottest"].value == 61.0


async def test_a_hung_exporter_never_holds_back_the_backend(sim: SimBackend) -> None:
    gate = asyncio.Event()
    hung = Exporter(big_exposition(200), gate=gate)
    await hung.start()
    config = _config(sim.url, hung.url, interval=1.0)
    poller = Poller(config.backend, config.metrics, WallClock(), sources=config.sources)
    seen: list[tuple[PollResult, int]] = []
    task = asyncio.create_task(poller.run(lambda result: seen.append((result, hung.pending))))
    try:
        assert await _until(lambda: len(seen) >= 1, 5)
        first, pending = seen[0]
        # delivered while the exporter still held its answer: the backend did not wait
        assert pending == 1 and hung.requests == 1
        assert first.readings["active_users"].value is not None
        assert "load" not in first.readings
        gate.set()  # the exporter answers: its values join the next tick
        assert await _until(lambda: any("load" in r.readings for r, _ in seen), 5)
        joined = next(r for r, _ in seen if "load" in r.readings)
        assert joined.readings["load"].value == 1.25
        assert joined.readings["active_users"].value is not None
    finally:
        task.cancel()
        await asyncio.wait({task}, timeout=3)
        await poller.aclose()
        gate.set()
        await hung.stop()
    assert task.cancelled()


async def test_a_dead_exporter_is_named_in_the_error_and_its_metrics_age(
    sim: SimBackend,
) -> None:
    dead = Exporter("")
    url = await dead.start()
    await dead.stop()  # nothing listens there now
    result = await _once(_config(sim.url, url))
    assert result.error == "node: unreachable (connection refused)"
    assert not set(NODE_METRICS) & set(result.readings)  # no value: they go STALE
    assert result.readings["active_users"].value is not None


async def test_exporters_alone_never_ask_the_backend_and_are_recorded(
    sim: SimBackend, exporter: Exporter, tmp_path: Path,
) -> None:
    config = _config(sim.url, exporter.url, interval=0.3,
                     backend={"health_path": ""},
                     metrics={key: {"enabled": False} for key in DEFAULT_KEYS})
    assert [spec.key for spec in config.metrics] == list(NODE_METRICS)
    with Store(tmp_path / "launch.db") as store:
        recorder = Recorder(store, config, WallClock(), "alice", ttl=1.0, renew_every=0.2,
                            beat_every=0.5)
        task = asyncio.create_task(recorder.run())
        try:
            assert await _until(lambda: any(
                "load" in poll.readings for _, poll in samples.polls_since(store, 0)), 8)
        finally:
            recorder.stop()
            await asyncio.wait_for(task, 5)
        polls = [poll for _, poll in samples.polls_since(store, 0)]
    assert sim.requests[METRICS_PATH] == sim.requests[HEALTH_PATH] == 0
    assert all(poll.error is None and poll.health is None for poll in polls)
    dashboard = Dashboard(config.metrics, timedelta(seconds=0.9),
                          interval=config.backend.interval)
    for poll in polls:
        dashboard.apply(poll)
    assert [pane.key for pane in dashboard.panes] == list(NODE_METRICS)
    assert dashboard.trackers["load"].last is not None
    assert dashboard.error is None


# -- a Prometheus server's HTTP API -----------------------------------------------------------

ANSWERS: dict[str, tuple[int, dict[str, Any]]] = {
    "error_rate": (200, {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1764470000.5, "2.75"]}]}}),
    "by_code": (200, {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"code": "500"}, "value": [1764470000.5, "3"]},
        {"metric": {"code": "503"}, "value": [1764470000.5, "4.5"]}]}}),
    "scalar(42)": (200, {"status": "success", "data": {"resultType": "scalar",
                                                       "result": [1764470000.5, "42"]}}),
    "nothing": (200, {"status": "success", "data": {"resultType": "vector", "result": []}}),
    "up[5m]": (200, {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {}, "values": [[1764470000, "1"]]}]}}),
    "0/0": (200, {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1764470000.5, "NaN"]}]}}),
    "rate(x)": (400, {"status": "error", "errorType": "bad_data",
                   "error": "1:1: parse error: ranges only allowed for vector selectors\x1b[31m"}),
    "offset": (200, {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1764470000.5, "-0.000234"]}]}}),
    "number": (200, {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1764470000.5, 2.75]}]}}),
}


@pytest.fixture
async def prom_api() -> AsyncIterator[tuple[str, list[web.Request]]]:
    seen: list[web.Request] = []

    async def query(request: web.Request) -> web.Response:
        seen.append(request)
        if request.headers.get("Authorization") != "Bearer t0k3n-value":
            return web.json_response({"status": "error", "errorType": "unauthorized",
                                      "error": "no token"}, status=401)
        status, body = ANSWERS.get(request.query.get("query", ""), (400, {
            "status": "error", "errorType": "bad_data", "error": "unknown"}))
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_get("/api/v1/query", query)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", seen
    await runner.cleanup()


def _query_config(sim: SimBackend, url: str) -> Config:
    metrics = {key: {"label": key, "source": "prom", "query": key}
               for key in ("by_code", "scalar(42)", "nothing", "up[5m]", "0/0", "rate(x)",
                           "number")}
    metrics = {f"q{number}": spec for number, spec in enumerate(metrics.values())}
    metrics["error_rate"] = {"source": "prom", "query": "error_rate"}
    metrics["q0"]["combine"] = "sum"
    metrics["offset"] = {"label": "Offset", "source": "prom", "query": "offset",
                         "minimum": -1, "unit": "s"}
    return build_config([("autus.toml", {
        "backend": {"url": sim.url},
        "sources": {"prom": {"kind": "prometheus_query", "url": url,
                             "headers": {"Authorization": "Bearer ${AUTUS_PROM_TOKEN}"}}},
        "metrics": metrics,
    })])


async def test_a_prometheus_api_answer_is_read_strictly(
    sim: SimBackend, prom_api: tuple[str, list[web.Request]],
) -> None:
    url, seen = prom_api
    config = _query_config(sim, url)
    result = await _once(config, environ={"AUTUS_PROM_TOKEN": "t0k3n-value"})
    got = {key: (r.value, r.problem) for key, r in result.readings.items()
           if key.startswith("q") or key in ("error_rate", "offset")}
    assert got == {
        "error_rate": (2.75, None),
        "offset": (-0.000234, None),
        "q0": (7.5, None),  # two series, combine = "sum"
        "q1": (42.0, None),
        "q2": (None, "the query returned no series (nothing matches it now)"),
        "q3": (None, "the query returned a range (matrix), not an instant value: drop the "
                     "[range] at its end or wrap it in a function such as rate()"),
        "q4": (None, "the query's value is not a finite number (nan)"),
        "q5": (None, "the server refused the query (bad_data: 1:1: parse error: ranges "
                     "only allowed for vector selectors)"),
        "q6": (None, "a sample that is not [time, \"value\"]: [1764470000.5, 2.75]"),
    }
    assert result.error is None
    assert {request.query["query"] for request in seen} == {
        "by_code", "scalar(42)", "nothing", "up[5m]", "0/0", "rate(x)", "number", "error_rate",
        "offset"}
    assert all(request.query["timeout"] == "800ms" for request in seen)


async def test_several_series_from_a_query_is_an_error_naming_how_many(
    sim: SimBackend, prom_api: tuple[str, list[web.Request]],
) -> None:
    config = build_config([("autus.toml", {
        "backend": {"url": sim.url},
        "sources": {"prom": {"kind": "prometheus_query", "url": prom_api[0],
                             "headers": {"Authorization": "Bearer ${AUTUS_PROM_TOKEN}"}}},
        "metrics": {"error_rate": {"source": "prom", "query": "by_code"}},
    })])
    result = await _once(config, environ={"AUTUS_PROM_TOKEN": "t0k3n-value"})
    assert result.readings["error_rate"].problem == (
        'the query returned 2 series; make it return one (sum(...), a label matcher), '
        'or set combine = "sum", "max", "min" or "avg"')


async def test_the_token_comes_from_the_environment_and_never_shows(
    sim: SimBackend, prom_api: tuple[str, list[web.Request]],
) -> None:
    url, seen = prom_api
    config = _query_config(sim, url)
    unset = await _once(config, environ={})
    assert unset.error == ("prom: header Authorization: environment variable "
                           "AUTUS_PROM_TOKEN is not set")
    assert seen == []  # nothing sent without it
    wrong = await _once(config, environ={"AUTUS_PROM_TOKEN": "wr0ng-t0ken"})
    assert wrong.readings["error_rate"].problem == (
        "the server refused the query (unauthorized: no token)")
    assert seen[-1].headers["Authorization"] == "Bearer wr0ng-t0ken"
    text = repr(wrong) + repr(unset)
    assert "wr0ng-t0ken" not in text and "t0k3n-value" not in text


async def test_a_query_source_that_does_not_answer_leaves_its_metrics_to_age(
    sim: SimBackend,
) -> None:
    dead = Exporter("")
    url = await dead.start()
    await dead.stop()
    result = await _once(_query_config(sim, url), environ={"AUTUS_PROM_TOKEN": "x"})
    assert result.error == "prom: unreachable (connection refused)"
    assert "error_rate" not in result.readings
    assert result.readings["active_users"].value is not None


def test_a_config_with_sources_round_trips_through_replace() -> None:
    # Config stays a frozen value object: a copy with another backend keeps the sources
    config = build_config([("a.toml", {"sources": {"node": {
        "kind": "prometheus", "url": "http://127.0.0.1:9100/metrics"}}})])
    assert replace(config, operator="bob").sources == config.sources
