"""The calm launch morning every scenario starts from, as a pure function of (second, seed).

A dozen users before launch, ramping towards ~1,200 after it; error rate 0.2-0.5 %,
response 120-250 ms, no Gate failures, DB pool 30-50 %, service memory 40-60 %. Values
depend only on (whole seconds since launch, seed): two requests in the same simulated
second get the same numbers, and a seed replays a morning exactly. No I/O.

Gate event counts are cumulative since launch, 0 before it, and never decrease: each is
the closed-form integral of a positive rate (users, plus any traffic surge), minus what
fell inside ``paused`` windows (the backend or the Gates were down), read at a time
warped back by less than one second per whole second (which keeps it increasing).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autus_tui.core.levels import Level
from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import read_metric

PRELAUNCH_USERS = 12.0
PEAK_USERS = 1200.0
RAMP_MINUTES = 20.0
"""Time constant of the user ramp after launch (63 % of the peak after this long)."""
DB_POOL = 200
GATE_RATES = {"observe": 0.6, "ring": 0.12, "lock": 0.02}
"""Gate events per active user per minute."""
WAVE_MINUTES = 7.0


@dataclass(frozen=True)
class SimState:
    """What the backend answers at one moment. ``metrics`` None → the endpoint says 503."""

    metrics: dict[str, Any] | None
    health: dict[str, Any]
    delay: float = 0.0
    """Seconds to wait before answering."""
    fault: str | None = None
    """A bad payload the scenario itself serves (``hostile``); see ``sim.faults``."""
    websocket_down: bool = False
    """The WebSocket refuses connections and drops open ones (an outage, a drop)."""


@dataclass(frozen=True)
class Surge:
    """Extra users: ``extra`` times a 0..1 shape over [start, end] minutes, rising as the
    square of the ramp's progress over ``ramp`` minutes and falling back as long."""

    start: float
    end: float
    ramp: float
    extra: float

    def shape(self, minutes: float) -> float:
        return ramp_shape(minutes, self.start, self.end, self.ramp)

    def integral(self, minutes: float) -> float:
        """Extra user-minutes from ``start`` to ``minutes`` (closed form)."""
        start, end, ramp = self.start, self.end, self.ramp
        if minutes <= start:
            return 0.0
        if ramp <= 0:
            return self.extra * (min(minutes, end) - start)
        rising = min(minutes - start, ramp)
        total = rising**3 / (3 * ramp**2)
        total += max(0.0, min(minutes, end - ramp) - (start + ramp))
        falling = min(minutes, end) - (end - ramp)
        if falling > 0:
            total += (ramp**3 - (ramp - falling) ** 3) / (3 * ramp**2)
        return self.extra * total


def ramp_shape(x: float, start: float, end: float, ramp: float) -> float:
    """0 outside [start, end), 1 on the plateau, the square of the progress on a ramp."""
    if not start <= x < end:
        return 0.0
    if ramp <= 0:
        return 1.0
    progress = min(1.0, (x - start) / ramp, (end - x) / ramp)
    return progress * progress


@dataclass(frozen=True)
class Morning:
    """Raw values of one whole second, before any event bends them (mutable copies via
    ``dataclasses.replace``)."""

    second: int
    users: float
    gate_events: dict[str, int]
    afterimage_per_min: float
    error_rate_pct: float
    avg_response_ms: float
    gate_failures: int
    db_used: int
    memory_pct: float = 50.0


def rng(seed: int, second: int, stream: str = "") -> random.Random:
    return random.Random(f"autus-sim:{seed}:{second}{stream}")


def _seed_traits(seed: int) -> tuple[float, float]:
    """Per-seed constants: a rate multiplier and the phase of the slow wave."""
    traits = random.Random(f"autus-sim:{seed}:traits")
    return traits.uniform(0.9, 1.1), traits.uniform(0, 2 * math.pi)


def users_smooth(minutes: float) -> float:
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


def morning(
    second: int, seed: int, paused: Sequence[tuple[float, float]] = (),
    surges: Sequence[Surge] = (),
) -> Morning:
    """A calm morning at ``second`` after launch. ``paused``: disjoint (start, end) minute
    windows without Gate events; ``surges``: extra users (and their Gate events)."""
    draw = rng(seed, second)
    factor, phase = _seed_traits(seed)
    minutes = second / 60

    def integral(at: float) -> float:
        total = _user_minutes(at, phase)
        # from launch on: a surge before launch adds no Gate events
        return total + sum(s.integral(max(0.0, at)) - s.integral(0.0) for s in surges)

    extra = sum(surge.extra * surge.shape(minutes) for surge in surges)
    users = (users_smooth(minutes) + extra) * draw.uniform(0.97, 1.03)
    load = min(1.0, users / (PRELAUNCH_USERS + PEAK_USERS))

    warped = max(0.0, (second - draw.random()) / 60)  # < 1 s back: still increasing
    counted = integral(warped)
    for start, end in paused:
        counted -= integral(min(max(warped, start), end)) - integral(start)
    gate_events = {
        kind: math.floor(factor * rate * counted) for kind, rate in GATE_RATES.items()
    }
    afterimage = 0.0 if second < 0 else users * 0.3 * factor * draw.uniform(0.95, 1.05)
    return Morning(
        second=second,
        users=users,
        gate_events=gate_events,
        afterimage_per_min=afterimage,
        error_rate_pct=draw.uniform(0.2, 0.5),
        avg_response_ms=min(250.0, max(120.0, 135 + 70 * load + draw.uniform(-15, 15))),
        gate_failures=0,
        db_used=round(DB_POOL * min(0.5, max(0.3, 0.31 + 0.15 * load + draw.uniform(-0.01, 0.01)))),
        memory_pct=min(60.0, max(40.0, 42 + 15 * load + draw.uniform(-1.5, 1.5))),
    )


def payload(m: Morning) -> dict[str, Any]:
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


def component(status: str, detail: str) -> dict[str, str]:
    return {"status": status, "detail": detail}


def healthy(m: Morning) -> dict[str, Any]:
    message = "Pre-launch: all systems ready" if m.second < 0 else "All systems operational"
    return {
        "status": "ok",
        "message": message,
        "components": {
            "api": component("ok", f"avg {m.avg_response_ms:.0f} ms"),
            "db": component("ok", f"pool {m.db_used}/{DB_POOL}"),
            "websocket": component("ok", f"{round(m.users)} open"),
            "cdn": component("ok", "edge 38 ms"),
        },
    }


def judged_levels(doc: dict[str, Any]) -> dict[str, Level]:
    """The levels the control room's default panes judge this payload at (same reader)."""
    levels: dict[str, Level] = {}
    for spec in default_metrics():
        value = read_metric(doc, spec).value
        if spec.thresholds is not None and value is not None:
            levels[spec.path] = spec.thresholds.judge(value)
    return levels


def whole_seconds(seconds: float) -> int:
    return math.floor(seconds)
