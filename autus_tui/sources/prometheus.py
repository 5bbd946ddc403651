"""Prometheus text exposition as a metric source.

A backend that already exports Prometheus metrics feeds the panes with no new endpoint:
``backend.prometheus_path = "/metrics"`` and, per metric, ``source = "prometheus"`` with
``path`` a selector. Configuration example::

    [backend]
    prometheus_path = "/metrics"

    [metrics.error_rate]
    source = "prometheus"
    path = "autus_error_rate_pct"

    [metrics.gate_observe]
    source = "prometheus"
    path = 'autus_gate_events_total{gate="observe"}'

Contract:
- ``parse_exposition(text)`` returns ``(samples, error)``: samples keyed by selector,
  ``name`` for a label-less sample and ``name{a="1",b="2"}`` with labels sorted by name
  and values escaped as in the exposition format. Bad text gives an error string in
  words, never an exception. A selector that appears twice keeps its first value.
- ``read_prometheus(samples, spec)`` gives a ``Reading`` with the same rules as the JSON
  reader (``core.payload``): a number, finite, not negative, not above ``spec.maximum``,
  and ``spec.per`` makes it a percentage of another selector.
- ``selector(name, labels)`` / ``normalize_selector(text)`` build the key, so a
  configured selector matches whatever order or spacing the labels were written in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from prometheus_client.parser import text_string_to_metric_families

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import Reading, as_number, finish_reading
from autus_tui.core.text import clean

Samples = dict[str, float]

MAX_SAMPLES = 20_000
"""More distinct series than a control room could use: the rest are ignored."""

_LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
_SELECTOR = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$", re.DOTALL)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def selector(name: str, labels: Mapping[str, str]) -> str:
    if not labels:
        return name
    inner = ",".join(f'{key}="{_escape(labels[key])}"' for key in sorted(labels))
    return f"{name}{{{inner}}}"


def normalize_selector(text: str) -> str:
    """The canonical key for a configured selector; the text unchanged if it is not one."""
    match = _SELECTOR.match(text)
    if match is None:
        return text
    name, body = match.group(1), match.group(2)
    if body is None or not body.strip():
        return name
    labels: dict[str, str] = {}
    position = 0
    while position < len(body):
        label = _LABEL.match(body, position)
        if label is None or label.end() == position:
            return text
        labels[label.group(1)] = _unescape(label.group(2))
        position = label.end()
    return selector(name, labels)


def parse_exposition(text: str) -> tuple[Samples, str | None]:
    samples: Samples = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if len(samples) >= MAX_SAMPLES:
                    return samples, None
                key = selector(sample.name, sample.labels)
                samples.setdefault(key, float(sample.value))
    except Exception as error:  # the parser raises assorted errors on bad text
        return {}, f"not valid Prometheus text ({clean(error, 120)})"
    return samples, None


def read_prometheus(samples: Mapping[str, float], spec: MetricSpec) -> Reading:
    total = None if spec.per is None else _lookup(samples, spec.per)
    return finish_reading(_lookup(samples, spec.path), total, spec)


def _lookup(samples: Mapping[str, float], wanted: str) -> Reading:
    key = normalize_selector(wanted)
    if key not in samples:
        return Reading(None, f"{clean(wanted, 80)} is not in the Prometheus output")
    return as_number(samples[key], clean(wanted, 80))
