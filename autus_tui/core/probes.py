"""Probes as data: what to check (``ProbeSpec``), what was found (``ProbeResult``).

A probe checks one thing outside the control room and returns PASS, WARN or FAIL with
one line of evidence and its duration in milliseconds. The I/O lives in
``autus_tui.sources.probes``; this module only describes probes, parses their
``[probes.NAME]`` tables (``core.probe_config``), picks them for a slot or an item and
turns results into the ``--json`` shape.

Default probes attach to the seed runbook's 인프라 점검 / 최종 배포 items. Two follow the
backend (its health and its WebSocket); the others are placeholders waiting for a
target (``cdn``: url, ``ssl``: url, ``dns``: name, ``sync``: urls, ``release_tag``:
repo). A probe without its target is *not configured*: it runs nothing and reports
status WARN with detail ``not configured: set probes.NAME.KEY`` and ``configured``
False. So it never fails a run (exit 0) and never marks an item done.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from autus_tui.core.text import clean

KINDS = ("http", "tcp", "websocket", "tls", "dns", "sync", "git_tag")
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 60.0
DEFAULT_WARN_DAYS = 14
WS_PATH = "/ops/v1/ws"
"""The backend's WebSocket (Ops API v1), probed by ``backend_websocket``."""
DEFAULTS = "defaults"
NOT_CONFIGURED = "not configured"
MAX_DETAIL = 300

# The target keys a kind cannot run without, in the order they are asked for.
TARGETS: dict[str, tuple[str, ...]] = {
    "http": ("url",), "tcp": ("address",), "websocket": ("url",), "tls": ("url",),
    "dns": ("name",), "sync": ("urls", "path"), "git_tag": ("repo", "tag"),
}


class Status(enum.StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class ProbeSpec:
    """One ``[probes.NAME]`` table, validated. Keys a kind does not use stay at defaults."""

    name: str
    kind: str
    timeout: float = DEFAULT_TIMEOUT
    item: str | None = None
    """The runbook item id this probe verifies."""
    url: str | None = None
    address: str | None = None
    """``host:port`` (``[::1]:5432`` for IPv6)."""
    expect_status: tuple[int, ...] = ()
    """Status codes that pass; empty: any 2xx."""
    max_ms: float | None = None
    """WARN above this many milliseconds."""
    ca_file: str | None = None
    """The CA bundle to trust instead of the system's (a private CA)."""
    warn_days: float = DEFAULT_WARN_DAYS
    host: str | None = None
    """The ``name`` key of a dns probe (the name to resolve)."""
    expect: tuple[str, ...] = ()
    """IP addresses that must all be among those ``host`` resolves to."""
    urls: tuple[str, ...] = ()
    path: str | None = None
    """Dotted JSON path (sync)."""
    repo: str | None = None
    tag: str | None = None
    follows: str | None = None
    """``health`` or ``ws``: the target is derived from the backend (see ``resolve``)."""
    placeholder: bool = False
    """A default that may stay without a target (then: not configured)."""
    source: str = DEFAULTS
    """Where the table was last set (for error lines)."""
    item_source: str = DEFAULTS
    """Where ``item`` was set: a default's item may name an item a runbook lacks."""

    @property
    def missing(self) -> str | None:
        """The first target key not set (``url``, ``urls``...), or None when it can run."""
        if self.follows is not None:
            return None
        for key in TARGETS[self.kind]:
            value = {"name": self.host}.get(key, getattr(self, key, None))
            if not value:
                return key
        return None

    @property
    def configured(self) -> bool:
        return self.missing is None


@dataclass(frozen=True)
class ProbeResult:
    name: str
    kind: str
    status: Status
    detail: str
    """The evidence: one printable line, already cleaned of control and bidi characters."""
    ms: int
    item: str | None = None
    configured: bool = True

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "status": self.status.value,
                "detail": self.detail, "ms": self.ms, "item": self.item}


def result(spec: ProbeSpec, status: Status, detail: str, seconds: float) -> ProbeResult:
    """A result for ``spec``; the detail is cleaned and bounded here, whatever it holds."""
    ms = max(0, round(seconds * 1000))
    return ProbeResult(spec.name, spec.kind, status, clean(detail, MAX_DETAIL) or "-", ms,
                       spec.item)


