"""Recorded polls: every attached process renders the same numbers from the database.

Only the poller (the lease holder, see ``recorder``) writes polls; every process, the
poller included, reads them back with ``polls_since(store, last_id)`` as
``(id, PollResult)`` and feeds them to its trackers, so two screens show the same
values and the backend is polled once. Ids only grow: ``polls_since`` is a complete
incremental read of what has not been folded.

Retention. Raw polls are kept for ``RAW_KEEP`` (2 h of clock time); ``fold_old`` folds
whole older minutes into ``metric_minutes`` / ``poll_minutes`` rollups (``core.rollup``)
and deletes the raw rows, a bounded batch per short transaction. A 1 s poller writes
86,400 polls a day: folded, a day is ~13,000 small rollup rows, plus at most 2 h of raw
rows, far under 100 MB even when every health document is at its size limit. The
report's figures come from the rollups and the raw rows through the same folding, so
they do not change when rows are folded (see ``core.rollup``). Health messages,
components and per-poll errors of folded minutes are not kept (the minute keeps its
poll, error and health-status counts, and its polls as runs of out / not out with their
first and last time, so outages are timed alike after folding: ``core.outages``); the
events table keeps every level change.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.outages import judge_out
from autus_tui.core.payload import Health, Reading
from autus_tui.core.rollup import Bucket, Folder, PollMinute, Run, merge_buckets
from autus_tui.store.events import from_text, to_text
from autus_tui.store.store import Store

RAW_KEEP = timedelta(hours=2)
FOLD_BATCH_MINUTES = 30
POLL_LIMIT = 2000
POLL_COLUMNS = "id, at, readings, health, error, duration, backend_down"
"""What ``poll_from_row`` reads, in its order."""
_COLUMNS = POLL_COLUMNS


# -- one poll as a row, and back ---------------------------------------------------------


def poll_row(result: PollResult, stale_after: float) -> tuple[Any, ...]:
    readings: dict[str, float | str] = {}
    for key, reading in result.readings.items():
        if reading.value is not None:
            readings[key] = reading.value
        else:
            readings[key] = reading.problem or "no value"
    health = None
    if result.health is not None:
        health = json.dumps({
            "status": result.health.status, "message": result.health.message,
            "components": [list(c) for c in result.health.components],
        }, ensure_ascii=False)
    down = None if result.backend_down is None else int(result.backend_down)
    return (to_text(result.at), json.dumps(readings, ensure_ascii=False), health,
            result.error, result.duration, stale_after, down)


_ROW_FIELDS = ("at", "readings", "health", "error", "duration", "stale_after", "backend_down")
_INSERT = (f"INSERT INTO polls ({', '.join(_ROW_FIELDS)})"
           f" VALUES ({', '.join('?' * len(_ROW_FIELDS))})")


def insert_poll(conn: sqlite3.Connection, result: PollResult, stale_after: float) -> int:
    """Inside a write transaction the caller holds; returns the poll's id."""
    cursor = conn.execute(_INSERT, poll_row(result, stale_after))
    return int(cursor.lastrowid or 0)


def record_polls(store: Store, results: Iterable[PollResult], stale_after: float) -> None:
    """Many polls in one transaction (imports, tests)."""
    rows = [dict(zip(_ROW_FIELDS, poll_row(result, stale_after), strict=True))
            for result in results]
    with store.write() as tx:
        tx.db.table("polls").insert_all(rows, batch_size=500)


def poll_from_row(row: Sequence[Any]) -> tuple[int, PollResult]:
    poll_id, at, readings_text, health_text, error, duration, down = row
    readings: dict[str, Reading] = {}
    for key, raw in _json_object(readings_text).items():
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            readings[str(key)] = Reading(float(raw))
        else:
            readings[str(key)] = Reading(None, str(raw))
    health = None
    if health_text:
        doc = _json_object(health_text)
        components = tuple(
            (str(c[0]), str(c[1]), str(c[2])) for c in doc.get("components", [])
            if isinstance(c, list) and len(c) == 3
        )
        health = Health(str(doc.get("status", "unknown")), str(doc.get("message", "")),
                        components)
    return int(poll_id), PollResult(from_text(at), readings, health, error, float(duration),
                                    None if down is None else bool(down))


