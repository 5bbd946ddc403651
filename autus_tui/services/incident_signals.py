"""Signals and outage timing read from the recorded polls (every screen sees the same).

``suggestions(store, matrix, config, clock)``: the matrix rows the latest recorded polls
suggest, most severe first (``core.signals.suggest``), the declare dialog's default.
``outage_condition(store, config, clock)``: the rollback condition 전체 서비스 30분 이상 중단
judged on the ongoing outage, with its evidence (``core.signals.full_outage``).
``recorded_outages(store)``: every outage in the raw polls kept (2 h), for the report.

Ages. The poller backs off to one poll per ``MAX_BACKOFF`` seconds while the backend
fails, so the latest poll counts as current for the stale window plus that pause (both at
the clock's speed). The ongoing outage is found in SQL (the last poll that was *not* out,
by the same rule as ``core.signals.poll_is_out``; the tests hold the two to each other), so
a 35-minute outage costs one indexed query, not 2,000 decoded polls. Polls older than the
raw window are folded into minutes that keep no health detail: an outage that began
before the oldest raw poll is reported as "since at least" that poll.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from weakref import WeakKeyDictionary

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.incident_matrix import IncidentMatrix, Rises
from autus_tui.core.observations import PollResult
from autus_tui.core.series import stale_window
from autus_tui.core.signals import (
    Outage,
    OutageCondition,
    Suggestion,
    full_outage,
    out_reason,
    outages,
    suggest,
)
from autus_tui.sources.poller import MAX_BACKOFF
from autus_tui.store.events import from_text, to_text
from autus_tui.store.samples import poll_from_row
from autus_tui.store.store import Store

_COLUMNS = "id, at, readings, health, error, duration"
_DECODED: WeakKeyDictionary[Store, dict[int, PollResult]] = WeakKeyDictionary()
"""Polls decoded by ``polls_since``, by store and poll id."""
_OUT = ("(coalesce(CASE WHEN json_valid(health) THEN json_extract(health, '$.status') END, '')"
        " = 'down' OR (health IS NULL AND error IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
        " json_each(CASE WHEN json_valid(readings) THEN readings ELSE '{}' END)"
        " WHERE json_each.type IN ('integer', 'real'))))")


def max_age(config: Config, clock: Clock) -> timedelta:
    """How old the latest poll may be and still tell how things are now."""
    interval = max(config.backend.interval, MAX_BACKOFF)
    return stale_window(config.backend.interval, clock.speed) + timedelta(
        seconds=interval * clock.speed)


def polls_since(store: Store, since: datetime) -> list[PollResult]:
    """Raw polls at or after ``since``, oldest first.

    A recorded poll never changes, so each is decoded once per store and kept while it is
    still asked for: the timer strip asks for the last minutes of polls every 2 s, and
    decoding them all again was a seventh of the control room's steady CPU."""
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM polls WHERE at >= ? ORDER BY id",
                            (to_text(since),)).fetchall()
    known = _DECODED.setdefault(store, {})
    polls = []
    for row in rows:
        poll = known.get(row[0])
        if poll is None:
            poll = known[row[0]] = poll_from_row(row)[1]
        polls.append(poll)
    if len(known) > 2 * len(rows) + 64:  # forget what fell out of the window
        asked = {row[0] for row in rows}
        for poll_id in [poll_id for poll_id in known if poll_id not in asked]:
            del known[poll_id]
    return polls


def suggestions(
    store: Store, matrix: IncidentMatrix, config: Config, clock: Clock
) -> tuple[Suggestion, ...]:
    now = clock.now()
    windows = [c.window for row in matrix.rows for c in row.signal if isinstance(c, Rises)]
    reach = max(windows, default=timedelta(0)) + max_age(config, clock)
    return suggest(matrix, polls_since(store, now - reach), now, max_age=max_age(config, clock))


def ongoing_outage(store: Store) -> tuple[Outage | None, bool]:
    """The outage going on at the latest raw poll, and whether it began before the oldest
    raw poll kept (``since at least``)."""
    with store.read() as conn:
        last_up = conn.execute(f"SELECT max(id) FROM polls WHERE NOT {_OUT}").fetchone()[0]
        after = -1 if last_up is None else int(last_up)
        first = conn.execute(f"SELECT {_COLUMNS} FROM polls WHERE id > ? ORDER BY id LIMIT 1",
                             (after,)).fetchone()
        if first is None:
            return None, False
        count, last_at = conn.execute("SELECT count(*), max(at) FROM polls WHERE id > ?",
                                      (after,)).fetchone()
        folded = conn.execute("SELECT count(*) FROM poll_minutes").fetchone()[0]
    _id, poll = poll_from_row(first)
    outage = Outage(poll.at, None, from_text(last_at), int(count), out_reason(poll))
    return outage, last_up is None and int(folded) > 0


def outage_condition(
    store: Store, config: Config, clock: Clock, zone: tzinfo | None = None,
) -> OutageCondition:
    """전체 서비스 30분 이상 중단, judged now (times in the evidence in ``zone``, by default
    the launch timezone)."""
    outage, before_oldest = ongoing_outage(store)
    return full_outage(outage, clock.now(), max_age=max_age(config, clock),
                       zone=zone or config.launch.zone, since_at_least=before_oldest)


def recorded_outages(store: Store) -> tuple[Outage, ...]:
    """Every outage in the raw polls kept, oldest first."""
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM polls ORDER BY id").fetchall()
    return outages([poll_from_row(row)[1] for row in rows])
