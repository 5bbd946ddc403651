"""Facts of the day read from the store, shared by the report and the handover view.

- ``level_changes(store, specs)``: the recorded held level changes (``metric.level``
  events), oldest first, as ``core.episodes.Change``; ``levels_at(changes, at)`` the level
  of each metric at a moment (its last change before it);
- ``day_shifts(store)``: the on-call shifts from the take-overs (``core.shifts``);
- ``last_verdicts(store)``: item id → its last verify event;
- ``peak_reader(buckets, specs)``: the worst value polled between two moments, from the
  minute rollups (``core.rollup``), to refine an episode's peak;
- ``worse_for(specs)``: "is this value worse?" by each metric's direction;
- ``is_rehearsal(store, config)``: the database says so (``is_rehearsal_mode``:
  ``store.mode``), or the run does.

Every read is bounded (``MAX_EVENTS``, newest kept).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from autus_tui.core.config import Config
from autus_tui.core.episodes import Change
from autus_tui.core.levels import Direction, Level
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.rollup import Bucket
from autus_tui.core.shifts import Shift, TakeOver, shifts
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.store import Event, Store
from autus_tui.store.checklist import VERIFY_KIND
from autus_tui.store.events import to_text
from autus_tui.store.mode import REHEARSAL, read_mode
from autus_tui.store.notes import HANDOVER

MAX_EVENTS = 20_000


def oldest_first(store: Store, kinds: Sequence[str]) -> list[Event]:
    return list(reversed(store.timeline(kinds=list(kinds), limit=MAX_EVENTS)))


def _level(raw: object) -> Level | None:
    try:
        return Level(str(raw))
    except ValueError:
        return None


def level_changes(store: Store) -> list[Change]:
    out = []
    for event in oldest_first(store, [LEVEL_EVENT]):
        after = _level(event.detail.get("after"))
        value = event.detail.get("value")
        if after is not None:
            out.append(Change(event.at, event.subject, after,
                              float(value) if isinstance(value, (int, float)) else None))
    return out


def levels_at(changes: Sequence[Change], at: datetime) -> dict[str, Level]:
    """Each metric's held level at ``at`` (from its last change before it)."""
    levels: dict[str, Level] = {}
    for change in changes:
        if change.at < at:
            levels[change.key] = change.after
    return levels


def day_shifts(store: Store) -> tuple[Shift, ...]:
    return shifts([TakeOver(e.at, str(e.detail.get("to") or e.operator),
                            str(e.detail.get("from") or ""), e.id)
                   for e in oldest_first(store, [HANDOVER])])


def last_verdicts(store: Store) -> dict[str, Event]:
    found: dict[str, Event] = {}
    for event in oldest_first(store, [VERIFY_KIND]):
        found[event.subject] = event
    return found


def worse_for(specs: Sequence[MetricSpec]) -> Callable[[str, float, float], bool]:
    lower = {s.key for s in specs
             if s.thresholds is not None and s.thresholds.direction is Direction.LOWER_IS_WORSE}

    def worse(key: str, a: float, b: float) -> bool:
        return a < b if key in lower else a > b

    return worse


def peak_reader(
    buckets: Mapping[tuple[str, str], Bucket], specs: Sequence[MetricSpec],
) -> Callable[[str, datetime, datetime], float | None]:
    worse = worse_for(specs)
    by_key: dict[str, list[tuple[str, Bucket]]] = {}
    for (minute, key), bucket in sorted(buckets.items()):
        by_key.setdefault(key, []).append((minute, bucket))

    def peak(key: str, start: datetime, end: datetime) -> float | None:
        first, last = to_text(start)[:16], to_text(end)[:16]
        found: float | None = None
        for minute, bucket in by_key.get(key, []):
            if first <= minute <= last and bucket.count:
                for value in (bucket.max, bucket.min):
                    if found is None or worse(key, value, found):
                        found = value
        return found

    return peak


def is_rehearsal(store: Store, config: Config) -> bool:
    return config.rehearsal or is_rehearsal_mode(store)


def is_rehearsal_mode(store: Store) -> bool:
    """The database was made for a rehearsal (``store.mode``)."""
    return read_mode(store) == REHEARSAL
