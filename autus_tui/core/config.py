"""Configuration: typed settings built from layers, with errors that say where.

Layers are applied in order of precedence: built-in defaults < config file <
environment < command-line flags. Each layer is a nested mapping (as TOML gives) plus
the name of where it came from, so every error names the file (or variable, or flag),
the key and what is wrong: ``autus.toml: backend.interval: expected a number of
seconds above 0, got 'fast'``. Unknown keys are errors too: a typo must not silently
fall back to a default on launch day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.held import parse_hold
from autus_tui.core.levels import Direction, Thresholds
from autus_tui.core.metrics import COMBINE, MetricSpec, default_metrics
from autus_tui.core.probes import ProbeSpec, default_probes
from autus_tui.core.report_config import ReportConfig
from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.source_config import SourcesConfig
from autus_tui.core.text import operator_name

Layer = tuple[str, Mapping[str, Any]]


MAX_INTERVAL = 3600.0
"""Seconds: a poll interval or timeout longer than an hour is a mistake."""
MAX_SPEED = 1000.0
"""A rehearsal clock at most 1,000 times real time (a launch day in under 90 s)."""
FIRST_YEAR, LAST_YEAR = 2000, 2199
"""Launch dates and rehearsal clocks outside these years are refused."""

UNKNOWN_HOME = "its ~ names no user or home folder this machine knows"
"""The problem with a configured path like ``~nobody/x`` (``Path.expanduser`` fails)."""


class ConfigError(ValueError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class BackendConfig:
    url: str = "http://127.0.0.1:8765"
    metrics_path: str = "/ops/v1/metrics"
    health_path: str = "/ops/v1/health"
    """Empty: the health line is off (a control room on exporters alone)."""
    prometheus_path: str | None = None
    """Where metrics with ``source = "prometheus"`` are read, in Prometheus text format."""
    interval: float = 1.0
    timeout: float = 0.8
    ca_file: str | None = None
    """The CA bundle to trust instead of the system's (a backend behind a private CA)."""


@dataclass(frozen=True)
class LaunchConfig:
    date: date | None = None
    """Launch day; ``None`` means today in the launch timezone."""
    time: time = time(9, 0)
    timezone: str = "Asia/Seoul"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Config:
    backend: BackendConfig = field(default_factory=BackendConfig)
    launch: LaunchConfig = field(default_factory=LaunchConfig)
    metrics: tuple[MetricSpec, ...] = field(default_factory=default_metrics)
    operator: str = ""
    db: str | None = None
    runbooks: tuple[str, ...] = ()
    rehearsal: bool = False
    clock: datetime | None = None
    speed: float | None = None
    """Rehearsal pace; ``None`` when not given, so a restart keeps the stored pace."""
    webhook_url: str | None = None
    rehearsal_webhook_url: str | None = None
    probes: tuple[ProbeSpec, ...] = field(default_factory=default_probes)
    rollback: RollbackConfig = field(default_factory=RollbackConfig)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    report: ReportConfig = field(default_factory=ReportConfig)


# -- value parsers: each returns the typed value or raises ValueError(problem) ----------


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"expected non-empty text, got {raw!r}")
    return raw.strip()


def _url(raw: object) -> str:
    url = _text(raw)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    return url.rstrip("/")


def _path(raw: object) -> str:
    text = _text(raw)
    if not text.startswith("/"):
        raise ValueError(f"expected a path starting with '/', got {text!r}")
    return text


def _finite(raw: object) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _positive(raw: object) -> float:
    value = _finite(raw)
    if value is None or not value > 0:
        raise ValueError(f"expected a finite number above 0, got {raw!r}")
    return value


def _up_to(high: float, unit: str = "") -> Callable[[object], float]:
    """A finite number above 0 and at most ``high`` (a bound every number has)."""
    def parse(raw: object) -> float:
        value = _finite(raw)
        if value is None or not 0 < value <= high:
            raise ValueError(f"expected a number above 0 and at most {high:g}{unit}, "
                             f"got {raw!r}")
        return value

    return parse


def _number(raw: object) -> float:
    value = _finite(raw)
    if value is None:
        raise ValueError(f"expected a finite number, got {raw!r}")
    return value


