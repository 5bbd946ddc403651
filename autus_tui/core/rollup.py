"""Per-minute rollups of recorded polls, and the day's per-metric figures from them.

One code path computes the report's figures whether the polls are still raw or were
folded into stored rollups long ago: raw polls are first folded *in memory* by the same
``Folder`` that folds old polls into the database, and figures always come from minute
buckets. Folding therefore cannot change a figure (same partial sums in the same order).

A bucket (one metric, one UTC minute) keeps: count, sum, min, max; a histogram of the
values *at the metric's display precision* (``spec.decimals``); seconds spent in WARN
and CRIT; value-seconds (``area``, for totals from a per-minute rate).

p95 is the nearest-rank 95th percentile of the values rounded to display precision.
Rounding is monotonic, so this equals the rounded p95 of the raw values: exact at the
precision the report prints, and mergeable across minutes (histograms add).

Time in a level: a good value counts from its poll until the metric's next good value,
at most ``stale_after`` (then the metric is STALE, as the panes show it). That time is
credited to the minute of the value's poll. Polls are fed in the order they were
recorded; a gap that runs backwards (a rehearsal clock set back) counts as zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from autus_tui.core.levels import Level
from autus_tui.core.metrics import MetricSpec


@dataclass
class Bucket:
    count: int = 0
    sum: float = 0.0
    min: float = math.inf
    max: float = -math.inf
    hist: Counter[str] = field(default_factory=Counter)
    warn_s: float = 0.0
    crit_s: float = 0.0
    area: float = 0.0

    def merge(self, other: Bucket) -> None:
        self.count += other.count
        self.sum += other.sum
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.hist.update(other.hist)
        self.warn_s += other.warn_s
        self.crit_s += other.crit_s
        self.area += other.area


Run = tuple[float, float, bool, int, str]
"""(first, last, out, count, reason): polls of one state in a row within a minute, their
first and last clock time (epoch seconds); ``reason`` is why the first was out."""


@dataclass
class PollMinute:
    polls: int = 0
    errors: int = 0
    health: Counter[str] = field(default_factory=Counter)
    """Health status → polls ("none" when no health document was read)."""
    runs: list[Run] = field(default_factory=list)
    """The minute's polls as runs of out / not out (``core.outages``), in time order;
    empty for minutes folded before runs were kept."""

    def merge(self, other: PollMinute) -> None:
        self.polls += other.polls
        self.errors += other.errors
        self.health.update(other.health)
        self.runs = join_runs(sorted([*self.runs, *other.runs]))

    def add_poll(self, at: float, out: str | None) -> None:
        """One poll's state: ``out`` is why it was out, ``None`` when it was not."""
        runs = self.runs
        if runs and runs[-1][2] == (out is not None) and runs[-1][1] <= at:
            first, _last, state, count, reason = runs[-1]
            runs[-1] = (first, at, state, count + 1, reason)
        else:
            runs.append((at, at, out is not None, 1, out or ""))


def join_runs(runs: Sequence[Run]) -> list[Run]:
    """Runs in time order with neighbours of one state joined."""
    joined: list[Run] = []
    for run in runs:
        if joined and joined[-1][2] == run[2]:
            first, _last, state, count, reason = joined[-1]
            joined[-1] = (first, max(_last, run[1]), state, count + run[3], reason)
        else:
            joined.append(run)
    return joined


_Pending = tuple[str, float, float, Level, float]
"""(minute, at, value, level, stale_after) of a metric's latest value, not yet credited."""


