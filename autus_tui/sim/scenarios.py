"""Scenarios of the simulated AUTUS backend, as pure functions of launch-relative time.

A scenario answers "what would the backend say at ``elapsed`` after launch?" (negative
``elapsed`` is before launch) for a given ``seed``. Values depend only on (whole seconds
of elapsed, seed): two requests in the same simulated second get the same numbers, and a
seed replays a morning exactly. No I/O here; ``sim.server`` serves what this returns.

- ``calm``: a healthy launch morning. A dozen users before launch, ramping towards
  ~1,200 after it; error rate 0.2-0.5 %, response 120-250 ms, no gate failures, DB pool
  30-50 %, service memory 40-60 %.
- ``spike``: calm until T+2 min, then error rate and response time climb into WARN
  (T+3..T+4.5), CRIT on all four judged metrics (T+5..T+8), back to WARN (T+8.5..T+9.5)
  and OK from T+10.5 on. Memory follows the DB pool's pressure (WARN/CRIT near its peak).
- ``outage``: from T+1 min for 35 minutes health says ``down`` and metrics answer 503;
  then the backend recovers. Gate events do not count while it is down.
- ``slow``: calm values, every answer 10 s late. ``hostile``: calm values with a bad
  payload rotating every few seconds (see ``sim.faults``).

Gate event counts are cumulative since launch, 0 before it, and never decrease: each is
the closed-form integral of a positive rate, read at a time warped by less than one
second per whole second (which keeps the warped time increasing).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from autus_tui.core.levels import Level
from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import read_metric
from autus_tui.sim.faults import HOSTILE_ROTATION, SLOW_SECONDS

PRELAUNCH_USERS = 12.0
PEAK_USERS = 1200.0
RAMP_MINUTES = 20.0
"""Time constant of the user ramp after launch (63 % of the peak after this long)."""
DB_POOL = 200
GATE_RATES = {"observe": 0.6, "ring": 0.12, "lock": 0.02}
"""Gate events per active user per minute."""
WAVE_MINUTES = 7.0
OUTAGE_START = timedelta(minutes=1)
OUTAGE_LENGTH = timedelta(minutes=35)
HOSTILE_STEP_SECONDS = 4


@dataclass(frozen=True)
class SimState:
    """What the backend answers at one moment. ``metrics`` None → the endpoint says 503."""

    metrics: dict[str, Any] | None
    health: dict[str, Any]
    delay: float = 0.0
    """Seconds to wait before answering."""
    fault: str | None = None
    """A bad payload the scenario itself serves (``hostile``); see ``sim.faults``."""


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    state_at: Callable[[timedelta, int], SimState]

    def state(self, elapsed: timedelta, seed: int) -> SimState:
        return self.state_at(elapsed, seed)


# -- the calm morning every scenario starts from ---------------------------------------


@dataclass(frozen=True)
class _Morning:
    """Raw values of a calm morning at one whole second, before any scenario bends them."""

    second: int
    users: float
    gate_events: dict[str, int]
    afterimage_per_min: float
    error_rate_pct: float
    avg_response_ms: float
    gate_failures: int
    db_used: int
    memory_pct: float = 50.0


def _rng(seed: int, second: int) -> random.Random:
    return random.Random(f"autus-sim:{seed}:{second}")


def _seed_traits(seed: int) -> tuple[float, float]:
    """Per-seed constants: a rate multiplier and the phase of the slow wave."""
    rng = random.Random(f"autus-sim:{seed}:traits")
    return rng.uniform(0.9, 1.1), rng.uniform(0, 2 * math.pi)


def _users_smooth(minutes: float) -> float:
    if minutes <= 0:
        return PRELAUNCH_USERS
    return PRELAUNCH_USERS + PEAK_USERS * (1 - math.exp(-minutes / RAMP_MINUTES))


def _user_minutes(minutes: float, phase: float) -> float:
    """Integral from launch of users plus a slow wave (always positive, so increasing)."""
    if minutes <= 0:
        return 0.0
    ramp = PRELAUNCH_USERS * minutes + PEAK_USERS * (
        minutes - RAMP_MINUTES * (1 - math.exp(-minutes / RAMP_MINUTES))
    )
    omega = 2 * math.pi / WAVE_MINUTES
    amplitude = 0.8 * PRELAUNCH_USERS
    wave = amplitude / omega * (math.cos(phase) - math.cos(omega * minutes + phase))
    return ramp + wave


def _morning(second: int, seed: int, paused: tuple[float, float] | None = None) -> _Morning:
    """A calm morning at ``second`` after launch; ``paused`` = (start, end) in minutes
    during which no gate events happen (the backend was down)."""
    rng = _rng(seed, second)
    factor, phase = _seed_traits(seed)
    minutes = second / 60
    users = _users_smooth(minutes) * rng.uniform(0.97, 1.03)
    load = min(1.0, users / (PRELAUNCH_USERS + PEAK_USERS))

    warped = max(0.0, (second - rng.random()) / 60)  # < 1 s back: still increasing
    integral = _user_minutes(warped, phase)
    if paused is not None:
        start, end = paused
        lost = _user_minutes(min(max(warped, start), end), phase) - _user_minutes(start, phase)
        integral -= lost
    gate_events = {
        kind: math.floor(factor * rate * integral) for kind, rate in GATE_RATES.items()
    }
    afterimage = 0.0 if second < 0 else users * 0.3 * factor * rng.uniform(0.95, 1.05)
    return _Morning(
        second=second,
        users=users,
        gate_events=gate_events,
        afterimage_per_min=afterimage,
        error_rate_pct=rng.uniform(0.2, 0.5),
        avg_response_ms=min(250.0, max(120.0, 135 + 70 * load + rng.uniform(-15, 15))),
        gate_failures=0,
        db_used=round(DB_POOL * min(0.5, max(0.3, 0.31 + 0.15 * load + rng.uniform(-0.01, 0.01)))),
        memory_pct=min(60.0, max(40.0, 42 + 15 * load + rng.uniform(-1.5, 1.5))),
    )


def _payload(m: _Morning) -> dict[str, Any]:
    """The Ops API v1 metrics document (without ``time``, which the server stamps)."""
    return {
        "active_users": round(m.users),
        "gate_events": dict(m.gate_events),
        "gate_failures": m.gate_failures,
        "afterimage_per_min": round(m.afterimage_per_min, 1),
        "error_rate_pct": round(m.error_rate_pct, 2),
        "avg_response_ms": round(m.avg_response_ms, 1),
        "db_connections": {"used": m.db_used, "max": DB_POOL},
        "memory_pct": round(m.memory_pct, 1),
    }


def _component(status: str, detail: str) -> dict[str, str]:
    return {"status": status, "detail": detail}


def _healthy(m: _Morning) -> dict[str, Any]:
    message = "Pre-launch: all systems ready" if m.second < 0 else "All systems operational"
    return {
        "status": "ok",
        "message": message,
        "components": {
            "api": _component("ok", f"avg {m.avg_response_ms:.0f} ms"),
            "db": _component("ok", f"pool {m.db_used}/{DB_POOL}"),
            "websocket": _component("ok", f"{round(m.users)} open"),
            "cdn": _component("ok", "edge 38 ms"),
        },
    }


def _calm(elapsed: timedelta, seed: int) -> SimState:
    m = _morning(_whole_seconds(elapsed), seed)
    return SimState(_payload(m), _healthy(m))


# -- spike ------------------------------------------------------------------------------

# (minute, error %, response ms, gate failures, DB % of pool); between keyframes values
# are interpolated; outside [2, 11] the morning is calm.
_SPIKE_KEYS = (
    (2.0, 0.5, 250.0, 0.0, 50.0),
    (3.0, 1.5, 700.0, 2.0, 70.0),
    (4.5, 4.0, 1700.0, 6.0, 88.0),
    (5.0, 6.5, 2500.0, 14.0, 97.0),
    (8.0, 7.5, 2900.0, 20.0, 98.5),
    (8.5, 4.0, 1500.0, 6.0, 88.0),
    (9.5, 2.0, 800.0, 2.0, 82.0),
    (10.5, 0.5, 250.0, 0.0, 50.0),
)


def _interpolate(minutes: float) -> tuple[float, float, float, float]:
    for (m0, *a), (m1, *b) in itertools.pairwise(_SPIKE_KEYS):
        if m0 <= minutes <= m1:
            f = (minutes - m0) / (m1 - m0)
            e, r, g, d = (x + (y - x) * f for x, y in zip(a, b, strict=True))
            return e, r, g, d
    raise ValueError(f"minute {minutes} outside the spike")


def _spike(elapsed: timedelta, seed: int) -> SimState:
    second = _whole_seconds(elapsed)
    m = _morning(second, seed)
    minutes = second / 60
    if not _SPIKE_KEYS[0][0] < minutes < _SPIKE_KEYS[-1][0]:
        return SimState(_payload(m), _healthy(m))
    rng = _rng(seed, second)
    error, response, failures, db = _interpolate(minutes)
    m = _Morning(
        second=second,
        users=m.users,
        gate_events=m.gate_events,
        afterimage_per_min=m.afterimage_per_min * max(0.4, 1 - error / 10),
        error_rate_pct=error * rng.uniform(0.96, 1.04),
        avg_response_ms=response * rng.uniform(0.96, 1.04),
        gate_failures=max(0, round(failures + rng.uniform(-1, 1))),
        db_used=min(DB_POOL, round(DB_POOL * min(99.5, db + rng.uniform(-0.5, 0.5)) / 100)),
        memory_pct=min(97.0, m.memory_pct + max(0.0, db - 50) * 0.9),
    )
    payload = _payload(m)
    return SimState(payload, _spike_health(m, _worst_level(payload)))


def _worst_level(payload: dict[str, Any]) -> Level:
    """The level the control room's default panes judge this payload at (same reader)."""
    worst = Level.OK
    for spec in default_metrics():
        value = read_metric(payload, spec).value
        if spec.thresholds is None or value is None:
            continue
        level = spec.thresholds.judge(value)
        if level.severity > worst.severity:
            worst = level
    return worst


