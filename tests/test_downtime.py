"""Downtime as a fact: one definition of an outage, judged on the backend's own answer.

A real poller against a backend that is not there while an exporter answers on its own
port: the poll is out (the exporter is not the service), on the screen's rule, the SQL
reading of the store and the folded minutes alike. Against a live backend with a dead
exporter: not out. An outage written at speed by a stepped clock over more than the raw
window (2 h) reads the same before and after its polls are folded, to the poll.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config, build_config
from autus_tui.core.observations import PollResult
from autus_tui.core.outages import downtime, outages, poll_is_out
from autus_tui.core.payload import Health, Reading
from autus_tui.services.downtime import availability, day_outages, ongoing_outage
from autus_tui.services.recorder import record_poll
from autus_tui.sim.exporter import Exporter
from autus_tui.sim.server import SimBackend
from autus_tui.sources.poller import Poller
from autus_tui.store import Store, samples

T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
SEC = timedelta(seconds=1)
EXPOSITION = "node_load1 0.42\n"


@pytest.fixture
async def exporter() -> AsyncIterator[Exporter]:
    server = Exporter(EXPOSITION)
    await server.start()
    yield server
    await server.stop()


async def _dead_url() -> str:
    dead = Exporter("")
    url = await dead.start()
    await dead.stop()  # nothing listens there now
    return url


def _config(backend_url: str, node_url: str) -> Config:
    data: dict[str, Any] = {
        "backend": {"url": backend_url, "interval": 1.0, "timeout": 0.8},
        "sources": {"node": {"kind": "prometheus", "url": f"{node_url}/metrics"}},
        "metrics": {"load": {"label": "Load", "source": "node", "path": "node_load1",
                             "decimals": 2}},
    }
    return build_config([("autus.toml", data)])


async def _poll(config: Config) -> PollResult:
    poller = Poller(config.backend, config.metrics, FixedClock(T0), sources=config.sources)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()


async def test_an_exporter_answering_does_not_hide_the_backend_being_down(
    exporter: Exporter, tmp_path: Path,
) -> None:
    config = _config(await _dead_url(), exporter.url)
    result = await _poll(config)
    assert result.readings["load"].value == 0.42  # the exporter answered
    assert result.error is not None and result.error.startswith("backend unreachable")
    assert result.backend_down is True and poll_is_out(result)
    polls = [PollResult(T0 + n * SEC, result.readings, None, result.error,
                        backend_down=True) for n in range(5)]
    with Store(tmp_path / "launch.db") as store:
        samples.record_polls(store, polls, 3.0)
        found, since_at_least = ongoing_outage(store)
        assert found is not None and (found.start, found.polls) == (T0, 5)
        assert not since_at_least and found.reason.startswith("no answer: backend unreachable")
        assert day_outages(store) == outages(polls)


async def test_a_dead_exporter_beside_a_live_backend_is_no_outage(tmp_path: Path) -> None:
    backend = SimBackend("calm", seed=7, clock=FixedClock(T0 + timedelta(hours=1)),
                         launch_at=T0)
    await backend.start()
    try:
        result = await _poll(_config(backend.url, await _dead_url()))
    finally:
        await backend.stop()
    assert result.error == "node: unreachable (connection refused)"
    assert result.backend_down is False and not poll_is_out(result)
    with Store(tmp_path / "launch.db") as store:
        samples.record_polls(store, [result], 3.0)
        assert ongoing_outage(store) == (None, False) and day_outages(store) == ()


def _polls(down_from: int, down_to: int, total: int) -> list[PollResult]:
    """One poll a second; out (health down, or no answer) from ``down_from`` to ``down_to``."""
    out = []
    for n in range(total):
        at = T0 + n * SEC
        if down_from <= n < down_to:
            if n % 7:
                out.append(PollResult(at, {}, Health("down", "db gone"), "metrics: HTTP 503",
                                      backend_down=False))
            else:
                out.append(PollResult(at, {"load": Reading(0.4)}, None,
                                      "backend unreachable: refused", backend_down=True))
        else:
            out.append(PollResult(at, {"error_rate": Reading(0.3)}, Health("ok", ""),
                                  backend_down=False))
    return out


def _write(store: Store, polls: list[PollResult]) -> None:
    """As the recorder writes them (one transaction per minute here, for speed)."""
    for start in range(0, len(polls), 60):
        with store.write() as tx:
            for poll in polls[start:start + 60]:
                record_poll(tx, poll, [], 3.0, "host:1:alice")


def test_an_outage_reads_the_same_to_the_poll_after_folding(tmp_path: Path) -> None:
    # Down 09:30:00.5 for 35 min, then up; then down again at the end, for 2 h 10 min.
    polls = _polls(1800, 1800 + 35 * 60, 3 * 3600)
    polls = [p if n < 1800 else PollResult(p.at + SEC / 2, p.readings, p.health, p.error,
                                           backend_down=p.backend_down)
             for n, p in enumerate(polls)]
    tail = _polls(0, 10**6, 130 * 60)
    polls += [PollResult(p.at + timedelta(hours=3), p.readings, p.health, p.error,
                         backend_down=p.backend_down) for p in tail]
    expected = outages(polls)
    assert [(o.start, o.end, o.polls) for o in expected] == [
        (T0 + 1800.5 * SEC, T0 + (1800 + 2100) * SEC + SEC / 2, 2100),
        (T0 + timedelta(hours=3), None, 130 * 60)]
    with Store(tmp_path / "launch.db") as store:
        _write(store, polls)
        assert day_outages(store) == expected
        end = polls[-1].at
        assert samples.fold_all_old(store, [], end) > 0
        assert samples.polls_since(store, 0)[0][1].at >= end - timedelta(hours=2, minutes=1)
        assert day_outages(store) == expected  # folded minutes keep every run to the poll
        ongoing, since_at_least = ongoing_outage(store)
        assert ongoing == expected[-1] and not since_at_least  # its start: from the rollups
        first, last = polls[0].at, polls[-1].at
        down = downtime(expected, first, last, now=last)
        assert down == timedelta(minutes=35) + (last - expected[-1].start)
        share = availability(expected, first, last, last)
        assert share == pytest.approx(1 - down / (last - first))


def test_the_store_judges_every_row_as_the_core_does(tmp_path: Path) -> None:
    rows = [
        PollResult(T0, {}, None, "backend unreachable: x"),                     # not said
        PollResult(T0 + SEC, {"load": Reading(1.0)}, None, "backend: x"),       # a value
        PollResult(T0 + 2 * SEC, {"load": Reading(1.0)}, None, "x", backend_down=True),
        PollResult(T0 + 3 * SEC, {}, None, "node: refused", backend_down=False),
        PollResult(T0 + 4 * SEC, {}, Health("down", "m"), None, backend_down=False),
        PollResult(T0 + 5 * SEC, {}, Health("unknown", ""), "x", backend_down=True),
        PollResult(T0 + 6 * SEC, {"x": Reading(None, "missing")}, None, "x"),
        PollResult(T0 + 7 * SEC, {}, Health("ok", ""), None),
    ]
    with Store(tmp_path / "launch.db") as store:
        samples.record_polls(store, rows, 3.0)
        with store.read() as conn:
            from autus_tui.services.downtime import OUT_SQL

            judged = [bool(out) for (out,) in conn.execute(
                f"SELECT {OUT_SQL} FROM polls ORDER BY id")]
        kept = [poll for _, poll in samples.polls_since(store, 0)]
        assert kept == rows  # backend_down is stored and read back, None included
        assert judged == [poll_is_out(poll) for poll in rows] == [
            True, False, True, False, True, False, True, False]
        samples.fold_all_old(store, [], T0 + timedelta(hours=3))
        assert day_outages(store) == outages(rows)
