"""Prometheus text exposition as a metric source: an exporter's body into readings.

A ``prometheus`` source (``[sources.NAME] kind = "prometheus"``, or the backend's own
``prometheus_path`` for ``source = "prometheus"``) is fetched by ``sources.feeds``; its
body arrives here, in a worker thread (``asyncio.to_thread``), never on the event loop.

Contract:
- ``readings_from_text(text, specs)`` gives one ``Reading`` per spec: only the metric
  names the specs' selectors use are read (``core.exposition``), so a 25k-series
  node_exporter costs milliseconds; a selector matching several series is an error
  unless the metric says ``combine``; a bad line is a problem for the metrics of that name.
- ``body_problem(media, body)`` says why a body is not an exposition at all (HTML, JSON),
  ``None`` when it may be one; every metric of the source then shows that problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from autus_tui.core.exposition import parse_exposition, read_exposition, wanted_selectors
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import Reading


def readings_from_text(text: str, specs: Sequence[MetricSpec]) -> dict[str, Reading]:
    exposition = parse_exposition(text, wanted_selectors(specs))
    return {spec.key: read_exposition(exposition, spec) for spec in specs}


def body_problem(media: str, body: bytes) -> str | None:
    start = body.lstrip()[:1]
    if "html" in media or start == b"<":
        return f"not Prometheus text ({media or 'looks like HTML'})"
    if "json" in media or start == b"[" or body.lstrip().startswith(b'{"'):
        return f"not Prometheus text ({media or 'looks like JSON'})"
    return None
