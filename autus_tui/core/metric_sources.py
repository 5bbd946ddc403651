"""Metrics checked against their sources, once every configuration layer is in.

``settle(config, layers)`` (called by ``core.config.build_config``) checks each metric:
its ``source`` exists (``backend``/``json``, ``prometheus`` with
``backend.prometheus_path`` set, or a ``[sources.NAME]``); an exposition metric's ``path``
and ``per`` are selectors (``core.selectors``: PromQL such as ``sum(...)`` is refused with
the reason); a query metric has a ``query`` (brackets and quotes balanced; PromQL itself
is the server's to judge) and neither ``path`` nor ``per``; ``combine`` only where several
series can match; ``minimum`` below ``maximum``; a source's ``timeout`` below
``backend.interval``. Every error names the file and the key. It then moves the metrics
switched off (``enabled = false``) out of ``Config.metrics`` into
``Config.sources.switched_off``, so nothing polls, shows or records them while runbooks
and the incident matrix may still name them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.selectors import SelectorError, parse_selector
from autus_tui.core.source_config import BUILT_IN, SourcesConfig
from autus_tui.core.text import clean

if TYPE_CHECKING:
    from autus_tui.core.config import Config

_CONTROLS = "".join(chr(code) for code in (*range(32), 127))


def kind_of(spec: MetricSpec, sources: SourcesConfig) -> str:
    """The kind of source a metric reads from (its ``source`` checked by ``settle``)."""
    named = sources.get(spec.source)
    if named is not None:
        return named.kind
    return "prometheus" if spec.source == "prometheus" else "ops"


def settle(config: Config, layers: Sequence[tuple[str, Mapping[str, Any]]]) -> Config:
    from autus_tui.core.config import ConfigError

    origin = _last_source(layers, "metrics") or "defaults"
    sources = config.sources
    for named in sources.named:
        if named.timeout is not None and named.timeout >= config.backend.interval:
            raise ConfigError(named.origin, f"sources.{named.name}.timeout",
                              f"must be below backend.interval ({named.timeout:g} s >= "
                              f"{config.backend.interval:g} s)")
    for spec in config.metrics:
        problem = _metric_problem(spec, config)
        if problem is not None:
            key, text = problem
            raise ConfigError(origin, f"metrics.{spec.key}.{key}", text)
    on = tuple(spec for spec in config.metrics if spec.enabled)
    off = tuple(spec for spec in config.metrics if not spec.enabled)
    return replace(config, metrics=on, sources=replace(sources, switched_off=off))


def _metric_problem(spec: MetricSpec, config: Config) -> tuple[str, str] | None:
    sources = config.sources
    if spec.source not in BUILT_IN and sources.get(spec.source) is None:
        known = ", ".join([*BUILT_IN, *(s.name for s in sources.named if s.name not in BUILT_IN)])
        return "source", f"no source named {clean(repr(spec.source), 80)} (known: {known})"
    if (spec.source == "prometheus" and sources.get("prometheus") is None
            and config.backend.prometheus_path is None):
        return "source", "is prometheus, but backend.prometheus_path is not set"
    if math.isnan(spec.minimum) or math.isnan(spec.maximum):
        return ("minimum" if math.isnan(spec.minimum) else "maximum"), "expected a number, got nan"
    if spec.minimum >= spec.maximum:
        return "minimum", (f"must be below maximum ({spec.minimum:g} >= {spec.maximum:g})")
    kind = kind_of(spec, sources)
    if kind == "prometheus_query":
        if spec.query is None:
            return "query", f"required: source {spec.source} is a Prometheus server"
        if spec.path:
            return "path", (f"source {spec.source} is a Prometheus server: a metric reads "
                            "its query, not a path")
        if spec.per is not None:
            return "per", "a query computes its own ratio (divide in the query)"
        problem = query_problem(spec.query)
        return None if problem is None else ("query", problem)
    if spec.query is not None:
        return "query", (f"only for a prometheus_query source; {spec.source} is {kind}: "
                         "use path")
    if not spec.path:
        return "path", "required for a new metric"
    if kind == "ops":
        if spec.combine is not None:
            return "combine", f"only for Prometheus sources; {spec.source} is the Ops API JSON"
        return None
    for key, text in (("path", spec.path), ("per", spec.per)):
        if text is None:
            continue
        try:
            parse_selector(text)
        except SelectorError as error:
            return key, f"not a Prometheus selector: {clean(error, 240)}"
    return None


def query_problem(query: str) -> str | None:
    """A query that cannot be sent as it stands; PromQL itself is the server's to judge."""
    if any(char in _CONTROLS for char in query.replace("\n", " ").replace("\t", " ")):
        return "holds a control character"
    depth: list[str] = []
    quote = ""
    pairs = {")": "(", "]": "[", "}": "{"}
    escaped = False
    for char in query:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote != "`":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth.append(char)
        elif char in ")]}" and (not depth or depth.pop() != pairs[char]):
            return f"an unmatched {char!r}"
    if quote:
        return f"a string opened with {quote} is not closed"
    if depth:
        return f"an unclosed {depth[-1]!r}"
    return None


def _last_source(layers: Sequence[tuple[str, Mapping[str, Any]]], key: str) -> str | None:
    found = None
    for source, data in layers:
        if key in data:
            found = source
    return found