def not_configured(spec: ProbeSpec) -> ProbeResult:
    detail = f"{NOT_CONFIGURED}: set probes.{spec.name}.{spec.missing}"
    return replace(result(spec, Status.WARN, detail, 0.0), configured=False)


def report_json(results: Sequence[ProbeResult]) -> dict[str, object]:
    """``{"ok": bool, "results": [...]}``: ok when nothing failed."""
    return {"ok": not any(r.failed for r in results), "results": [r.as_json() for r in results]}


def worst(results: Iterable[ProbeResult]) -> Status:
    """FAIL over WARN over PASS; PASS for no results."""
    statuses = {r.status for r in results}
    for status in (Status.FAIL, Status.WARN):
        if status in statuses:
            return status
    return Status.PASS


# -- defaults and selection -------------------------------------------------------------


def default_probes() -> tuple[ProbeSpec, ...]:
    return (
        ProbeSpec("backend_health", "http", item="pre.infra.backend", follows="health"),
        ProbeSpec("backend_websocket", "websocket", item="pre.infra.websocket", follows="ws"),
        ProbeSpec("cdn", "http", item="pre.infra.cdn", placeholder=True),
        ProbeSpec("ssl", "tls", item="pre.infra.ssl", placeholder=True),
        ProbeSpec("release_tag", "git_tag", item="pre.deploy.tag", tag="v1.0.0",
                  placeholder=True),
        ProbeSpec("dns", "dns", item="pre.deploy.dns", placeholder=True),
        ProbeSpec("sync", "sync", item="pre.deploy.sync", path="version", placeholder=True),
    )


def resolve(
    specs: Iterable[ProbeSpec], backend_url: str, health_path: str, ca_file: str | None = None
) -> tuple[ProbeSpec, ...]:
    """Specs ready to run: those following the backend get its URL (and its CA file)."""
    ready = []
    for spec in specs:
        if spec.follows is not None:
            base = backend_url.rstrip("/")
            if spec.follows == "ws":
                scheme, rest = base.split("://", 1)
                url = f"{'wss' if scheme == 'https' else 'ws'}://{rest}{WS_PATH}"
            else:
                url = base + health_path
            spec = replace(spec, url=url, follows=None, ca_file=spec.ca_file or ca_file)
        ready.append(spec)
    return tuple(ready)


def for_items(specs: Iterable[ProbeSpec], item_ids: Iterable[str]) -> tuple[ProbeSpec, ...]:
    """The probes attached to any of ``item_ids`` (a slot's items, or one item), in order."""
    wanted = set(item_ids)
    return tuple(spec for spec in specs if spec.item is not None and spec.item in wanted)



def address_parts(address: str) -> tuple[str, int]:
    """``host:port`` (validated by the config) as its host and port; ``[::1]`` unbracketed."""
    host, _, port = address.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


@dataclass(frozen=True)
class ItemVerdict:
    """What a probe run says about one runbook item: all its probes PASS, or why not."""

    item: str
    status: Status
    rule: str
    """``probe backend_health, backend_websocket``: what was checked."""
    evidence: str
    configured: bool
    """False when none of the item's probes has a target: nothing was checked."""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


def item_verdicts(results: Iterable[ProbeResult]) -> tuple[ItemVerdict, ...]:
    """One verdict per item the results verify, in the order the items first appear.

    An item passes only when every probe attached to it ran and passed: a probe that is
    not configured leaves the item open (WARN), it never marks it done.
    """
    by_item: dict[str, list[ProbeResult]] = {}
    for found in results:
        if found.item is not None:
            by_item.setdefault(found.item, []).append(found)
    verdicts = []
    for item, mine in by_item.items():
        evidence = "; ".join(f"{r.name} {r.status.value} {r.detail} ({r.ms} ms)" for r in mine)
        verdicts.append(ItemVerdict(item, worst(mine),
                                    "probe " + ", ".join(r.name for r in mine),
                                    clean(evidence, MAX_DETAIL * 2),
                                    any(r.configured for r in mine)))
    return tuple(verdicts)
