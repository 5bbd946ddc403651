"""What one poll of the backend, or one look at the host, produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from autus_tui.core.payload import Health, Reading


@dataclass(frozen=True)
class PollResult:
    at: datetime
    """Clock time when the poll finished."""
    readings: dict[str, Reading] = field(default_factory=dict)
    """One per configured metric key; empty when the metrics request failed as a whole."""
    health: Health | None = None
    error: str | None = None
    """The transport, HTTP or decoding problem, in words; ``None`` when all went well."""
    duration: float = 0.0
    """Seconds the poll took (real time)."""
    backend_down: bool | None = None
    """Whether the backend's own Ops API gave no answer at all this poll (unreachable,
    timed out, HTTP errors: no health document and no metric value of its own), whatever
    other sources answered; ``False`` when it answered or is not read; ``None`` when not
    said (hand-made results, polls recorded before it was kept): then judged from the
    whole poll (``core.signals.judge_out``)."""


@dataclass(frozen=True)
class HostSample:
    cpu_pct: float
    mem_pct: float
    load1: float
    disk_pct: float
    disk_path: str = "/"
    unavailable: tuple[str, ...] = ()
    """Names of the fields above that could not be read; they hold 0.0, not a reading."""
    problem: str | None = None
    """Why they could not be read, in words; ``None`` when everything was read."""
