"""Bad answers the simulated backend can give, built as pure data (no I/O).

A fault turns what the backend would normally say into a misbehaving reply:

- ``slow``: the normal answer, 10 s late (the server does the waiting).
- ``html``: 200 with an HTML error page. ``invalid_json``: 200, JSON content type,
  truncated text. ``array``: a JSON list.
- ``nulls``: every top-level field null. ``strings``: numbers as strings.
  ``nan``: NaN / Infinity / -Infinity literals in the JSON text. ``negative``: every
  number below zero. ``huge``: floats 1e300, integers 10**30 (the DB pool size is kept).
- ``500`` / ``503``: that status with a short body.
- ``hostile``: the health message and component names/details carry markup and terminal
  escapes; metrics are normal.

Health has no numbers, so the number faults leave it as it is; ``nulls`` nulls its fields.
The Prometheus rendering applies the same value faults; where a fault has no text-format
meaning (strings, nulls, invalid JSON, array) the exposition becomes unparseable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autus_tui.core.payload import lookup

SLOW_SECONDS = 10.0
FAULTS = (
    "slow", "html", "invalid_json", "array", "nulls", "strings", "nan", "negative", "huge",
    "500", "503", "hostile",
)
HOSTILE_MESSAGE = "x[/]y [@click=app.quit]Q[/] \x1b]0;T\x07"
HOSTILE_ROTATION: tuple[str | None, ...] = (
    "html", None, "invalid_json", "array", None, "nulls", "strings", None,
    "nan", "negative", "huge", None, "500", "503", None, "hostile", None,
)
"""What the ``hostile`` scenario serves, one step after another (None: a good answer)."""

JSON = "application/json"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str = JSON


def json_reply(doc: object, status: int = 200) -> Reply:
    # allow_nan: the "nan" fault wants the (non-standard) NaN / Infinity literals.
    return Reply(status, json.dumps(doc, ensure_ascii=False, allow_nan=True))


def _status_reply(fault: str | None) -> Reply | None:
    if fault == "html":
        return Reply(200, HTML_PAGE, "text/html; charset=utf-8")
    if fault == "500":
        return json_reply({"error": "internal server error"}, 500)
    if fault == "503":
        return json_reply({"error": "service unavailable"}, 503)
    return None


def metrics_reply(fault: str | None, metrics: dict[str, Any] | None) -> Reply:
    """The ``/ops/v1/metrics`` answer; ``metrics`` None means the backend is down."""
    early = _status_reply(fault)
    if early is not None:
        return early
    if metrics is None:
        return json_reply({"error": "service unavailable"}, 503)
    if fault == "invalid_json":
        return Reply(200, json.dumps(metrics)[:40])
    if fault == "array":
        return json_reply([metrics, metrics])
    if fault == "nulls":
        return json_reply(dict.fromkeys(metrics))
    return json_reply(bend_values(fault, metrics))


def health_reply(fault: str | None, health: dict[str, Any]) -> Reply:
    early = _status_reply(fault)
    if early is not None:
        return early
    if fault == "invalid_json":
        return Reply(200, json.dumps(health)[:30])
    if fault == "array":
        return json_reply([health])
    if fault == "nulls":
        return json_reply(dict.fromkeys(health))
    if fault == "hostile":
        return json_reply(hostile_health())
    return json_reply(health)


def hostile_health() -> dict[str, Any]:
    return {
        "status": "degraded",
        "message": HOSTILE_MESSAGE,
        "components": {
            "[bold red]api[/]": {"status": "[blink]ok", "detail": "\x1b[2J\x1b[Hcleared"},
            "db\x1b]0;pwned\x07": {"status": "ok", "detail": "[@click=app.quit]quit[/]"},
            "[/]": {"status": "\x07\x1b[31mred", "detail": "x[/]y\r\noverwrite"},
        },
    }


def bend_values(fault: str | None, doc: dict[str, Any]) -> dict[str, Any]:
    """Apply a number fault (strings, nan, negative, huge) to every number in ``doc``."""
    benders: dict[str, Callable[[int | float, int], object]] = {
        "strings": lambda value, _i: str(value),
        "nan": lambda _value, i: (math.nan, math.inf, -math.inf)[i % 3],
        "negative": lambda value, _i: -abs(value) - 1,
        "huge": lambda value, _i: 10**30 if isinstance(value, int) else 1e300,
    }
    bender = benders.get(fault or "")
    if bender is None:
        return doc
    counter = iter(range(1000))

    def walk(node: object, key: str = "") -> object:
        if isinstance(node, dict):
            return {name: walk(value, name) for name, value in node.items()}
        if fault == "huge" and key == "max":
            return node  # a huge pool would make a huge "used" look like 100 %
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            return bender(node, next(counter))
        return node

    bent = walk(doc)
    assert isinstance(bent, dict)
    return bent


# -- Prometheus text exposition ---------------------------------------------------------

_GAUGES = (
    ("autus_active_users", "Users connected right now.", "active_users"),
    ("autus_gate_failures", "Gate failures right now.", "gate_failures"),
    ("autus_afterimage_per_min", "Afterimage records per minute.", "afterimage_per_min"),
    ("autus_error_rate_pct", "Share of requests that failed, percent.", "error_rate_pct"),
    ("autus_avg_response_ms", "Average response time, milliseconds.", "avg_response_ms"),
    ("autus_db_connections_used", "DB connections in use.", "db_connections.used"),
    ("autus_db_connections_max", "DB connection pool size.", "db_connections.max"),
    ("autus_memory_pct", "Service memory use, percent.", "memory_pct"),
)


def prometheus_reply(fault: str | None, metrics: dict[str, Any] | None) -> Reply:
    """``GET /metrics``: the same values in Prometheus text format (version 0.0.4)."""
    early = _status_reply(fault)
    if early is not None:
        return early
    if metrics is None:
        return Reply(503, "service unavailable\n", PROMETHEUS)
    if fault == "invalid_json":
        return Reply(200, 'autus_active_users{kind="\n', PROMETHEUS)
    if fault == "array":
        return Reply(200, json.dumps([metrics]), PROMETHEUS)
    if fault == "nulls":
        metrics = {key: None for key in metrics}
    return Reply(200, render_prometheus(bend_values(fault, metrics)), PROMETHEUS)


def render_prometheus(metrics: dict[str, Any]) -> str:
    lines: list[str] = []
    for name, help_text, path in _GAUGES:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge",
                  f"{name} {_sample(lookup(metrics, path))}"]
    lines += ["# HELP autus_gate_events_total Gate events since launch, by kind.",
              "# TYPE autus_gate_events_total counter"]
    events = metrics.get("gate_events")
    for kind in ("observe", "ring", "lock"):
        value = events.get(kind) if isinstance(events, dict) else None
        lines.append(f'autus_gate_events_total{{kind="{kind}"}} {_sample(value)}')
    return "\n".join(lines) + "\n"


def _sample(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # strings and nulls: not a valid sample, on purpose
