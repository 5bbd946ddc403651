"""Reading values out of an already-decoded backend payload, trusting nothing.

Any field may be missing, null, of the wrong type, NaN, negative, huge or hostile. Each
read returns either a number or the reason it is not one, in words an operator can act
on. Nothing here raises on bad input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.text import clean

HEALTH_STATUSES = ("ok", "degraded", "down")
MAX_COMPONENTS = 16


@dataclass(frozen=True)
class Reading:
    value: float | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Health:
    status: str
    """One of ok / degraded / down, or "unknown" when the backend said something else."""
    message: str
    components: tuple[tuple[str, str, str], ...] = ()
    """(name, status, detail), cleaned and bounded."""


def lookup(doc: object, path: str) -> object:
    """Follow a dotted path through nested objects; ``None`` where it leads nowhere."""
    node = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def as_number(raw: object, what: str) -> Reading:
    if raw is None:
        return Reading(None, f"{what} is missing")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return Reading(None, f"{what} is not a number ({_kind(raw)}: {clean(raw, 40)})")
    try:
        value = float(raw)
    except OverflowError:  # an integer too large for a float (JSON allows 400 digits)
        return Reading(None, f"{what} is too large to be a number")
    if not math.isfinite(value):
        return Reading(None, f"{what} is not a finite number ({raw})")
    return Reading(value)


def read_metric(doc: object, spec: MetricSpec) -> Reading:
    if not isinstance(doc, dict):
        return Reading(None, f"payload is a {_kind(doc)}, not an object")
    total = None if spec.per is None else as_number(lookup(doc, spec.per), spec.per)
    return finish_reading(as_number(lookup(doc, spec.path), spec.path), total, spec)


def finish_reading(reading: Reading, total: Reading | None, spec: MetricSpec) -> Reading:
    """The metric's reading from its raw number and, for a ``per`` metric, the reading of
    its denominator (the value becomes a percentage of it); then range-checked. Every
    source (JSON, Prometheus text) ends here, so all judge a value alike."""
    if reading.value is None:
        return reading
    value = reading.value
    if total is not None:
        if total.value is None:
            return total
        if total.value <= 0:
            return Reading(None, f"{clean(spec.per, 80)} must be above zero, got {total.value:g}")
        value = value / total.value * 100
    return check_range(value, spec)


def check_range(value: float, spec: MetricSpec) -> Reading:
    if value < spec.minimum:
        if spec.minimum == 0:
            return Reading(None, f"{spec.label} is negative ({value:g})")
        return Reading(None, f"{spec.label} is below its minimum ({value:g} < {spec.minimum:g})")
    if value > spec.maximum:
        return Reading(None, f"{spec.label} is implausibly large ({value:g} > {spec.maximum:g})")
    return Reading(value)


def read_health(doc: object) -> Health:
    if not isinstance(doc, dict):
        return Health("unknown", f"health payload is a {_kind(doc)}, not an object")
    status = doc.get("status")
    # Matched after cleaning: control sequences around "down" must not hide a real down.
    cleaned = clean(status, 40).strip() if isinstance(status, str) else ""
    status_text = cleaned if cleaned in HEALTH_STATUSES else "unknown"
    message = doc.get("message")
    message_text = clean(message, 200) if isinstance(message, str) else ""
    if status_text == "unknown" and not message_text:
        message_text = f"unexpected status {clean(status, 40)}"
    components: list[tuple[str, str, str]] = []
    raw_components = doc.get("components")
    if isinstance(raw_components, dict):
        for name, info in list(raw_components.items())[:MAX_COMPONENTS]:
            info = info if isinstance(info, dict) else {}
            components.append((
                clean(name, 40),
                clean(info.get("status", "?"), 20),
                clean(info.get("detail", ""), 120),
            ))
    return Health(status_text, message_text, tuple(components))


def _kind(raw: object) -> str:
    names = {str: "text", list: "list", dict: "object", bool: "true/false", type(None): "null"}
    return names.get(type(raw), type(raw).__name__)
