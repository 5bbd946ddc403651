"""Configuration: typed settings built from layers, with errors that say where.

Layers are applied in order of precedence: built-in defaults < config file <
environment < command-line flags. Each layer is a nested mapping (as TOML gives) plus
the name of where it came from, so every error names the file (or variable, or flag),
the key and what is wrong: ``autus.toml: backend.interval: expected a number of
seconds above 0, got 'fast'``. Unknown keys are errors too: a typo must not silently
fall back to a default on launch day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autus_tui.core.held import parse_hold
from autus_tui.core.levels import Direction, Thresholds
from autus_tui.core.metrics import SOURCES, MetricSpec, default_metrics

Layer = tuple[str, Mapping[str, Any]]


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
    prometheus_path: str | None = None
    """Where metrics with ``source = "prometheus"`` are read, in Prometheus text format."""
    interval: float = 1.0
    timeout: float = 0.8


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


def _positive(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not raw > 0:
        raise ValueError(f"expected a number above 0, got {raw!r}")
    return float(raw)


def _number(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ValueError(f"expected a number, got {raw!r}")
    return float(raw)


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


def _date(raw: object) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    try:
        return date.fromisoformat(_text(raw))
    except ValueError:
        raise ValueError(f"expected a date like 2026-11-27, got {raw!r}") from None


def _time(raw: object) -> time:
    if isinstance(raw, time):
        return raw
    try:
        return time.fromisoformat(_text(raw))
    except ValueError:
        raise ValueError(f"expected a time like 09:00, got {raw!r}") from None


def _datetime(raw: object) -> datetime:
    if isinstance(raw, datetime):
        return raw
    try:
        return datetime.fromisoformat(_text(raw))
    except ValueError:
        raise ValueError(f"expected a date and time like 2026-11-27T08:55, got {raw!r}") from None


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
        "url": _url, "metrics_path": _path, "health_path": _path,
        "prometheus_path": _path, "interval": _positive, "timeout": _positive,
    },
    "launch": {"date": _date, "time": _time, "timezone": _zone},
}
_TOP: dict[str, Callable[[object], Any]] = {
    "operator": _text, "db": _text, "runbooks": _texts, "rehearsal": _flag,
    "clock": _datetime, "speed": _positive, "webhook_url": _url,
    "rehearsal_webhook_url": _url,
}
_METRIC: dict[str, Callable[[object], Any]] = {
    "label": _text, "path": _text, "unit": lambda raw: raw if isinstance(raw, str) else _text(raw),
    "source": _choice(*SOURCES), "per": _text, "warning": _number, "critical": _number,
    "direction": _choice("higher", "lower"), "counter": _flag, "group": _text,
    "decimals": _decimals, "maximum": _positive, "hold": parse_hold,
}


def build_config(layers: Sequence[Layer]) -> Config:
    """Apply each layer over the defaults, validating as it goes."""
    config = Config()
    for source, data in layers:
        config = _apply(config, source, data)
    _check_whole(config, layers)
    return config


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
        base = by_key.get(key)
        if base is None:
            for required in ("label", "path"):
                if required not in values:
                    raise ConfigError(source, f"{where}.{required}", "required for a new metric")
            base = MetricSpec(key, values["label"], values["path"])
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
    backend = config.backend
    if backend.timeout >= backend.interval:
        source = _last_source(layers, "backend") or "defaults"
        raise ConfigError(
            source, "backend.timeout",
            f"must be below backend.interval ({backend.timeout:g} s >= {backend.interval:g} s),"
            " so that polls never overlap",
        )
    if backend.prometheus_path is None:
        for spec in config.metrics:
            if spec.source == "prometheus":
                raise ConfigError(
                    _last_source(layers, "metrics") or "defaults", f"metrics.{spec.key}.source",
                    "is prometheus, but backend.prometheus_path is not set",
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
    return ", ".join([*_SECTIONS, "metrics", *_TOP])