class Folder:
    """Feed polls in recorded order with ``add``; ``finish`` credits the last values.

    Written for speed (a day is 86,400 polls x 9 metrics): plain tuples, few calls.
    """

    def __init__(self, specs: Iterable[MetricSpec]) -> None:
        self.specs = {spec.key: spec for spec in specs}
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.minutes: dict[str, PollMinute] = {}
        self._pending: dict[str, _Pending] = {}
        self._formats = {spec.key: f".{spec.decimals}f" for spec in self.specs.values()}

    def add(
        self, minute: str, at: float, values: Mapping[str, float], error: bool,
        health: str | None, stale_after: float, out: str | None = None,
    ) -> None:
        """One poll: ``at`` in epoch seconds (clock time), ``values`` its good readings,
        ``out`` why the backend counted as down (``core.outages``), else ``None``."""
        buckets, pending, specs, formats = self.buckets, self._pending, self.specs, self._formats
        for key, value in values.items():
            spec = specs.get(key)
            if spec is None:
                continue
            if key in pending:
                self._resolve(key, at)
            bucket = buckets.get((minute, key))
            if bucket is None:
                bucket = buckets[(minute, key)] = Bucket()
            bucket.count += 1
            bucket.sum += value
            if value < bucket.min:
                bucket.min = value
            if value > bucket.max:
                bucket.max = value
            bucket.hist[format(value, formats[key])] += 1  # at display precision
            level = Level.OK if spec.thresholds is None else spec.thresholds.judge(value)
            pending[key] = (minute, at, value, level, stale_after)
        summary = self.minutes.get(minute)
        if summary is None:
            summary = self.minutes[minute] = PollMinute()
        summary.polls += 1
        summary.errors += 1 if error else 0
        summary.health[health or "none"] += 1
        summary.add_poll(at, out)

    def look_ahead(self, at: float, values: Mapping[str, float]) -> bool:
        """A later poll that is not folded, used only to end the last values' time.

        Returns False once nothing is left waiting (the caller may stop reading).
        """
        for key in values:
            if key in self._pending:
                self._resolve(key, at)
        for key in [k for k, p in self._pending.items() if at - p[1] >= p[4]]:
            self._resolve(key, at)  # went stale before this poll: counts in full
        return bool(self._pending)

    def finish(self, end: float | None) -> None:
        """Credit the values still waiting: until ``end``, at most their ``stale_after``
        (``end=None``: nothing is known after them, so they count in full)."""
        for key in list(self._pending):
            self._resolve(key, math.inf if end is None else end)

    def _resolve(self, key: str, at: float) -> None:
        minute, since, value, level, stale_after = self._pending.pop(key)
        span = min(max(at - since, 0.0), stale_after)
        bucket = self.buckets[(minute, key)]
        if level is Level.WARN:
            bucket.warn_s += span
        elif level is Level.CRIT:
            bucket.crit_s += span
        bucket.area += value * span


@dataclass(frozen=True)
class MetricFigures:
    key: str
    count: int
    min: float
    mean: float
    max: float
    p95: float
    warn_s: float
    crit_s: float
    area: float
    """Value × seconds: a per-minute rate's total is ``area / 60``."""


def merge_buckets(
    groups: Iterable[Mapping[tuple[str, str], Bucket]],
) -> dict[tuple[str, str], Bucket]:
    merged: dict[tuple[str, str], Bucket] = {}
    for group in groups:
        for key, bucket in group.items():
            if key in merged:
                merged[key].merge(bucket)
            else:
                copy = Bucket()
                copy.merge(bucket)
                merged[key] = copy
    return merged


def figures(buckets: Mapping[tuple[str, str], Bucket], key: str) -> MetricFigures | None:
    """The day's figures of one metric from its minute buckets (``None``: no values)."""
    minutes = sorted(m for (m, k) in buckets if k == key)
    total = Bucket()
    for minute in minutes:
        total.merge(buckets[(minute, key)])
    if total.count == 0:
        return None
    return MetricFigures(key, total.count, total.min, total.sum / total.count, total.max,
                         percentile(total.hist, 0.95), total.warn_s, total.crit_s, total.area)


def percentile(hist: Mapping[str, int], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below."""
    ordered: Sequence[tuple[float, int]] = sorted((float(k), n) for k, n in hist.items())
    total = sum(n for _, n in ordered)
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value, n in ordered:
        seen += n
        if seen >= rank:
            return value
    raise ValueError("an empty histogram has no percentile")
