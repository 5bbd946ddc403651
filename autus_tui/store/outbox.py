"""The notification outbox: notices written with the change they tell of, sent later.

``enqueue(tx, text=..., rehearsal=...)`` adds a row inside the caller's write transaction
(a fired level and its notice commit together, or neither does). Any process may deliver
(``services.notifier``): ``claim`` takes the oldest row that is due, in one short write
transaction, and marks it claimed until ``now + ttl``, so no other process takes it
while this one sends (the claim outlives the HTTP timeout); ``finish`` records the outcome
only if the claim is still this holder's, with an event for the timeline:

  ``notify.sent``     delivered;
  ``notify.retry``    this attempt failed (``detail.error``, host only), tried again later;
  ``notify.failed``   given up (a 4xx answer, or too many attempts);
  ``notify.skipped``  nowhere to send it (no webhook configured for live / rehearsal).

``next_try`` and the claim are *real* epoch seconds (like leases): back-off is about a
real HTTP endpoint, not the rehearsal clock. ``dedupe`` (unique) keeps one notice per key
however many times it is enqueued. Subjects are incident ids (``"3"``), so a screen can
show the delivery state of one incident (``summary``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from autus_tui.store.events import from_text, to_text
from autus_tui.store.store import Store, Transaction

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
OUTCOMES = (SENT, "retry", FAILED, SKIPPED)
_COLUMNS = ("id, created_at, subject, text, rehearsal, state, attempts, next_try, claimed_by,"
            " claim_until, last_error, done_at")


@dataclass(frozen=True)
class Notice:
    id: int
    created_at: datetime
    subject: str
    text: str
    rehearsal: bool
    state: str
    """pending / sent / failed / skipped."""
    attempts: int
    next_try: float
    claimed_by: str | None
    claim_until: float
    last_error: str | None
    done_at: datetime | None


@dataclass(frozen=True)
class DeliverySummary:
    """The notices of one subject, for a screen: how many in each state, the last error."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    last_error: str | None = None
    """Of the newest notice that has one (host only, never the URL)."""


def enqueue(
    tx: Transaction, *, text: str, rehearsal: bool, dedupe: str | None = None,
    subject: str = "",
) -> int | None:
    """Add a notice in ``tx``; its id, or ``None`` when ``dedupe`` was enqueued before."""
    cursor = tx.conn.execute(
        "INSERT OR IGNORE INTO outbox (created_at, subject, text, rehearsal, dedupe)"
        " VALUES (?, ?, ?, ?, ?)", (to_text(tx.at), subject, text, int(rehearsal), dedupe))
    return int(cursor.lastrowid or 0) if cursor.rowcount else None


def _from_row(row: Sequence[Any]) -> Notice:
    (notice_id, created, subject, text, rehearsal, state, attempts, next_try, claimed_by,
     claim_until, last_error, done_at) = row
    return Notice(int(notice_id), from_text(created), subject, text, bool(rehearsal), state,
                  int(attempts), float(next_try), claimed_by, float(claim_until), last_error,
                  from_text(done_at) if done_at else None)


_DUE = "state = 'pending' AND next_try <= ? AND claim_until <= ?"


def claim(store: Store, holder: str, now: float, ttl: float) -> Notice | None:
    """Take the oldest due notice for ``ttl`` seconds (``None``: nothing to send)."""
    with store.read() as conn:  # reads never wait: most calls find nothing to do
        if conn.execute(f"SELECT 1 FROM outbox WHERE {_DUE} LIMIT 1", (now, now)).fetchone() \
                is None:
            return None
    with store.write() as tx:
        row = tx.conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE {_DUE} ORDER BY id LIMIT 1",
                              (now, now)).fetchone()
        if row is None:
            return None
        tx.conn.execute("UPDATE outbox SET claimed_by = ?, claim_until = ?,"
                        " attempts = attempts + 1 WHERE id = ?", (holder, now + ttl, row[0]))
    notice = _from_row(row)
    return replace(notice, claimed_by=holder, claim_until=now + ttl, attempts=notice.attempts + 1)


def finish(
    store: Store, notice: Notice, holder: str, outcome: str, *, error: str | None = None,
    next_try: float = 0.0, host: str = "",
) -> bool:
    """Record how sending ``notice`` went; False when the claim was no longer ``holder``'s
    (it expired and another process took the notice: then that one records it)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    state = PENDING if outcome == "retry" else outcome
    with store.write() as tx:
        row = tx.conn.execute("SELECT claimed_by, state FROM outbox WHERE id = ?",
                              (notice.id,)).fetchone()
        if row is None or row[0] != holder or row[1] != PENDING:
            return False
        done = None if state == PENDING else to_text(tx.at)
        tx.conn.execute(
            "UPDATE outbox SET state = ?, next_try = ?, claimed_by = NULL, claim_until = 0,"
            " last_error = coalesce(?, last_error), done_at = ? WHERE id = ?",
            (state, next_try, error, done, notice.id))
        detail: dict[str, Any] = {"notice": notice.id, "attempt": notice.attempts,
                                  "rehearsal": notice.rehearsal, "holder": holder}
        if host:
            detail["host"] = host
        if error:
            detail["error"] = error
        tx.event("system", f"notify.{outcome}", notice.subject, detail)
    return True


# -- reading ------------------------------------------------------------------------------


def notices(store: Store, subject: str | None = None, limit: int = 200) -> list[Notice]:
    """Newest first, of one subject or all."""
    where, params = ("WHERE subject = ?", [subject]) if subject is not None else ("", [])
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM outbox {where} ORDER BY id DESC LIMIT ?",
                            [*params, limit]).fetchall()
    return [_from_row(row) for row in rows]


def summary(conn: sqlite3.Connection, subject: str) -> DeliverySummary:
    """Inside a read: the delivery state of one subject's notices."""
    counts = dict(conn.execute("SELECT state, count(*) FROM outbox WHERE subject = ?"
                               " GROUP BY state", (subject,)).fetchall())
    error = conn.execute("SELECT last_error FROM outbox WHERE subject = ? AND last_error IS NOT"
                         " NULL ORDER BY id DESC LIMIT 1", (subject,)).fetchone()
    return DeliverySummary(int(counts.get(PENDING, 0)), int(counts.get(SENT, 0)),
                           int(counts.get(FAILED, 0)), int(counts.get(SKIPPED, 0)),
                           error[0] if error else None)


def pending_count(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'")
                   .fetchone()[0])
