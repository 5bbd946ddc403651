"""Parsing ``[probes.NAME]`` tables strictly, with errors naming the file and the key.

``parse_probes(source, raw, current)`` is called by ``core.config`` for each layer that
has a ``probes`` table. A table naming an existing probe (a default, or one from an
earlier layer) of the same kind changes only the keys it sets: ``[probes.cdn] url =
"https://cdn.example.com/"`` is enough to configure the default CDN probe. A table with
a different ``kind``, or a new name, starts a new probe (keeping an existing item) and
must then give its target (``url``, ``address``, ``name``, ``urls`` and ``path``, ``repo``
and ``tag``). Unknown kinds and keys are errors:
``autus.toml: probes.cdn.expect: unknown key for a http probe (known: ...)``.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from autus_tui.core.config import Config, ConfigError
from autus_tui.core.probes import DEFAULTS, KINDS, MAX_TIMEOUT, TARGETS, ProbeSpec, resolve
from autus_tui.core.text import clean

COMMON = ("kind", "timeout", "item")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "http": ("url", "expect_status", "max_ms", "ca_file"),
    "tcp": ("address", "max_ms"),
    "websocket": ("url", "max_ms", "ca_file"),
    "tls": ("url", "ca_file", "warn_days"),
    "dns": ("name", "expect"),
    "sync": ("urls", "path", "ca_file"),
    "git_tag": ("repo", "tag"),
}
FIELDS = {"name": "host"}
"""TOML key -> ``ProbeSpec`` field where they differ (``name`` is the probe's own name)."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ITEM = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+-]*")
_HOST = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?")
_SCHEMES = {"http": ("http", "https"), "sync": ("http", "https"), "tls": ("https",),
            "websocket": ("ws", "wss", "http", "https")}


def parse_probes(
    source: str, raw: object, current: Iterable[ProbeSpec]
) -> tuple[ProbeSpec, ...]:
    if not isinstance(raw, Mapping):
        raise ConfigError(source, "probes", f"expected [probes.NAME] tables, got {_show(raw)}")
    by_name = {spec.name: spec for spec in current}
    for name, table in raw.items():
        by_name[name] = _probe(source, name, table, by_name.get(name))
    return tuple(by_name.values())


def _probe(source: str, name: str, table: object, base: ProbeSpec | None) -> ProbeSpec:
    where = f"probes.{name}"
    if not _NAME.fullmatch(name):
        raise ConfigError(source, "probes", f"a probe name is letters, digits, _ and -, "
                                            f"got {_show(name)}")
    if not isinstance(table, Mapping):
        raise ConfigError(source, where, f"expected a table, got {_show(table)}")
    kind = _parse(source, f"{where}.kind", _kind, table["kind"]) if "kind" in table else None
    if base is None or (kind is not None and kind != base.kind):
        if kind is None:
            raise ConfigError(source, f"{where}.kind",
                              f"required for a new probe (one of {', '.join(KINDS)})")
        item, item_source = (base.item, base.item_source) if base else (None, DEFAULTS)
        base = ProbeSpec(name, kind, item=item, item_source=item_source)
    allowed = (*COMMON, *KIND_KEYS[base.kind])
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "kind":
            continue
        if key not in allowed:
            raise ConfigError(source, f"{where}.{_show_key(key)}",
                              f"unknown key for a {base.kind} probe (known: {', '.join(allowed)})")
        parser = _url_parser(base.kind) if key == "url" else _PARSERS[key]
        values[FIELDS.get(key) or key] = _parse(source, f"{where}.{key}", parser, value)
    spec = replace(base, **values, source=source)
    if "url" in values:
        spec = replace(spec, follows=None)
    if "item" in values:
        spec = replace(spec, item_source=source)
    missing = spec.missing
    if missing is not None and not spec.placeholder:
        raise ConfigError(source, f"{where}.{missing}", f"required for a {spec.kind} probe "
                                                        f"(needs {', '.join(TARGETS[spec.kind])})")
    return spec


def check_items(specs: Iterable[ProbeSpec], item_ids: Iterable[str]) -> tuple[ProbeSpec, ...]:
    """The specs, checked against the runbook's item ids: a configured ``item`` naming no
    item is a ``ConfigError``; a default's item the runbooks lack is dropped (a runbook
    of one's own may not have the seed's items)."""
    known = set(item_ids)
    kept = []
    for spec in specs:
        if spec.item is not None and spec.item not in known:
            if spec.item_source != DEFAULTS:
                raise ConfigError(spec.item_source, f"probes.{spec.name}.item",
                                  f"no runbook item has the id {spec.item!r}")
            spec = replace(spec, item=None)
        kept.append(spec)
    return tuple(kept)


def probes_for(config: Config, item_ids: Iterable[str]) -> tuple[ProbeSpec, ...]:
    """The configuration's probes ready to run: items checked against ``item_ids`` (the
    runbook's), backend probes given the backend's URL and CA file."""
    backend = config.backend
    return resolve(check_items(config.probes, item_ids), backend.url, backend.health_path,
                   backend.ca_file)


# -- value parsers: each returns the typed value or raises ValueError(problem) ----------


def _parse(source: str, key: str, parser: Callable[[object], Any], raw: object) -> Any:
    try:
        return parser(raw)
    except ValueError as error:
        raise ConfigError(source, key, str(error)) from None


def _kind(raw: object) -> str:
    if raw not in KINDS:
        raise ValueError(f"expected one of {', '.join(KINDS)}, got {_show(raw)}")
    return str(raw)


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or not raw.isprintable():
        raise ValueError(f"expected non-empty printable text, got {_show(raw)}")
    return raw.strip()


def _number(raw: object, low: float, high: float, what: str, *, zero: bool = False) -> float:
    """A finite number in (low, high], or [low, high] when ``zero`` allows the low end."""
    if (isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw)
            or not (low <= raw if zero else low < raw) or raw > high):
        raise ValueError(f"expected {what}, got {_show(raw)}")
    return float(raw)