def _spike_health(m: _Morning, level: Level) -> dict[str, Any]:
    health = _healthy(m)
    if level is Level.OK:
        return health
    crit = level is Level.CRIT
    health["status"] = "degraded"
    health["message"] = (
        "Gate failures rising and DB pool near exhaustion" if crit
        else "Elevated error rate and response time"
    )
    health["components"]["api"] = _component(
        "degraded", f"error {m.error_rate_pct:.1f} %, avg {m.avg_response_ms:.0f} ms"
    )
    health["components"]["db"] = _component(
        "degraded" if crit else "ok", f"pool {m.db_used}/{DB_POOL}"
    )
    return health


# -- outage -----------------------------------------------------------------------------


def _outage(elapsed: timedelta, seed: int) -> SimState:
    second = _whole_seconds(elapsed)
    start = OUTAGE_START.total_seconds()
    end = (OUTAGE_START + OUTAGE_LENGTH).total_seconds()
    m = _morning(second, seed, paused=(start / 60, end / 60))
    if start <= second < end:
        down_for = timedelta(seconds=second - int(start))
        health = {
            "status": "down",
            "message": f"API unreachable: upstream connection refused (down {down_for})",
            "components": {
                "api": _component("down", "connection refused"),
                "db": _component("down", "primary not accepting connections"),
                "websocket": _component("down", "no upstream"),
                "cdn": _component("ok", "edge 41 ms (static only)"),
            },
        }
        return SimState(None, health)
    return SimState(_payload(m), _healthy(m))


# -- rehearsal and benchmark helpers --------------------------------------------------


def _slow(elapsed: timedelta, seed: int) -> SimState:
    calm = _calm(elapsed, seed)
    return SimState(calm.metrics, calm.health, delay=SLOW_SECONDS)


def _hostile(elapsed: timedelta, seed: int) -> SimState:
    calm = _calm(elapsed, seed)
    step = _whole_seconds(elapsed) // HOSTILE_STEP_SECONDS
    return SimState(calm.metrics, calm.health, fault=HOSTILE_ROTATION[step % len(HOSTILE_ROTATION)])


def _whole_seconds(elapsed: timedelta) -> int:
    return math.floor(elapsed.total_seconds())


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario("calm", "a healthy launch morning: users ramp up after launch", _calm),
        Scenario("spike", "error rate and response time climb to WARN, then CRIT "
                 "(T+5..8 min), then recover", _spike),
        Scenario("outage", "health down and metrics 503 for 35 minutes from T+1 min", _outage),
        Scenario("slow", "calm values, every answer 10 s late", _slow),
        Scenario("hostile", "calm values with a rotating bad payload", _hostile),
    )
}


def scenario_names() -> str:
    return ", ".join(SCENARIOS)
