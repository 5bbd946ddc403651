"""A scenario file: what the simulated backend does when, on the launch-day clock.

Strict, like the configuration: an unknown key or event kind, a time outside the launch
day, an inverted window or two windows of one kind that overlap raise ``ScenarioError``
naming the file and the key (``event #2: at``). No I/O: the caller reads the file.

The format (TOML; README "Scenario files")::

    [scenario]
    description = "A 35-minute outage"   # required, one line
    start = "09:00:30"                   # optional: where demo/backend start the clock

    [[events]]
    kind = "outage"                      # one of KINDS
    at = "09:01"                         # HH:MM or HH:MM:SS (or a TOML local time)
    until = "09:36"                      # after ``at``; 24:00 ends the day
    label = "primary DB host lost"       # optional, for people (the debrief)

Times are on the launch day, 00:00 to 24:00, in the launch timezone; there is no D+1:
the morning after is for the replay and the debrief, not for injected incidents. Events
are numbered from 1 in the order written. Windows of different kinds may overlap (a
surge with an error spike); two of the same kind may touch but not overlap. A kind with
a ramp rises to its peak over ``ramp_minutes`` (default: 3, at most a quarter of the
window) and falls back over as long before ``until``; it may be at most half the window.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from autus_tui.core.text import clean

DAY = 24 * 3600
MAX_EVENTS = 200
MAX_LABEL = 200
DEFAULT_START = 8 * 3600 + 59 * 60 + 30
"""08:59:30: where the clock starts in a file without events or ``start``."""
DEFAULT_RAMP_MINUTES = 3.0
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_CLOCK = re.compile(r"(\d\d?):(\d\d)(?::(\d\d))?")


class ScenarioError(ValueError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class Param:
    """A kind's number (or flag) with its default and bounds (``low`` excluded if open)."""

    default: float | bool
    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    whole: bool = False

    def describe(self) -> str:
        if isinstance(self.default, bool):
            return "true or false"
        low = f"above {self.low:g}" if self.low_open else f"from {self.low:g}"
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} {low} to {self.high:g}"


@dataclass(frozen=True)
class Kind:
    params: Mapping[str, Param] = field(default_factory=dict)
    ramp: bool = True
    what: str = ""


KINDS: Mapping[str, Kind] = {
    "outage": Kind(ramp=False, what="health down, metrics 503, WebSocket refused"),
    "error_spike": Kind({"error_pct": Param(7.5, 0, 100)}, what="error rate to error_pct %"),
    "slow_response": Kind({"response_ms": Param(6500.0, 0, 600_000, low_open=True)},
                          what="average response to response_ms"),
    "db_pool": Kind({"used_pct": Param(99.0, 0, 100), "down": Param(False)},
                    what="DB pool use to used_pct %; down: the DB refuses connections"),
    "gate_errors": Kind({"count": Param(4, 1, 10_000, whole=True)},
                        what="some Gates fail: gate_failures to count"),
    "gate_outage": Kind({"count": Param(30, 1, 10_000, whole=True)},
                        what="every Gate fails: gate_failures to count, no Gate events"),
    "websocket_drop": Kind({"every_seconds": Param(60.0, 0, 3600, low_open=True),
                            "down_seconds": Param(20.0, 0, 3600, low_open=True)}, ramp=False,
                           what="the WebSocket drops for down_seconds of every every_seconds"),
    "traffic_surge": Kind({"factor": Param(2.5, 1, 100, low_open=True)},
                          what="active users times factor"),
    "memory_pressure": Kind({"memory_pct": Param(88.0, 0, 100)},
                            what="service memory to memory_pct %"),
}
COMMON_KEYS = ("kind", "at", "until", "label")


@dataclass(frozen=True)
class ScenarioEvent:
    number: int
    """Its place in the file, from 1 (messages name it)."""
    kind: str
    at: int
    """Seconds after launch-day midnight, in the launch timezone."""
    until: int
    label: str
    ramp: float
    """Seconds to rise to the peak (and to fall back); 0 for kinds without a ramp."""
    params: Mapping[str, float | bool]

    def value(self, key: str) -> float:
        return float(self.params[key])

    def flag(self, key: str) -> bool:
        return bool(self.params[key])


@dataclass(frozen=True)
class ScenarioFile:
    name: str
    source: str
    description: str
    start: int
    """Seconds after launch-day midnight where a demo or backend starts its clock."""
    events: tuple[ScenarioEvent, ...]


def clock_text(seconds: float) -> str:
    """``09:20`` or ``09:20:30`` for seconds after midnight (24:00 included)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def parse_scenario_text(text: str, source: str, name: str) -> ScenarioFile:
    """Parse a scenario file's text (TOML); ``name`` is its file name without ``.toml``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, "(file)", f"not valid TOML: {error}") from None
    return parse_scenario(data, source, name)