def _operator(raw: object) -> str:
    name = operator_name(_text(raw))
    if not name:
        raise ValueError(f"expected a printable name, got {raw!r}")
    return name


def _flag(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise ValueError(f"expected true or false, got {raw!r}")
    return raw


def _choice(*options: str) -> Callable[[object], str]:
    def parse(raw: object) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {raw!r}")
        return str(raw)

    return parse


def _in_years(day: date, raw: object) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"expected a year from {FIRST_YEAR} to {LAST_YEAR}, got {raw!r}")


def _date(raw: object) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        day = raw
    else:
        try:
            day = date.fromisoformat(_text(raw))
        except ValueError:
            raise ValueError(f"expected a date like 2026-11-27, got {raw!r}") from None
    _in_years(day, raw)
    return day


def _time(raw: object) -> time:
    if isinstance(raw, time):
        return raw
    try:
        return time.fromisoformat(_text(raw))
    except ValueError:
        raise ValueError(f"expected a time like 09:00, got {raw!r}") from None


def _datetime(raw: object) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    else:
        try:
            moment = datetime.fromisoformat(_text(raw))
        except ValueError:
            raise ValueError(
                f"expected a date and time like 2026-11-27T08:55, got {raw!r}") from None
    _in_years(moment.date(), raw)
    return moment


def _zone(raw: object) -> str:
    name = _text(raw)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r} (expected a name like Asia/Seoul)") from None
    return name


def _decimals(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 6:
        raise ValueError(f"expected a whole number from 0 to 6, got {raw!r}")
    return raw


def _texts(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) and item for item in raw):
        raise ValueError(f"expected a list of file paths, got {raw!r}")
    return tuple(raw)


_SECTIONS: dict[str, dict[str, Callable[[object], Any]]] = {
    "backend": {
        "url": _url, "metrics_path": _path,
        "health_path": lambda raw: "" if raw == "" else _path(raw),
        "prometheus_path": _path, "interval": _up_to(MAX_INTERVAL, " s"),
        "timeout": _up_to(MAX_INTERVAL, " s"),
        "ca_file": _text,
    },
    "launch": {"date": _date, "time": _time, "timezone": _zone},
}
_TOP: dict[str, Callable[[object], Any]] = {
    "operator": _operator, "db": _text, "runbooks": _texts, "rehearsal": _flag,
    "clock": _datetime, "speed": _up_to(MAX_SPEED, "x"), "webhook_url": _url,
    "rehearsal_webhook_url": _url,
}
_METRIC: dict[str, Callable[[object], Any]] = {
    "label": _text, "path": _text, "unit": lambda raw: raw if isinstance(raw, str) else _text(raw),
    "source": _text, "per": _text, "warning": _number, "critical": _number,
    "direction": _choice("higher", "lower"), "counter": _flag, "group": _text,
    "decimals": _decimals, "maximum": _number, "minimum": _number, "enabled": _flag,
    "combine": _choice(*COMBINE), "query": _text, "hold": parse_hold,
}


def build_config(layers: Sequence[Layer]) -> Config:
    """Apply each layer over the defaults, validating as it goes."""
    config = Config()
    for source, data in layers:
        config = _apply(config, source, data)
    _check_whole(config, layers)
    from autus_tui.core.metric_sources import settle  # it imports ConfigError

    return settle(config, layers)


def _apply(config: Config, source: str, data: Mapping[str, Any]) -> Config:
    top: dict[str, Any] = {}
    for key, raw in data.items():
        if key in _SECTIONS:
            section = _table(source, key, raw)
            fields = {name: _parse(source, f"{key}.{name}", _SECTIONS[key], name, value)
                      for name, value in section.items()}
            config = replace(config, **{key: replace(getattr(config, key), **fields)})
        elif key == "metrics":
            config = replace(config, metrics=_apply_metrics(config.metrics, source, raw))
        elif key == "probes":
            from autus_tui.core.probe_config import parse_probes  # it imports ConfigError

            config = replace(config, probes=parse_probes(source, raw, config.probes))
        elif key == "rollback":
            from autus_tui.core.rollback_config import parse_rollback  # it imports ConfigError

            config = replace(config, rollback=parse_rollback(source, raw, config.rollback))
        elif key == "sources":
            from autus_tui.core.source_config import parse_sources  # it imports ConfigError

            config = replace(config, sources=parse_sources(source, raw, config.sources))
        elif key == "escalation":
            from autus_tui.core.escalation_config import parse_escalation  # imports ConfigError

            config = replace(config, escalation=parse_escalation(source, raw, config.escalation))
        elif key == "report":
            from autus_tui.core.report_config import parse_report

            config = replace(config, report=parse_report(source, raw, config.report))
        elif key in _TOP:
            top[key] = _parse(source, key, _TOP, key, raw)
        else:
            raise ConfigError(source, key, f"unknown key (known: {_known_top()})")
    return replace(config, **top)


