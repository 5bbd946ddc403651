"""The shipped scenario files played: each matrix row shows its signal in its window, and
the outage plays on a stored rehearsal clock at speed 60 (a clock stepped by the test)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.payload import read_health
from autus_tui.sim.scenarios import SimState, load_scenario
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store, load_or_start_rehearsal_clock, read_rehearsal_clock

LAUNCH = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
KINDS = ("observe", "ring", "lock")


def at(name: str, clock: str, seed: int = 3) -> SimState:
    """The state of scenario ``name`` at ``clock`` (HH:MM[:SS]) on launch day."""
    parts = [int(part) for part in clock.split(":")]
    hours, minutes, seconds = [*parts, 0][:3]
    elapsed = timedelta(hours=hours - 9, minutes=minutes, seconds=seconds)
    return load_scenario(name).state(elapsed, seed)


def metrics(state: SimState) -> dict[str, Any]:
    assert state.metrics is not None
    return state.metrics


def component(state: SimState, name: str) -> str:
    return str(state.health["components"][name]["status"])


def db_pct(state: SimState) -> float:
    pool = metrics(state)["db_connections"]
    return float(pool["used"] / pool["max"] * 100)


# What the seed's incident matrix row looks like at 10:07, in the terms of its signal
# (checklists/incident-matrix.toml on the incidents branch).
SIGNALS: dict[str, Callable[[SimState], bool]] = {
    "server-down": lambda s: s.metrics is None and s.health["status"] == "down",
    "db-failure": lambda s: component(s, "db") == "down" and db_pct(s) > 95,
    "gate-outage": lambda s: metrics(s)["gate_failures"] > 10,
    "slow-response": lambda s: metrics(s)["avg_response_ms"] > 5000,
    "gate-errors": lambda s: 1 <= metrics(s)["gate_failures"] <= 10,
    "websocket-unstable": lambda s: component(s, "websocket") != "ok",
    "error-rate": lambda s: 1 < metrics(s)["error_rate_pct"] < 5,
    "memory-warning": lambda s: metrics(s)["memory_pct"] >= 80,
    "traffic-surge": lambda s: metrics(s)["active_users"] >= 1.5 * metrics(
        at("traffic-surge", "10:00"))["active_users"],
}


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_each_matrix_row_shows_its_signal_in_its_window_only(name: str) -> None:
    before, during, after = at(name, "09:59"), at(name, "10:07"), at(name, "10:45")
    assert SIGNALS[name](during), (name, during)
    for calm in (before, after):
        assert calm.health["status"] == "ok", (name, calm.health)
        assert not SIGNALS[name](calm) or name == "traffic-surge"
    if name != "traffic-surge":  # a surge is not a fault: health stays ok (변화 없음)
        assert during.health["status"] in ("degraded", "down")
        assert read_health(during.health).message


def test_a_traffic_surge_is_a_rise_within_five_minutes() -> None:
    base = metrics(at("traffic-surge", "09:58"))["active_users"]
    assert metrics(at("traffic-surge", "10:05"))["active_users"] >= 1.5 * base
    assert metrics(at("traffic-surge", "10:35"))["active_users"] < 1.2 * base


def test_the_websocket_drops_twenty_seconds_of_every_minute() -> None:
    down = [at("websocket-unstable", f"10:03:{s:02d}").websocket_down for s in range(60)]
    assert down == [True] * 20 + [False] * 40
    assert not at("websocket-unstable", "09:59:59").websocket_down
    assert not at("websocket-unstable", "10:15:05").websocket_down


def test_gate_counts_never_decrease_all_day_and_stop_while_things_are_down() -> None:
    previous = dict.fromkeys(KINDS, 0)
    start = 8 * 3600
    for second in range(start, 18 * 3600, 11):
        state = at("launch-day", f"{second // 3600}:{second // 60 % 60:02d}:{second % 60:02d}")
        if state.metrics is None:
            assert 13 * 3600 <= second < 13 * 3600 + 35 * 60, second
            continue
        counts = state.metrics["gate_events"]
        assert all(counts[k] >= previous[k] for k in KINDS), second
        previous = counts
    lost = metrics(at("gate-outage", "10:19:59"))["gate_events"]["observe"] - \
        metrics(at("gate-outage", "10:00"))["gate_events"]["observe"]
    assert 0 <= lost <= 1  # no Gate events while every Gate is down


def test_the_outage_is_one_unbroken_35_minutes() -> None:
    assert at("outage", "09:00:59").health["status"] == "ok"
    for second in range(0, 35 * 60, 7):
        state = at("outage", f"09:{1 + second // 60:02d}:{second % 60:02d}")
        assert state.metrics is None and state.websocket_down, second
    assert at("outage", "09:36").health["status"] == "ok"


async def test_the_outage_at_speed_60_on_a_stored_clock_is_down_for_35_real_seconds(
    tmp_path: Path,
) -> None:
    real = FixedClock(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))  # the "wall" the test steps
    with Store(tmp_path / "rehearsal.db") as store:
        start = LAUNCH + timedelta(seconds=30)  # 09:00:30, the outage file's start
        load_or_start_rehearsal_clock(store, start, 60.0, operator="t", real=real.now)
        clock = read_rehearsal_clock(store, real=real.now)
    assert clock is not None
    backend = SimBackend(load_scenario("outage"), seed=2, clock=clock, launch_at=LAUNCH)
    url = await backend.start()
    t0 = real.moment

    async def answers(real_seconds: float) -> tuple[int, str]:
        real.moment = t0 + timedelta(seconds=real_seconds)
        metrics_status = (await http.get("/ops/v1/metrics")).status_code
        return metrics_status, (await http.get("/ops/v1/health")).json()["status"]

    try:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            assert await answers(0.45) == (200, "ok")  # 09:00:57
            for second in (0.55, 1, 10, 30.5, 35.45):  # 09:01:03 .. 09:35:57
                assert await answers(second) == (503, "down"), second
            assert await answers(35.55) == (200, "ok")  # 09:36:03
    finally:
        await backend.stop()


async def test_the_server_drops_open_websockets_and_refuses_new_ones_while_down() -> None:
    clock = FixedClock(LAUNCH + timedelta(hours=1, minutes=2, seconds=30))  # 10:02:30: up
    backend = SimBackend("websocket-unstable", seed=1, clock=clock, launch_at=LAUNCH)
    url = await backend.start()
    try:
        async with aiohttp.ClientSession() as session:
            socket = await session.ws_connect(url + "/ops/v1/ws")
            assert (await socket.receive_json(timeout=5)) == {"type": "hello"}
            clock.moment += timedelta(seconds=35)  # 10:03:05: in the 20 s it is down
            message = await socket.receive(timeout=5)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url + "/ops/v1/ws")
            assert refused.value.status == 503
            clock.moment += timedelta(seconds=20)  # 10:03:25: back
            again = await session.ws_connect(url + "/ops/v1/ws")
            assert (await again.receive_json(timeout=5)) == {"type": "hello"}
            await again.close()
    finally:
        await backend.stop()