def _json_object(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


# -- reading -----------------------------------------------------------------------------


def polls_since(
    store: Store, last_id: int = 0, limit: int = POLL_LIMIT
) -> list[tuple[int, PollResult]]:
    """Polls with id > last_id, oldest first, at most ``limit``."""
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM polls WHERE id > ? ORDER BY id LIMIT ?",
                            (last_id, limit)).fetchall()
    return [poll_from_row(row) for row in rows]


def latest_polls(store: Store, count: int) -> list[tuple[int, PollResult]]:
    """The newest ``count`` polls, oldest first (a new screen's history)."""
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM polls ORDER BY id DESC LIMIT ?",
                            (count,)).fetchall()
    return [poll_from_row(row) for row in reversed(rows)]


def last_poll_id(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM polls").fetchone()[0])


# -- folding -----------------------------------------------------------------------------


def _minute(at_text: str) -> str:
    return at_text[:16]  # UTC ISO-8601: "2026-11-27T00:05"


def _values(readings_text: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in _json_object(readings_text).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _health_of(health_text: str | None) -> tuple[str | None, str]:
    """(status, message) of a stored health document; (None, "") when there is none."""
    if not health_text:
        return None, ""
    doc = _json_object(health_text)
    return str(doc.get("status", "unknown")), str(doc.get("message", ""))


def _feed(folder: Folder, row: Sequence[Any]) -> None:
    _id, at, readings_text, health_text, error, stale_after, down = row
    values = _values(readings_text)
    status, message = _health_of(health_text)
    out = judge_out(status, message, error, bool(values),
                    None if down is None else bool(down))
    folder.add(_minute(at), from_text(at).timestamp(), values, error is not None, status,
               float(stale_after), out)


_FOLD_COLUMNS = "id, at, readings, health, error, stale_after, backend_down"


def fold_old(
    store: Store, specs: Sequence[MetricSpec], now: datetime, keep: timedelta = RAW_KEEP,
    batch_minutes: int = FOLD_BATCH_MINUTES,
) -> int:
    """Fold raw polls of whole minutes older than ``now - keep`` (one batch); return how
    many polls were folded (0 when nothing is left to fold)."""
    cutoff = _minute(to_text(now - keep))
    with store.write() as tx:
        conn = tx.conn
        first = conn.execute("SELECT min(at) FROM polls WHERE at < ?", (cutoff,)).fetchone()[0]
        if first is None:
            return 0
        batch_end = min(cutoff, _minute(to_text(from_text(first) +
                                                timedelta(minutes=batch_minutes))))
        rows = conn.execute(f"SELECT {_FOLD_COLUMNS} FROM polls WHERE at < ? ORDER BY id",
                            (batch_end,)).fetchall()
        folder = Folder(specs)
        for row in rows:
            _feed(folder, row)
        later = conn.execute(f"SELECT {_FOLD_COLUMNS} FROM polls WHERE id > ? AND at >= ?"
                             " ORDER BY id", (rows[0][0], batch_end))
        for _id, at, readings_text, *_rest in later:
            if not folder.look_ahead(from_text(at).timestamp(), _values(readings_text)):
                break
        folder.finish(None)
        _store_rollups(conn, folder.buckets, folder.minutes)
        conn.executemany("DELETE FROM polls WHERE id = ?", [(row[0],) for row in rows])
        return len(rows)


def fold_all_old(store: Store, specs: Sequence[MetricSpec], now: datetime,
                 keep: timedelta = RAW_KEEP) -> int:
    """Fold batch after batch until nothing older than ``now - keep`` is left."""
    total = 0
    for _ in range(10_000):  # bounded: a batch always folds at least one minute
        folded = fold_old(store, specs, now, keep)
        if not folded:
            break
        total += folded
    return total


def _store_rollups(
    conn: sqlite3.Connection, buckets: Mapping[tuple[str, str], Bucket],
    minutes: Mapping[str, PollMinute],
) -> None:
    """Write rollups, merging into rows already there (a minute folded in two goes)."""
    for (minute, key), bucket in buckets.items():
        row = conn.execute(
            "SELECT count, sum, min, max, hist, warn_s, crit_s, area FROM metric_minutes"
            " WHERE minute = ? AND key = ?", (minute, key)).fetchone()
        if row is not None:
            old = _bucket_from(row)
            old.merge(bucket)
            bucket = old
        conn.execute(
            "INSERT OR REPLACE INTO metric_minutes (minute, key, count, sum, min, max, hist,"
            " warn_s, crit_s, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (minute, key, bucket.count, bucket.sum, bucket.min, bucket.max,
             json.dumps(dict(bucket.hist)), bucket.warn_s, bucket.crit_s, bucket.area))
    for minute, summary in minutes.items():
        row = conn.execute("SELECT polls, errors, health, runs FROM poll_minutes"
                           " WHERE minute = ?", (minute,)).fetchone()
        if row is not None:
            old_minute = _minute_from(row)
            old_minute.merge(summary)
            summary = old_minute
        conn.execute(
            "INSERT OR REPLACE INTO poll_minutes (minute, polls, errors, health, runs)"
            " VALUES (?, ?, ?, ?, ?)",
            (minute, summary.polls, summary.errors, json.dumps(dict(summary.health)),
             json.dumps([list(run) for run in summary.runs], ensure_ascii=False)))


def _bucket_from(row: Sequence[Any]) -> Bucket:
    count, total, low, high, hist, warn_s, crit_s, area = row
    counts = Counter({str(k): int(v) for k, v in _json_object(hist).items()})
    return Bucket(int(count), float(total), float(low), float(high), counts,
                  float(warn_s), float(crit_s), float(area))


def _minute_from(row: Sequence[Any]) -> PollMinute:
    polls, errors, health, runs_text = row
    counts = Counter({str(k): int(v) for k, v in _json_object(health).items()})
    return PollMinute(int(polls), int(errors), counts, _runs(runs_text))


def _runs(text: str | None) -> list[Run]:
    try:
        raw = json.loads(text) if text else []
    except ValueError:
        return []
    runs: list[Run] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 5:
            first, last, out, count, reason = item
            runs.append((float(first), float(last), bool(out), int(count), str(reason)))
    return runs


def day_buckets(
    store: Store, specs: Sequence[MetricSpec], end: datetime
) -> tuple[dict[tuple[str, str], Bucket], dict[str, PollMinute]]:
    """Every minute bucket: the stored rollups plus the raw polls folded in memory
    (the last values count until ``end``, at most their ``stale_after``)."""
    with store.read() as conn:
        stored = {(m, k): _bucket_from(rest) for m, k, *rest in conn.execute(
            "SELECT minute, key, count, sum, min, max, hist, warn_s, crit_s, area"
            " FROM metric_minutes ORDER BY minute, key")}
        stored_minutes = {m: _minute_from(rest) for m, *rest in conn.execute(
            "SELECT minute, polls, errors, health, runs FROM poll_minutes")}
        folder = Folder(specs)
        for row in conn.execute(f"SELECT {_FOLD_COLUMNS} FROM polls ORDER BY id"):
            _feed(folder, row)
    folder.finish(end.timestamp())
    buckets = merge_buckets([stored, folder.buckets])
    minutes: dict[str, PollMinute] = {}
    for group in (stored_minutes, folder.minutes):
        for minute, summary in group.items():
            minutes.setdefault(minute, PollMinute()).merge(summary)
    return buckets, minutes


def folded_minutes(store: Store) -> list[tuple[str, PollMinute]]:
    """The stored per-minute poll summaries, oldest first (their runs time outages)."""
    with store.read() as conn:
        return [(m, _minute_from(rest)) for m, *rest in conn.execute(
            "SELECT minute, polls, errors, health, runs FROM poll_minutes ORDER BY minute")]


def poll_span(store: Store) -> tuple[datetime, datetime] | None:
    """When the first and the last recorded poll happened (folded minutes included)."""
    with store.read() as conn:
        raw = conn.execute("SELECT min(at), max(at) FROM polls").fetchone()
        moments = [from_text(text) for text in raw if text]
        for order in ("ASC", "DESC"):  # a folded minute's runs keep its polls' times
            row = conn.execute("SELECT minute, runs FROM poll_minutes"
                               f" ORDER BY minute {order} LIMIT 1").fetchone()
            if row is not None:
                runs = _runs(row[1])
                moments.append(from_text(row[0]) if not runs else datetime.fromtimestamp(
                    runs[0][0] if order == "ASC" else runs[-1][1], UTC))
    return (min(moments), max(moments)) if moments else None