def _apply_metrics(
    metrics: tuple[MetricSpec, ...], source: str, raw: object
) -> tuple[MetricSpec, ...]:
    by_key = {spec.key: spec for spec in metrics}
    for key, table_raw in _table(source, "metrics", raw).items():
        where = f"metrics.{key}"
        table = _table(source, where, table_raw)
        values = {name: _parse(source, f"{where}.{name}", _METRIC, name, value)
                  for name, value in table.items()}
        if "query" in values:  # a query replaces a default's JSON path and denominator
            values.setdefault("path", "")
            values.setdefault("per", None)
        base = by_key.get(key)
        if base is None:
            for required in ("label", "path"):
                if required not in values and (required == "label" or "query" not in values):
                    raise ConfigError(source, f"{where}.{required}", "required for a new metric")
            # a metric of your own is bounded by the minimum and maximum you give it
            base = MetricSpec(key, values["label"], values.get("path", ""), maximum=math.inf)
        by_key[key] = _metric_with(base, values, source, where)
    return tuple(by_key.values())


def _metric_with(base: MetricSpec, values: dict[str, Any], source: str, where: str) -> MetricSpec:
    limits = {name: values.pop(name) for name in ("warning", "critical", "direction")
              if name in values}
    thresholds = base.thresholds
    if limits:
        old = thresholds or Thresholds(0, 0)
        direction = Direction(limits.get("direction", old.direction.value))
        warning = limits.get("warning", old.warning)
        critical = limits.get("critical", old.critical)
        if thresholds is None and not {"warning", "critical"} <= limits.keys():
            raise ConfigError(source, where, "set both warning and critical")
        worse_is_up = direction is Direction.HIGHER_IS_WORSE
        if (warning > critical) if worse_is_up else (warning < critical):
            raise ConfigError(
                source, f"{where}.warning",
                f"warning {warning:g} must not be past critical {critical:g} "
                f"for a metric where {direction.value} is worse",
            )
        thresholds = Thresholds(warning, critical, direction)
    return replace(base, thresholds=thresholds, **values)


def _check_whole(config: Config, layers: Sequence[Layer]) -> None:
    """Rules across keys, reported against the last layer that set one of them."""
    if not config.rehearsal:
        for key in ("clock", "speed"):
            if getattr(config, key) is not None:
                raise ConfigError(_last_source(layers, key) or "defaults", key,
                                  "applies only to a rehearsal: add --rehearsal (or "
                                  "rehearsal = true), or leave it out")
    backend = config.backend
    if backend.timeout >= backend.interval:
        source = _last_source(layers, "backend") or "defaults"
        raise ConfigError(
            source, "backend.timeout",
            f"must be below backend.interval ({backend.timeout:g} s >= {backend.interval:g} s),"
            " so that polls never overlap",
        )


def _last_source(layers: Sequence[Layer], key: str) -> str | None:
    found = None
    for source, data in layers:
        if key in data:
            found = source
    return found


def _table(source: str, key: str, raw: object) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ConfigError(source, key, f"expected a table, got {raw!r}")
    return raw


def _parse(
    source: str, key: str, parsers: Mapping[str, Callable[[object], Any]], name: str, raw: object
) -> Any:
    parser = parsers.get(name)
    if parser is None:
        raise ConfigError(source, key, f"unknown key (known: {', '.join(parsers)})")
    try:
        return parser(raw)
    except ValueError as error:
        raise ConfigError(source, key, str(error)) from None


def _known_top() -> str:
    return ", ".join([*_SECTIONS, "metrics", "probes", "rollback", "escalation", "sources",
                      "report", *_TOP])
