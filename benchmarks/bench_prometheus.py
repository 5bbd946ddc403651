"""Reading a big Prometheus exposition: today's parser beside the new one, in one run.

    python benchmarks/bench_prometheus.py [--series 25000] [--repeat 15]

The exposition is ``autus_tui.sim.exporter.big_exposition`` (node_exporter's shape; the
values a control room wants sit at the very end). Measured, each as the median of
``--repeat`` runs on this machine:

- ``before``: the parser as shipped before named sources (``prometheus_client``'s
  ``text_string_to_metric_families`` over the whole text, every sample keyed, stopping
  silently at 20,000 samples, so the values at the end were never found);
- ``client, whole``: the same library parsing every sample (what reading it all costs);
- ``after``: ``core.exposition`` reading only the names configured metrics use, and their
  readings: twelve metrics that read big families on purpose (2,500 systemd lines, 512
  CPU lines, 400 devices...), and five a host pane typically has.

It prints the times, the ratio and whether each found the values at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prometheus_client.parser import text_string_to_metric_families

from autus_tui.core.exposition import (
    parse_exposition,
    read_exposition,
    wanted_selectors,
)
from autus_tui.core.metrics import MetricSpec
from autus_tui.sim.exporter import big_exposition

BEFORE_CAP = 20_000
SPECS = (
    MetricSpec("load", "Load", "node_load1", source="node"),
    MetricSpec("offset", "NTP Offset", "node_timex_offset_seconds", unit="s", minimum=-1),
    MetricSpec("cold", "Cold", 'node_hwmon_temp_celsius{chip="cold"}', minimum=-50),
    MetricSpec("hot", "Hottest", "node_hwmon_temp_celsius", combine="max", minimum=-50),
    MetricSpec("data", "Data", 'node_filesystem_size_bytes{mountpoint="/data"}', unit="bytes",
               maximum=1e18),
    MetricSpec("tiny", "Tiny", "autus_tiny_ratio"),
    MetricSpec("idle", "CPU idle", 'node_cpu_seconds_total{mode="idle"}', combine="sum"),
    MetricSpec("rx", "RX", 'node_network_receive_bytes_total{device=~"veth00.."}',
               combine="sum", unit="bytes", maximum=1e18),
    MetricSpec("slow", "Slow", 'http_request_duration_seconds_bucket{handler="/api",le="1"}'),
    MetricSpec("p50", "GC p50", 'go_gc_duration_seconds{quantile="0.5"}'),
    MetricSpec("failed", "Failed units", 'node_systemd_unit_state{state="failed"}',
               combine="sum"),
    MetricSpec("snaps", "Snap free", "node_filesystem_avail_bytes", combine="sum",
               maximum=1e18),
)

TYPICAL = (
    SPECS[0], SPECS[1], SPECS[3], SPECS[4],
    MetricSpec("root", "Root free", 'node_filesystem_avail_bytes{mountpoint="/snap/app/7"}',
               unit="bytes", maximum=1e18),
)


def before(text: str) -> dict[str, float]:
    """The pre-sources ``sources.prometheus.parse_exposition``, verbatim in effect."""
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if len(samples) >= BEFORE_CAP:
                return samples
            inner = ",".join(f'{k}="{sample.labels[k]}"' for k in sorted(sample.labels))
            samples.setdefault(f"{sample.name}{{{inner}}}" if inner else sample.name,
                               float(sample.value))
    return samples


def client_whole(text: str) -> int:
    return sum(len(family.samples) for family in text_string_to_metric_families(text))


def after(text: str, specs: tuple[MetricSpec, ...] = SPECS) -> dict[str, float | None]:
    exposition = parse_exposition(text, wanted_selectors(specs))
    return {spec.key: read_exposition(exposition, spec).value for spec in specs}


def typical(text: str) -> dict[str, float | None]:
    return after(text, TYPICAL)


def median_seconds(call: Callable[[str], object], text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    text = big_exposition(args.series)
    lines = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"exposition: {lines:,} series, {len(text.encode()) / 1024:,.0f} KiB")

    old = median_seconds(before, text, max(3, args.repeat // 3))
    whole = median_seconds(client_whole, text, max(3, args.repeat // 3))
    new = median_seconds(after, text, args.repeat)
    usual = median_seconds(typical, text, args.repeat)
    found_before = "node_load1" in before(text)
    values = after(text)
    print(f"before (prometheus_client, stops at {BEFORE_CAP:,}): {old * 1000:8.1f} ms"
          f"   node_load1 found: {found_before}")
    print(f"prometheus_client, whole text:             {whole * 1000:8.1f} ms")
    print(f"after  (core.exposition, {len(SPECS)} metrics):        {new * 1000:8.1f} ms"
          f"   node_load1 = {values['load']}")
    print(f"after  (core.exposition, {len(TYPICAL)} typical metrics): {usual * 1000:8.1f} ms")
    print(f"ratio before/after: {old / new:,.0f}x   (whole/after: {whole / new:,.0f}x; "
          f"before/typical: {old / usual:,.0f}x)")
    missing = [key for key, value in {**values, **typical(text)}.items() if value is None]
    if missing:
        print(f"after: no value for {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
