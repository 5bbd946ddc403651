"""A real Prometheus server as a source: Debian's ``prometheus`` started by the test.

The server listens on loopback, keeps its data in tmp_path and scrapes a local exporter
(``sim.exporter.Exporter``) every 0.5 s whose counters grow by 100 answers and 5 errors a
scrape; the control room asks it the runbook's error rate as a PromQL query. Skipped,
saying why, where the ``prometheus`` binary is not installed (``apt-get install
prometheus``); the Prometheus HTTP API client itself is always tested against a server in
tests/test_sources.py.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import build_config
from autus_tui.sim.exporter import Exporter
from autus_tui.sources.poller import Poller

PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.skipif(
    PROMETHEUS is None,
    reason="the prometheus server is not installed (apt-get install prometheus); the API "
           "client is tested against a local server in test_sources.py",
)
ERROR_RATE = ('sum(rate(http_requests_total{code=~"5.."}[1m])) '
              "/ sum(rate(http_requests_total[1m])) * 100")


def _render(scrape: int) -> str:
    return (
        "# TYPE http_requests_total counter\n"
        f'http_requests_total{{code="200"}} {scrape * 100}\n'
        f'http_requests_total{{code="503"}} {scrape * 5}\n'
        "# TYPE autus_active_users gauge\n"
        "autus_active_users 1234\n"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _until_answer(client: httpx.AsyncClient, url: str, query: str,
                        seconds: float) -> bool:
    """Until the server has two scrapes to take a rate from (bounded, not a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answer = (await client.get(f"{url}/api/v1/query", params={"query": query})).json()
            if answer.get("status") == "success" and answer["data"]["result"]:
                return True
        except (httpx.HTTPError, ValueError):
            pass
        await asyncio.sleep(0.2)
    return False


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[str]:
    exporter = Exporter("", render=_render)
    target = (await exporter.start()).removeprefix("http://")
    (tmp_path / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 500ms\n  evaluation_interval: 500ms\n"
        "scrape_configs:\n  - job_name: autus\n    static_configs:\n"
        f"      - targets: ['{target}']\n", encoding="utf-8")
    port = _free_port()
    assert PROMETHEUS is not None
    process = subprocess.Popen(
        [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "prometheus.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=2) as client:
            ready = await _until_answer(client, url, "sum(rate(http_requests_total[1m]))", 40)
        log = (tmp_path / "prometheus.log").read_text(errors="replace")[-2000:]
        assert ready, f"prometheus never had two scrapes to rate: {log}"
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        await exporter.stop()


async def test_the_error_rate_and_a_gauge_come_from_a_real_prometheus(server: str) -> None:
    config = build_config([("autus.toml", {
        "sources": {"prom": {"kind": "prometheus_query", "url": server}},
        "metrics": {
            "error_rate": {"source": "prom", "query": ERROR_RATE},
            "active_users": {"source": "prom", "query": "sum(autus_active_users)"},
            "per_code": {"label": "Requests by code", "source": "prom",
                         "query": "sum by (code) (rate(http_requests_total[1m]))"},
            "typo": {"label": "Typo", "source": "prom", "query": "rate(http_requests_total)"},
            "gate_failures": {"enabled": False},
        },
    })])
    poller = Poller(config.backend, config.metrics, FixedClock(datetime.now(UTC)),
                    sources=config.sources)
    try:
        result = await poller.poll_once()
    finally:
        await poller.aclose()
    readings = result.readings
    assert readings["error_rate"].value == pytest.approx(5 / 105 * 100)
    assert readings["active_users"].value == 1234
    assert readings["per_code"].problem is not None
    assert "the query returned 2 series" in readings["per_code"].problem
    typo = readings["typo"].problem or ""
    assert typo.startswith("the server refused the query (bad_data: "), typo
    assert "gate_failures" not in readings
    # the backend of this test is not running: only its own requests fail
    assert result.error is not None and result.error.startswith("backend unreachable")
