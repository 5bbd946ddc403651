"""What a metric is: where its value comes from, how it is shown and judged.

The defaults reproduce the seed runbook's dashboard ("AUTUS v1.0 INTERNAL METRICS") and
its threshold table ("경보 임계값"). Configuration may replace or add metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from autus_tui.core.held import DEFAULT_HOLD
from autus_tui.core.levels import Thresholds
from autus_tui.core.units import format_value

SOURCES = ("json", "prometheus")
"""The built-in sources: the backend's Ops API JSON and its ``prometheus_path``; a
metric may also name a ``[sources.NAME]`` table (``core.source_config``)."""
COMBINE = ("sum", "max", "min", "avg")


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: str
    path: str
    """Dotted path into the metrics JSON, or a Prometheus selector (``name{a="b"}``)."""
    unit: str = ""
    source: str = "json"
    per: str | None = None
    """Path of a denominator: the value becomes a percentage of it (DB pool)."""
    thresholds: Thresholds | None = None
    counter: bool = False
    """Cumulative count: the pane adds a per-minute rate."""
    group: str | None = None
    """Metrics with the same group share one pane, titled by the group."""
    decimals: int = 0
    maximum: float = 1e12
    """Larger values are rejected as implausible ("bad value"). A metric added in the
    configuration has no upper bound unless it gives one."""
    minimum: float = 0.0
    """Smaller values are rejected; below 0 only where the metric allows it (an NTP
    offset, a temperature)."""
    enabled: bool = True
    """``False`` switches the metric off: no pane, no poll, no record."""
    combine: str | None = None
    """How several matching series become one value (one of ``COMBINE``); without it
    several matches are an error."""
    query: str | None = None
    """A PromQL instant query, for a metric of a ``prometheus_query`` source."""
    hold: int = DEFAULT_HOLD
    """Polls a new level must hold before it is announced (``core.held``)."""

    def format(self, value: float | None) -> str:
        """The value for a pane, scaled to the unit (``core.units.format_value``)."""
        return format_value(value, self.unit, self.decimals)


def default_metrics() -> tuple[MetricSpec, ...]:
    return (
        MetricSpec("active_users", "Active Users", "active_users"),
        MetricSpec("gate_observe", "OBSERVE", "gate_events.observe", counter=True,
                   group="Gate Events"),
        MetricSpec("gate_ring", "RING", "gate_events.ring", counter=True, group="Gate Events"),
        MetricSpec("gate_lock", "LOCK", "gate_events.lock", counter=True, group="Gate Events"),
        MetricSpec("afterimage_rate", "Afterimage Rate", "afterimage_per_min", unit="/min",
                   decimals=1),
        MetricSpec("error_rate", "Error Rate", "error_rate_pct", unit="%",
                   thresholds=Thresholds(1, 5), decimals=2, maximum=100),
        MetricSpec("avg_response", "Avg Response", "avg_response_ms", unit="ms",
                   thresholds=Thresholds(500, 2000)),
        MetricSpec("gate_failures", "Gate Failures", "gate_failures",
                   thresholds=Thresholds(1, 10)),
        MetricSpec("db_connections", "DB Connections", "db_connections.used",
                   per="db_connections.max", unit="%", thresholds=Thresholds(80, 95),
                   maximum=100),
        # The service's memory use (Ops API v1 ``memory_pct``), for 메모리 경고 and the
        # 12:00 check 메모리 사용량 확인. The seed gives no figures for memory: 80 / 90 %
        # are ours, in the spirit of its DB pool line (80 / 95 %).
        MetricSpec("memory_pct", "Memory", "memory_pct", unit="%",
                   thresholds=Thresholds(80, 90), maximum=100),
    )
