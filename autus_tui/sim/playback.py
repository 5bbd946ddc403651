"""Playing a scenario file: the calm morning, bent by the events active at one second.

``Timeline(file, launch)`` answers ``state(elapsed, seed)`` like every scenario: what the
backend says ``elapsed`` after launch. ``launch`` is the launch's time of day (09:00 by
default), so an event at 13:00 happens 4 hours after launch, whatever the date. Pure:
the same (second, seed) gives the same answer.

What each kind does while its window is open (``core.scenario_file.KINDS``):

- ``outage``: health ``down``, metrics and Prometheus 503, WebSocket refused; Gate
  events do not count.
- ``error_spike`` / ``slow_response`` / ``memory_pressure``: that value rises from the
  calm one to the peak as the square of the ramp's progress, holds, and falls back.
- ``db_pool``: pool use likewise; ``down = true`` also reports the DB ``down``.
- ``gate_errors``: Gate failures rise to ``count``. ``gate_outage``: the same, and no
  Gate events or afterimages while it lasts.
- ``websocket_drop``: for ``down_seconds`` of every ``every_seconds`` the WebSocket
  refuses and drops connections; health shows it ``down``, else ``degraded``.
- ``traffic_surge``: active users (and their Gate events) times ``factor``.

Health turns ``degraded`` when a component is not ok or a default pane would show WARN
or worse (or memory is at 80 % or more), naming what is going on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from autus_tui.core.levels import Level
from autus_tui.core.scenario_file import ScenarioEvent, ScenarioFile
from autus_tui.sim.morning import (
    DB_POOL,
    Morning,
    SimState,
    Surge,
    component,
    healthy,
    judged_levels,
    morning,
    payload,
    ramp_shape,
    rng,
    users_smooth,
    whole_seconds,
)

MEMORY_WARN = 80.0
PHRASES = {
    "error_spike": "Elevated error rate",
    "slow_response": "Slow responses",
    "db_pool": "DB pool near exhaustion",
    "gate_errors": "Some Gates failing",
    "gate_outage": "All Gates failing",
    "websocket_drop": "WebSocket unstable",
    "traffic_surge": "Traffic surge",
    "memory_pressure": "Memory pressure",
}


@dataclasses.dataclass(frozen=True)
class _Window:
    event: ScenarioEvent
    start: int
    """Seconds after launch."""
    end: int

    def shape(self, second: int) -> float:
        return ramp_shape(second, self.start, self.end, self.event.ramp)


class Timeline:
    def __init__(self, file: ScenarioFile, launch: int) -> None:
        self.file = file
        self.windows = tuple(_Window(e, e.at - launch, e.until - launch) for e in file.events)
        self.pauses = _merged([(w.start / 60, w.end / 60) for w in self.windows
                               if w.event.kind in ("outage", "gate_outage")])
        self.surges = tuple(
            Surge(w.start / 60, w.end / 60, w.event.ramp / 60,
                  (w.event.value("factor") - 1) * users_smooth((w.start + w.end) / 120))
            for w in self.windows if w.event.kind == "traffic_surge"
        )

    def state(self, elapsed: timedelta, seed: int) -> SimState:
        second = whole_seconds(elapsed.total_seconds())
        active = [(w, w.shape(second)) for w in self.windows if w.start <= second < w.end]
        calm = morning(second, seed, self.pauses, self.surges)
        for window, _shape in active:
            if window.event.kind == "outage":
                return SimState(None, _down(second - window.start), websocket_down=True)
        bent = _Bent(calm)
        draw = rng(seed, second, ":bend")
        for window, shape in active:
            _BENDS[window.event.kind](bent, window, shape, second, draw.uniform(-1, 1))
        doc = payload(bent.morning())
        return SimState(doc, _health(bent, doc, [w.event.kind for w, _ in active]),
                        websocket_down=bent.websocket == "down")


class _Bent:
    """The calm values being bent by the active events, and the components they hurt."""

    def __init__(self, calm: Morning) -> None:
        self.calm = calm
        self.values: dict[str, Any] = dataclasses.asdict(calm)
        self.db_down = False
        self.websocket: str | None = None
        self.websocket_detail = ""

    def toward(self, key: str, peak: float, shape: float, noise: float, spread: float) -> None:
        """Move ``key`` from its calm value towards ``peak`` by ``shape``, ± ``spread``."""
        calm = float(getattr(self.calm, key))
        if shape > 0:
            self.values[key] = calm + (peak - calm) * shape + noise * spread * shape

    def morning(self) -> Morning:
        return Morning(**self.values)


def _error_spike(bent: _Bent, w: _Window, shape: float, _second: int, noise: float) -> None:
    peak = w.event.value("error_pct")
    bent.toward("error_rate_pct", peak, shape, noise, 0.04 * peak)
    bent.values["error_rate_pct"] = min(100.0, max(0.0, bent.values["error_rate_pct"]))
    error = bent.values["error_rate_pct"]
    bent.values["afterimage_per_min"] *= max(0.4, 1 - error / 10)


def _slow_response(bent: _Bent, w: _Window, shape: float, _second: int, noise: float) -> None:
    peak = w.event.value("response_ms")
    bent.toward("avg_response_ms", peak, shape, noise, 0.04 * peak)


def _db_pool(bent: _Bent, w: _Window, shape: float, _second: int, noise: float) -> None:
    calm = bent.calm.db_used / DB_POOL * 100
    peak = w.event.value("used_pct")
    pct = calm + (peak - calm) * shape + noise * 0.5 * shape
    bent.values["db_used"] = min(DB_POOL, max(0, round(DB_POOL * pct / 100)))
    bent.db_down = bent.db_down or w.event.flag("down")


def _gates(bent: _Bent, w: _Window, shape: float, _second: int, noise: float) -> None:
    failures = max(0, round(w.event.value("count") * shape + noise))
    bent.values["gate_failures"] = max(bent.values["gate_failures"], failures)
    if w.event.kind == "gate_outage":
        bent.values["afterimage_per_min"] *= 1 - shape


def _websocket(bent: _Bent, w: _Window, _shape: float, second: int, _noise: float) -> None:
    every, down = w.event.value("every_seconds"), w.event.value("down_seconds")
    into = second - w.start
    drops = int(into // every) + 1
    if into % every < down:
        bent.websocket, bent.websocket_detail = "down", f"dropped, reconnecting ({drops} drops)"
    elif bent.websocket != "down":
        bent.websocket, bent.websocket_detail = "degraded", f"unstable ({drops} drops)"


def _memory(bent: _Bent, w: _Window, shape: float, _second: int, noise: float) -> None:
    bent.toward("memory_pct", w.event.value("memory_pct"), shape, noise, 0.5)
    bent.values["memory_pct"] = min(100.0, max(0.0, bent.values["memory_pct"]))


def _nothing(_bent: _Bent, _w: _Window, _shape: float, _second: int, _noise: float) -> None:
    """A traffic surge is in the calm morning's users (``sim.morning.Surge``)."""


