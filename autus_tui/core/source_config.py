"""Named metric sources (``[sources.NAME]``) and the rules that tie metrics to them.

A source is where metric values come from::

    [sources.node]                      # an exporter: Prometheus text exposition
    kind = "prometheus"
    url = "http://127.0.0.1:9100/metrics"

    [sources.prom]                      # a Prometheus server: one instant query per metric
    kind = "prometheus_query"
    url = "https://prometheus.internal:9090"
    timeout = 0.5
    ca_file = "/etc/autus/ca.pem"
    headers = { Authorization = "Bearer ${AUTUS_PROM_TOKEN}" }

    [sources.other]                     # another AUTUS Ops API metrics document
    kind = "ops"
    url = "http://10.0.0.7:8765/ops/v1/metrics"

``url`` is what is fetched: the exposition, the server's base (``/api/v1/query`` is
added) or the metrics JSON. ``timeout`` defaults to ``backend.timeout`` and must stay
below ``backend.interval``; ``max_bytes`` bounds a body (default 1 MiB, 16 MiB for an
exposition; a body over it is an error shown for each metric of the source, never cut).
The built-in sources need no table: ``backend`` (alias ``json``, the default: the Ops API
at ``backend.url``) and ``prometheus`` (``backend.prometheus_path`` on the backend).

Header values may name environment variables as ``${NAME}`` (``$$`` is a dollar sign),
read when polling starts; a header whose name says it carries a credential
(Authorization, Cookie, or a name with token, key, secret, password or auth in it) must
take it from one: a secret is never written in the file. Errors never show a header's
value, only its name and the variable's name.

``parse_sources(source, raw, current)`` reads one layer's ``sources`` table (a later
layer changes only the keys it sets). The metrics are checked against their sources once
every layer is in (``core.metric_sources.settle``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.text import clean

KINDS = ("ops", "prometheus", "prometheus_query")
DEFAULT = "backend"
BUILT_IN = ("backend", "json", "prometheus")
"""Names a metric's ``source`` may give without a table (``prometheus`` unless defined)."""
MAX_BYTES = {"ops": 1 << 20, "prometheus": 16 << 20, "prometheus_query": 1 << 20}
MAX_BYTES_LIMIT = 256 << 20
SECRET_WORDS = ("authorization", "cookie", "token", "key", "secret", "password", "auth")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_HEADER = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|(\$))")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    kind: str
    url: str
    timeout: float | None = None
    """Seconds for one fetch; ``None``: ``backend.timeout``."""
    ca_file: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """(name, value template): ``${VAR}`` is read from the environment when polling starts."""
    max_bytes: int | None = None
    """Largest body read; ``None``: ``MAX_BYTES[kind]``."""
    origin: str = ""
    """The file (or layer) that last set this table, for errors found later."""

    @property
    def body_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else MAX_BYTES[self.kind]


@dataclass(frozen=True)
class SourcesConfig:
    named: tuple[SourceSpec, ...] = ()
    switched_off: tuple[MetricSpec, ...] = ()
    """Metrics with ``enabled = false``: known by name, never polled or shown."""

    def get(self, name: str) -> SourceSpec | None:
        return next((spec for spec in self.named if spec.name == name), None)


class MissingVariable(ValueError):
    """A header names an environment variable that is not set (the message names it)."""

    def __init__(self, variable: str, problem: str = "is not set") -> None:
        super().__init__(f"environment variable {variable} {problem}")
        self.variable = variable


def header_variables(template: str) -> tuple[str, ...]:
    return tuple(m.group(1) for m in _VARIABLE.finditer(template) if m.group(1))


