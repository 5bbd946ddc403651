"""Signals and outage timing read from the recorded polls (every screen sees the same).

``suggestions(store, matrix, config, clock)``: the matrix rows the latest recorded polls
suggest, most severe first (``core.signals.suggest``), the declare dialog's default.
``outage_condition(store, config, clock)``: the rollback condition 전체 서비스 30분 이상 중단
judged on the ongoing outage, with its evidence (``core.signals.full_outage``).
``recorded_outages(store)``: every outage recorded, folded minutes included
(``services.downtime``, which also finds the ongoing one).

Ages. The poller backs off to one poll per ``MAX_BACKOFF`` seconds while the backend
fails, so the latest poll counts as current for the stale window plus that pause (both at
the clock's speed). The ongoing outage is found in SQL (``services.downtime``: the last poll
that was *not* out, by the rule of ``core.outages``), so a 35-minute outage costs one
indexed query, not 2,000 decoded polls; one that began before the oldest raw poll is timed
from the folded minutes.
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
    suggest,
)
from autus_tui.services.downtime import day_outages, ongoing_outage
from autus_tui.sources.poller import MAX_BACKOFF
from autus_tui.store.events import to_text
from autus_tui.store.samples import POLL_COLUMNS, poll_from_row
from autus_tui.store.store import Store

_COLUMNS = POLL_COLUMNS
_DECODED: WeakKeyDictionary[Store, dict[int, PollResult]] = WeakKeyDictionary()
"""Polls decoded by ``polls_since``, by store and poll id."""


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


def outage_condition(
    store: Store, config: Config, clock: Clock, zone: tzinfo | None = None,
) -> OutageCondition:
    """전체 서비스 30분 이상 중단, judged now (times in the evidence in ``zone``, by default
    the launch timezone)."""
    outage, before_oldest = ongoing_outage(store)
    return full_outage(outage, clock.now(), max_age=max_age(config, clock),
                       zone=zone or config.launch.zone, since_at_least=before_oldest)


def recorded_outages(store: Store) -> tuple[Outage, ...]:
    """Every outage recorded, oldest first (folded minutes included)."""
    return day_outages(store)