_BENDS: dict[str, Callable[[_Bent, _Window, float, int, float], None]] = {
    "error_spike": _error_spike, "slow_response": _slow_response, "db_pool": _db_pool,
    "gate_errors": _gates, "gate_outage": _gates, "websocket_drop": _websocket,
    "traffic_surge": _nothing, "memory_pressure": _memory,
}


def _health(bent: _Bent, doc: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    m = bent.morning()
    health = healthy(m)
    levels = judged_levels(doc)

    def hurt(*paths: str) -> bool:
        return any(levels.get(path, Level.OK) in (Level.WARN, Level.CRIT) for path in paths)

    parts = health["components"]
    if hurt("error_rate_pct", "avg_response_ms"):
        parts["api"] = component(
            "degraded", f"error {m.error_rate_pct:.1f} %, avg {m.avg_response_ms:.0f} ms")
    if bent.db_down:
        parts["db"] = component("down", f"refusing connections (pool {m.db_used}/{DB_POOL})")
    elif hurt("db_connections.used"):
        parts["db"] = component("degraded", f"pool {m.db_used}/{DB_POOL}")
    if bent.websocket is not None:
        parts["websocket"] = component(bent.websocket, bent.websocket_detail)
    troubled = (any(part["status"] != "ok" for part in parts.values()) or hurt(*levels)
                or m.memory_pct >= MEMORY_WARN)
    if troubled:
        phrases = [PHRASES[kind] for kind in dict.fromkeys(kinds) if kind in PHRASES]
        if bent.db_down:
            phrases = ["DB refusing connections" if p == PHRASES["db_pool"] else p
                       for p in phrases]
        health["status"] = "degraded"
        health["message"] = "; ".join(phrases) or "Degraded"
    return health


def _down(seconds: int) -> dict[str, Any]:
    return {
        "status": "down",
        "message": "API unreachable: upstream connection refused "
                   f"(down {timedelta(seconds=seconds)})",
        "components": {
            "api": component("down", "connection refused"),
            "db": component("down", "primary not accepting connections"),
            "websocket": component("down", "no upstream"),
            "cdn": component("ok", "edge 41 ms (static only)"),
        },
    }


def _merged(windows: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Overlapping windows as one (so no Gate event is taken away twice)."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