def render_header(template: str, environ: Mapping[str, str]) -> str:
    """The header's value with ``${VAR}`` read from ``environ``; raises ``MissingVariable``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "$"
        if name not in environ or environ[name] == "":
            raise MissingVariable(name, "is not set" if name not in environ else "is empty")
        if _CONTROLS.search(environ[name]):
            raise MissingVariable(name, "holds a line break or control character")
        return environ[name]

    return _VARIABLE.sub(value, template)


# -- one layer's [sources] ------------------------------------------------------------------


def parse_sources(source: str, raw: object, current: SourcesConfig) -> SourcesConfig:
    from autus_tui.core.config import ConfigError

    if not isinstance(raw, Mapping):
        raise ConfigError(source, "sources", f"expected [sources.NAME] tables, got {_show(raw)}")
    by_name = {spec.name: spec for spec in current.named}
    for name, table in raw.items():
        where = f"sources.{name}"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(source, "sources",
                              f"a source name is letters, digits, _ and -, got {_show(name)}")
        if name in ("backend", "json"):
            raise ConfigError(source, where, f"{name} is the built-in source: set it in "
                                             "[backend]")
        if not isinstance(table, Mapping):
            raise ConfigError(source, where, f"expected a table, got {_show(table)}")
        values: dict[str, Any] = {}
        for key, value in table.items():
            parser = _KEYS.get(key)
            if parser is None:
                raise ConfigError(source, f"{where}.{_show_key(key)}",
                                  f"unknown key (known: {', '.join(_KEYS)})")
            try:
                values[key] = parser(value)
            except ValueError as error:
                raise ConfigError(source, f"{where}.{key}", str(error)) from None
        if "headers" in values:
            _check_headers(source, where, values["headers"])
        base = by_name.get(name)
        if base is None:
            for required in ("kind", "url"):
                if required not in values:
                    kinds = f" (one of {', '.join(KINDS)})" if required == "kind" else ""
                    raise ConfigError(source, f"{where}.{required}",
                                      f"required for a new source{kinds}")
            base = SourceSpec(name, values["kind"], values["url"])
        by_name[name] = replace(base, origin=source, **values)
    return replace(current, named=tuple(by_name.values()))


def _kind(raw: object) -> str:
    if raw not in KINDS:
        raise ValueError(f"expected one of {', '.join(KINDS)}, got {_show(raw)}")
    return str(raw)


def _url(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip().startswith(("http://", "https://")):
        raise ValueError(f"expected an http:// or https:// URL, got {_show(raw)}")
    try:
        parts = urlsplit(raw.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"not a URL: {_show(raw)}") from None
    if not parts.hostname:
        raise ValueError(f"a URL needs a host, got {_show(raw)}")
    if "@" in parts.netloc:
        raise ValueError("a URL with a user or password is refused: put the credential in "
                         "a header read from the environment (headers = { Authorization = "
                         "\"Basic ${VARIABLE}\" })")
    return raw.strip().rstrip("/")


def _timeout(raw: object) -> float:
    if (isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw)
            or not raw > 0):
        raise ValueError(f"expected a number of seconds above 0, got {_show(raw)}")
    return float(raw)


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(f"expected non-empty text, got {_show(raw)}")
    return raw.strip()


def _max_bytes(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_BYTES_LIMIT:
        raise ValueError(f"expected a whole number of bytes from 1 to {MAX_BYTES_LIMIT}, "
                         f"got {_show(raw)}")
    return raw


def _headers(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Mapping):
        raise ValueError("expected a table of header names and values, like "
                         "{ Authorization = \"Bearer ${AUTUS_PROM_TOKEN}\" }")
    return tuple((str(name), value) for name, value in raw.items())


def _check_headers(source: str, where: str, headers: Sequence[tuple[str, object]]) -> None:
    """Every problem names the header, never its value (it may be a pasted secret)."""
    from autus_tui.core.config import ConfigError

    for name, value in headers:
        key = f"{where}.headers.{_show_key(name)}"
        if not _HEADER.fullmatch(name):
            raise ConfigError(source, f"{where}.headers", f"{_show(name)} is not a header name")
        if name.lower() in ("host", "content-length", "transfer-encoding", "connection"):
            raise ConfigError(source, key, "is set by the client, not by configuration")
        if not isinstance(value, str):
            raise ConfigError(source, key, "expected text")
        if _CONTROLS.search(value):
            raise ConfigError(source, key, "holds a line break or control character")
        leftover = _VARIABLE.sub("", value)
        if "$" in leftover:
            raise ConfigError(source, key, "a $ starts ${VARIABLE} (a name of letters, "
                                           "digits and _); write $$ for a dollar sign")
        if any(word in name.lower() for word in SECRET_WORDS) and not header_variables(value):
            raise ConfigError(source, key, "carries a credential: write it as ${VARIABLE} "
                                           "and set that variable; a secret is never stored "
                                           "in the file")


_KEYS: dict[str, Callable[[object], Any]] = {
    "kind": _kind, "url": _url, "timeout": _timeout, "ca_file": _text, "headers": _headers,
    "max_bytes": _max_bytes,
}


def _show(raw: object) -> str:
    return clean(repr(raw), 80)


def _show_key(key: object) -> str:
    return clean(key, 60) if isinstance(key, str) else _show(key)