def parse_scenario(data: Mapping[str, Any], source: str, name: str) -> ScenarioFile:
    if not NAME.fullmatch(name):
        raise ScenarioError(source, "(file name)", "a scenario's name (its file name without"
                            " .toml) is lowercase ascii letters, digits, - and _")
    _keys(data, ("scenario", "events"), source, "")
    head = data.get("scenario")
    if not isinstance(head, dict):
        raise ScenarioError(source, "scenario", "expected a [scenario] table with a description")
    _keys(head, ("description", "start"), source, "scenario")
    description = head.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ScenarioError(source, "scenario: description",
                            f"expected non-empty text, got {_show(description)}")
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise ScenarioError(source, "events", "expected [[events]] tables")
    if len(raw_events) > MAX_EVENTS:
        raise ScenarioError(source, "events", f"at most {MAX_EVENTS} events, got {len(raw_events)}")
    events = tuple(_event(raw, n, source) for n, raw in enumerate(raw_events, 1))
    _check_overlaps(events, source)
    if "start" in head:
        start = _clock(head["start"], source, "scenario: start", until=False)
    elif events:
        start = max(0, min(event.at for event in events) - 60)
    else:
        start = DEFAULT_START
    return ScenarioFile(name, source, clean(description, MAX_LABEL), start, events)


def _event(raw: object, number: int, source: str) -> ScenarioEvent:
    where = f"event #{number}"
    if not isinstance(raw, dict):
        raise ScenarioError(source, where, "expected a table")
    kind_name = raw.get("kind")
    if not isinstance(kind_name, str) or kind_name not in KINDS:
        raise ScenarioError(source, f"{where}: kind", f"unknown event kind {_show(kind_name)}"
                            f" (known: {', '.join(KINDS)})")
    kind = KINDS[kind_name]
    allowed = (*COMMON_KEYS, *(("ramp_minutes",) if kind.ramp else ()), *kind.params)
    _keys(raw, allowed, source, where, f"for {kind_name} ")
    for key in ("at", "until"):
        if key not in raw:
            raise ScenarioError(source, f"{where}: {key}", "missing (a launch-day time, HH:MM)")
    at = _clock(raw["at"], source, f"{where}: at", until=False)
    until = _clock(raw["until"], source, f"{where}: until", until=True)
    if until <= at:
        raise ScenarioError(source, f"{where}: until",
                            f"{clock_text(until)} is not after at ({clock_text(at)})")
    label = raw.get("label", "")
    if not isinstance(label, str):
        raise ScenarioError(source, f"{where}: label", f"expected text, got {_show(label)}")
    params = {key: _param(raw.get(key, spec.default), spec, source, f"{where}: {key}")
              for key, spec in kind.params.items()}
    if kind_name == "websocket_drop" and params["down_seconds"] >= params["every_seconds"]:
        raise ScenarioError(source, f"{where}: down_seconds",
                            "must be shorter than every_seconds (else it never comes back)")
    window = until - at
    ramp = 0.0
    if kind.ramp:
        ramp = min(DEFAULT_RAMP_MINUTES * 60, window / 4)
        if "ramp_minutes" in raw:
            ramp = 60 * float(_param(raw["ramp_minutes"], Param(0.0, 0, math.inf), source,
                                     f"{where}: ramp_minutes"))
            if ramp > window / 2:
                raise ScenarioError(source, f"{where}: ramp_minutes",
                                    f"at most half the window ({window / 120:g} minutes)")
    return ScenarioEvent(number, kind_name, at, until, clean(label, MAX_LABEL), ramp, params)


def _check_overlaps(events: tuple[ScenarioEvent, ...], source: str) -> None:
    latest: dict[str, ScenarioEvent] = {}
    for event in sorted(events, key=lambda e: (e.at, e.number)):
        before = latest.get(event.kind)
        if before is not None and event.at < before.until:
            first, second = sorted((before, event), key=lambda e: e.number)
            raise ScenarioError(
                source, f"event #{second.number}: at",
                f"{second.kind} {clock_text(second.at)}–{clock_text(second.until)} overlaps"
                f" event #{first.number} ({clock_text(first.at)}–{clock_text(first.until)});"
                " windows of one kind must not overlap",
            )
        if before is None or event.until > before.until:
            latest[event.kind] = event


def _clock(raw: object, source: str, key: str, *, until: bool) -> int:
    """Seconds after midnight; 24:00 only where a window ends."""
    last = "24:00" if until else "23:59:59"
    if isinstance(raw, time) and raw.tzinfo is None and not raw.microsecond:
        return raw.hour * 3600 + raw.minute * 60 + raw.second
    match = _CLOCK.fullmatch(raw) if isinstance(raw, str) else None
    if match:
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        total = hours * 3600 + minutes * 60 + seconds
        if minutes < 60 and seconds < 60 and total <= (DAY if until else DAY - 1):
            return total
    raise ScenarioError(source, key, f"expected a launch-day time HH:MM or HH:MM:SS from 00:00"
                        f" to {last}, got {_show(raw)} (there is no D+1 in a scenario)")


def _param(raw: object, spec: Param, source: str, key: str) -> float | bool:
    if isinstance(spec.default, bool):
        if not isinstance(raw, bool):
            raise ScenarioError(source, key, f"expected true or false, got {_show(raw)}")
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
        above = value > spec.low if spec.low_open else value >= spec.low
        whole = value.is_integer() or not spec.whole
        if math.isfinite(value) and above and value <= spec.high and whole:
            return value
    raise ScenarioError(source, key, f"expected {spec.describe()}, got {_show(raw)}")


def _keys(table: Mapping[str, Any], allowed: tuple[str, ...], source: str, where: str,
          what: str = "") -> None:
    for key in table:
        if key not in allowed:
            prefix = f"{where}: " if where else ""
            raise ScenarioError(source, f"{prefix}{clean(key, 40)}",
                                f"unknown key {what}(known: {', '.join(allowed)})")


def _show(raw: object) -> str:
    return repr(clean(raw, 60)) if isinstance(raw, str) else clean(repr(raw), 60)