def _timeout(raw: object) -> float:
    return _number(raw, 0, MAX_TIMEOUT, f"a number of seconds above 0, at most {MAX_TIMEOUT:g}")


def _max_ms(raw: object) -> float:
    return _number(raw, 0, 3_600_000, "a number of milliseconds above 0")


def _warn_days(raw: object) -> float:
    return _number(raw, 0, 3650, "a number of days from 0 to 3650", zero=True)


def _item(raw: object) -> str:
    if not isinstance(raw, str) or not _ITEM.fullmatch(raw):
        raise ValueError(f"expected a runbook item id like pre.infra.cdn, got {_show(raw)}")
    return raw


def _url_parser(kind: str) -> Callable[[object], str]:
    schemes = _SCHEMES[kind]

    def parse(raw: object) -> str:
        url = _text(raw)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in schemes or not parts.hostname or " " in url:
            raise ValueError(f"expected a {' or '.join(s + '://' for s in schemes)} URL with a "
                             f"host, got {_show(url)}")
        return url

    return parse


def _address(raw: object) -> str:
    text = _text(raw)
    host, _, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host or not _host_ok(host) or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected host:port (like db.internal:5432), got {_show(text)}")
    return text


def _host_ok(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOST.fullmatch(host)) and len(host) <= 253


def _hostname(raw: object) -> str:
    text = _text(raw)
    if not _host_ok(text):
        raise ValueError(f"expected a host name like autus.example.com, got {_show(text)}")
    return text


def _expect_status(raw: object) -> tuple[int, ...]:
    codes = raw if isinstance(raw, list) else [raw]
    if not codes or not all(isinstance(c, int) and not isinstance(c, bool) and 100 <= c <= 599
                            for c in codes):
        raise ValueError(f"expected a status code or a list of them (100-599), got {_show(raw)}")
    return tuple(codes)


def _expect(raw: object) -> tuple[str, ...]:
    texts = raw if isinstance(raw, list) else [raw]
    try:
        return tuple(ipaddress.ip_address(_text(t)).compressed for t in texts)
    except ValueError:
        raise ValueError(f"expected a list of IP addresses, got {_show(raw)}") from None


def _urls(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError(f"expected a list of two or more URLs, got {_show(raw)}")
    parse = _url_parser("sync")
    return tuple(parse(url) for url in raw)


def _dotted(raw: object) -> str:
    text = _text(raw)
    if not all(part.strip() for part in text.split(".")):
        raise ValueError(f"expected a dotted path like build.version, got {_show(text)}")
    return text


def _tag(raw: object) -> str:
    if not isinstance(raw, str) or not _TAG.fullmatch(raw) or ".." in raw or len(raw) > 200:
        raise ValueError(f"expected a tag name like v1.0.0 (no spaces, wildcards or a leading "
                         f"-), got {_show(raw)}")
    return raw


_PARSERS: dict[str, Callable[[object], Any]] = {
    "timeout": _timeout, "item": _item, "address": _address, "expect_status": _expect_status,
    "max_ms": _max_ms, "ca_file": _text, "warn_days": _warn_days, "name": _hostname,
    "expect": _expect, "urls": _urls, "path": _dotted, "repo": _text, "tag": _tag,
}


def _show(raw: object) -> str:
    return repr(clean(raw, 60)) if isinstance(raw, str) else clean(repr(raw), 60)


def _show_key(key: object) -> str:
    return clean(key, 40)
