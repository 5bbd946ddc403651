"""Downtime read from the store: every outage of the day, folded minutes included.

``day_outages(store)``: every outage (``core.outages``), oldest first, timed from the
minutes folded out of the raw polls (each keeps its polls as runs of out / not out with
their first and last time: ``core.rollup``) and then the raw polls kept (2 h), so an
outage reads the same before and after its polls are folded. Raw polls are judged in SQL
(``OUT_SQL``, the rule of ``core.outages.judge_out`` on a stored row; the tests hold the
two to each other): a day's check is one indexed scan, and only the first poll of each run
of out polls is decoded (for its reason).

``ongoing_outage(store)``: the outage going on at the latest raw poll, found with two
indexed queries; when it began before the oldest raw poll kept, its start is read from
the folded minutes (``since_at_least`` only when those do not tell either).

``day_marks`` are every poll as out / not out (what both read); ``day_coverage`` the
spans in which polls were being recorded (a level is not news across a gap in the
record: ``core.episodes``). ``availability(found, start, end, now)``: the share of
``start``–``end`` not in an outage.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from autus_tui.core.outages import (
    Outage,
    PollMark,
    downtime,
    mark_of,
    minute_marks,
    outage_runs,
    polled_spans,
)
from autus_tui.core.series import STALE_INTERVALS
from autus_tui.sources.poller import MAX_BACKOFF
from autus_tui.store import samples
from autus_tui.store.events import from_text
from autus_tui.store.store import Store

OUT_SQL = (
    "(CASE WHEN coalesce(health, '') <> '' THEN coalesce(CASE WHEN json_valid(health)"
    " THEN json_extract(health, '$.status') END, 'unknown') = 'down'"
    " WHEN backend_down IS NOT NULL THEN backend_down = 1"
    " ELSE error IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(CASE WHEN"
    " json_valid(readings) THEN readings ELSE '{}' END)"
    " WHERE json_each.type IN ('integer', 'real')) END)"
)
"""A stored poll is out (``core.outages.judge_out`` on its columns)."""


def _raw_marks(store: Store) -> list[PollMark]:
    with store.read() as conn:
        rows = conn.execute(f"SELECT id, at, {OUT_SQL} FROM polls ORDER BY id").fetchall()
        starts = [poll_id for n, (poll_id, _at, out) in enumerate(rows)
                  if out and (n == 0 or not rows[n - 1][2])]
        firsts: dict[int, PollMark] = {}
        for poll_id in starts:  # the first poll of each run: its reason
            row = conn.execute(f"SELECT {samples.POLL_COLUMNS} FROM polls WHERE id = ?",
                               (poll_id,)).fetchone()
            firsts[poll_id] = mark_of(samples.poll_from_row(row)[1])
    return [firsts.get(poll_id) or PollMark(from_text(at), bool(out))
            for poll_id, at, out in rows]


def _folded_marks(store: Store) -> list[PollMark]:
    return [mark for minute, summary in samples.folded_minutes(store)
            for mark in minute_marks(minute, summary)]


def day_marks(store: Store) -> list[PollMark]:
    """Every poll recorded as out / not out, oldest first: the folded minutes' runs, then
    the raw polls."""
    return [*_folded_marks(store), *_raw_marks(store)]


def day_outages(store: Store) -> tuple[Outage, ...]:
    """Every outage recorded, oldest first: the folded minutes, then the raw polls."""
    return outage_runs(day_marks(store))


def stale_span(store: Store, default: float = 3.0) -> timedelta:
    """How long a recorded value counts at most (the polls' own ``stale_after``)."""
    with store.read() as conn:
        seconds = conn.execute("SELECT max(stale_after) FROM polls").fetchone()[0]
    return timedelta(seconds=float(seconds) if seconds is not None else default)


def day_coverage(
    store: Store, marks: list[PollMark], interval: float = 1.0,
) -> list[tuple[datetime, datetime]] | None:
    """When polls were being recorded (``core.outages.polled_spans``); ``None`` when no
    poll is recorded at all (nothing to tell the record's gaps by). Polls may be as far
    apart as the poller's longest back-off (``MAX_BACKOFF`` real seconds, at the clock's
    pace, which the stored stale window carries: ``STALE_INTERVALS`` intervals)."""
    if not marks:
        return None
    stale = stale_span(store, STALE_INTERVALS * interval)
    pace = stale / (STALE_INTERVALS * interval)  # clock seconds per real second
    return polled_spans(marks, stale, pace * max(interval, MAX_BACKOFF) * 1.5)


def ongoing_outage(store: Store) -> tuple[Outage | None, bool]:
    """The outage going on at the latest raw poll, and whether it began no later than its
    start but that start is not known (``since at least``)."""
    with store.read() as conn:
        last_up = conn.execute(f"SELECT max(id) FROM polls WHERE NOT {OUT_SQL}").fetchone()[0]
        after = -1 if last_up is None else int(last_up)
        first = conn.execute(f"SELECT {samples.POLL_COLUMNS} FROM polls WHERE id > ?"
                             " ORDER BY id LIMIT 1", (after,)).fetchone()
        if first is None:
            return None, False
        count, last_at = conn.execute("SELECT count(*), max(at) FROM polls WHERE id > ?",
                                      (after,)).fetchone()
        folded = conn.execute("SELECT count(*) FROM poll_minutes").fetchone()[0]
    mark = mark_of(samples.poll_from_row(first)[1])
    outage = Outage(mark.at, None, from_text(last_at), int(count), mark.reason)
    if last_up is not None or not folded:
        return outage, False
    # Down since before the oldest raw poll: the folded minutes tell since when.
    marks = _folded_marks(store)
    earlier = outage_runs(marks)
    if earlier and earlier[-1].ongoing:
        start = earlier[-1]
        known = any(not mark.out for mark in marks)
        return Outage(start.start, None, outage.last_out, start.polls + outage.polls,
                      start.reason), not known
    return outage, False


def availability(
    found: tuple[Outage, ...], start: datetime, end: datetime, now: datetime,
    max_age: timedelta | None = None,
) -> float | None:
    """The share of ``start``–``end`` not in an outage (``None`` for an empty span)."""
    span = (end - start).total_seconds()
    if span <= 0:
        return None
    down = downtime(found, start, end, now=now, max_age=max_age).total_seconds()
    return max(0.0, 1.0 - down / span)
