"""The day hour by hour (launch-timezone hours), from the minute rollups.

For the 12:00 트래픽 패턴 확인 and the D+1 pattern reviews: per hour, the polls and the
polls with an error, Active Users (mean and peak), Error Rate (mean and worst), Avg
Response (mean), the gate events of the hour (OBSERVE / RING / LOCK), the Afterimages of
the hour, and the downtime within it.

Definitions (each a figure one can recompute from the raw polls):

- a mean is over the values polled in the hour; a peak is the largest;
- gate events of an hour are how much the cumulative counter grew: its last value in the
  hour less its last value before the hour (the first hour: less its first value). Minute
  rollups keep min and max, so this is summed minute by minute: each minute's max less
  min, plus the step from the previous minute's max to this minute's min. A counter that
  went down (the backend restarted) counts from zero again;
- Afterimages of an hour are estimated from the rate (per minute) over time, as the
  first-week items do: value-seconds / 60 (``core.rollup``: each value counts until the
  next, at most its stale window);
- downtime is the part of the hour covered by outages (``core.outages``).

Metric keys are the default ones (``KEYS``); a metric the configuration does not have is
``None`` (shown "—").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from autus_tui.core.outages import Outage, downtime
from autus_tui.core.rollup import Bucket, PollMinute

HOUR = timedelta(hours=1)
USERS, ERRORS, RESPONSE, AFTERIMAGES = "active_users", "error_rate", "avg_response", \
    "afterimage_rate"
GATE_KEYS = ("gate_observe", "gate_ring", "gate_lock")


@dataclass(frozen=True)
class HourRow:
    start: datetime
    """The hour's start (UTC instant of a launch-timezone hour)."""
    polls: int = 0
    poll_errors: int = 0
    users_mean: float | None = None
    users_max: float | None = None
    error_mean: float | None = None
    error_max: float | None = None
    response_mean: float | None = None
    gates: tuple[float | None, ...] = (None, None, None)
    """Events of the hour: OBSERVE, RING, LOCK."""
    afterimages: float | None = None
    down_s: float = 0.0


def minute_start(minute: str) -> datetime:
    """A rollup minute key (``YYYY-MM-DDTHH:MM``, UTC) as an instant."""
    return datetime.fromisoformat(minute).replace(tzinfo=UTC)


def hour_of(at: datetime, zone: tzinfo) -> datetime:
    local = at.astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def _mean_max(buckets: Sequence[Bucket]) -> tuple[float | None, float | None]:
    count = sum(b.count for b in buckets)
    if not count:
        return None, None
    return sum(b.sum for b in buckets) / count, max(b.max for b in buckets if b.count)


def counter_growth(minutes: Sequence[tuple[str, Bucket]]) -> dict[str, float]:
    """minute → how much a cumulative counter grew in it (see the module doc)."""
    grown: dict[str, float] = {}
    before: float | None = None
    for minute, bucket in minutes:
        if not bucket.count:
            continue
        step = 0.0 if before is None else (
            bucket.min - before if bucket.min >= before else bucket.min)
        grown[minute] = (bucket.max - bucket.min) + step
        before = bucket.max
    return grown


def hourly(
    buckets: Mapping[tuple[str, str], Bucket], minutes: Mapping[str, PollMinute],
    zone: tzinfo, *, outages: Sequence[Outage] = (), now: datetime,
    max_age: timedelta | None = None,
) -> tuple[HourRow, ...]:
    """One row per hour from the first polled hour to the last (empty hours included)."""
    if not minutes and not buckets:
        return ()
    moments = [minute_start(m) for m in minutes] + [minute_start(m) for m, _ in buckets]
    first, last = hour_of(min(moments), zone), hour_of(max(moments), zone)
    by_hour: dict[datetime, dict[str, list[Bucket]]] = {}
    for (minute, key), bucket in buckets.items():
        hour = hour_of(minute_start(minute), zone)
        by_hour.setdefault(hour, {}).setdefault(key, []).append(bucket)
    growth: dict[str, dict[datetime, float]] = {}
    for key in GATE_KEYS:
        ordered = sorted((m, b) for (m, k), b in buckets.items() if k == key)
        for minute, grown in counter_growth(ordered).items():
            hour = hour_of(minute_start(minute), zone)
            growth.setdefault(key, {})[hour] = growth.get(key, {}).get(hour, 0.0) + grown
    polls: dict[datetime, list[PollMinute]] = {}
    for minute, summary in minutes.items():
        polls.setdefault(hour_of(minute_start(minute), zone), []).append(summary)
    keys = {key for _, key in buckets}
    rows = []
    hour = first
    while hour <= last:
        mine = by_hour.get(hour, {})
        users = _mean_max(mine.get(USERS, []))
        errors = _mean_max(mine.get(ERRORS, []))
        area = sum(b.area for b in mine.get(AFTERIMAGES, []))
        rows.append(HourRow(
            hour, sum(p.polls for p in polls.get(hour, [])),
            sum(p.errors for p in polls.get(hour, [])), *users, *errors,
            _mean_max(mine.get(RESPONSE, []))[0],
            tuple((growth.get(key, {}).get(hour, 0.0) if key in keys else None)
                  for key in GATE_KEYS),
            area / 60 if AFTERIMAGES in keys else None,
            downtime(outages, hour, hour + HOUR, now=now, max_age=max_age).total_seconds()))
        hour = hour_of(hour + HOUR + timedelta(minutes=1), zone)  # DST-proof next hour
    return tuple(rows)
