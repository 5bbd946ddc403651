"""Level episodes: a metric's time out of OK told once, not flip by flip.

The input is the recorded *held* level changes (``metric.level`` events, ``core.held``):
what the screen announced. A metric is *bad* while its held level is WARN or CRIT. An
episode is a run of bad periods in which the metric never stayed out of WARN/CRIT (OK, or
STALE) for ``gap`` or longer (default 5 minutes of clock time): a value jittering across
a threshold, held up and down again and again, is one episode with its count of changes,
not dozens of rows.

Each ``Episode`` has a start (its first rise), an end (the last fall out of WARN/CRIT
that held for ``gap``, or ``None`` when still bad at ``until``), the worst level, the
held seconds in WARN and in CRIT within it, its level changes, and its peak: the worst
value among the changes, which ``services.report_data`` refines from the minute rollups
(every value polled, not only those at a change).

``episodes(changes, since, until, initial=...)`` works within ``since``–``until``: the
level at ``since`` is ``initial[key]`` (the last change before it), so a shift's episodes
are clipped to the shift. ``covered`` (``core.outages.polled_spans``) clips them to the
times polls were recorded: a held level is not news across a gap in the record (no poll
at all: nothing was known), so such a gap counts neither as WARN nor CRIT; one of
``gap`` or longer also ends the episode.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from autus_tui.core.levels import Level

EPISODE_GAP = timedelta(minutes=5)
BAD = (Level.WARN, Level.CRIT)


@dataclass(frozen=True)
class Change:
    at: datetime
    key: str
    after: Level
    value: float | None = None


@dataclass(frozen=True)
class Episode:
    key: str
    start: datetime
    end: datetime | None
    """Back out of WARN/CRIT for good; ``None``: still bad at the end of the span."""
    worst: Level
    warn_s: float
    crit_s: float
    changes: int
    peak: float | None = None

    def until(self, until: datetime) -> datetime:
        return self.end or until

    def seconds(self, until: datetime) -> float:
        return (self.until(until) - self.start).total_seconds()


_Period = tuple[datetime, datetime, Level]


def _bad_periods(
    changes: Sequence[Change], since: datetime, until: datetime, first: Level | None,
) -> list[_Period]:
    periods: list[_Period] = []
    level, at = first, since
    for change in changes:
        if change.at > until:
            break
        moment = max(change.at, since)
        if level in BAD and moment > at:
            periods.append((at, moment, level))
        level, at = change.after, moment
    if level in BAD:
        periods.append((at, until, level))
    return periods


def episodes(
    changes: Sequence[Change], since: datetime, until: datetime, *,
    initial: Mapping[str, Level] | None = None, gap: timedelta = EPISODE_GAP,
    worse: Callable[[str, float, float], bool] = lambda _key, a, b: a > b,
    covered: Sequence[tuple[datetime, datetime]] | None = None,
) -> tuple[Episode, ...]:
    """Every episode of every metric within ``since``–``until``, by start then metric.

    ``changes`` oldest first; ``worse(key, a, b)``: whether value ``a`` is worse than
    ``b`` for that metric (higher is worse by default)."""
    initial = initial or {}
    by_key: dict[str, list[Change]] = {}
    for change in changes:
        by_key.setdefault(change.key, []).append(change)
    found: list[Episode] = []
    for key in sorted({*by_key, *(k for k, v in initial.items() if v in BAD)}):
        mine = by_key.get(key, [])
        periods = _bad_periods(mine, since, until, initial.get(key))
        if covered is not None:
            periods = _clip(periods, covered)
        groups: list[list[_Period]] = []
        for period in periods:
            if groups and period[0] - groups[-1][-1][1] < gap:
                groups[-1].append(period)
            else:
                groups.append([period])
        for group in groups:
            start, end = group[0][0], group[-1][1]
            ongoing = end >= until and _still_bad(mine, until, initial.get(key))
            inside = [c for c in mine if start <= c.at <= end]
            values = [c.value for c in inside if c.value is not None and c.after in BAD]
            peak = None
            for value in values:
                if peak is None or worse(key, value, peak):
                    peak = value
            found.append(Episode(
                key, start, None if ongoing else end,
                max((p[2] for p in group), key=lambda lv: lv.severity),
                sum((p[1] - p[0]).total_seconds() for p in group if p[2] is Level.WARN),
                sum((p[1] - p[0]).total_seconds() for p in group if p[2] is Level.CRIT),
                len(inside), peak))
    return tuple(sorted(found, key=lambda e: (e.start, e.key)))


def _clip(periods: Sequence[_Period],
          covered: Sequence[tuple[datetime, datetime]]) -> list[_Period]:
    """The parts of ``periods`` within ``covered`` (both in time order)."""
    out: list[_Period] = []
    for start, end, level in periods:
        for low, high in covered:
            if high <= start or low >= end:
                continue
            out.append((max(start, low), min(end, high), level))
    return out


def _still_bad(changes: Sequence[Change], until: datetime, first: Level | None) -> bool:
    level = first
    for change in changes:
        if change.at > until:
            break
        level = change.after
    return level in BAD


def refine_peaks(
    found: Sequence[Episode], peak_of: Callable[[str, datetime, datetime], float | None],
    until: datetime, worse: Callable[[str, float, float], bool] = lambda _k, a, b: a > b,
) -> tuple[Episode, ...]:
    """Each episode's peak made the worse of its own and ``peak_of(key, start, end)``."""
    out = []
    for episode in found:
        seen = peak_of(episode.key, episode.start, episode.until(until))
        peak = episode.peak
        if seen is not None and (peak is None or worse(episode.key, seen, peak)):
            peak = seen
        out.append(replace(episode, peak=peak))
    return tuple(out)
