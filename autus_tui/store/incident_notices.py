"""The delivery state of each level's notice, for the incident panel's ladder table.

A fired level (or reminder) enqueues exactly one notice whose ``dedupe`` key is
``incident:{id}:level:{level}:{seq}`` (``store.incidents.fire``). ``level_notices(conn,
ids)`` reads those rows back as ``LevelNotice`` values keyed by incident, then by
``(level, seq)``: pending, sent, failed or skipped, how many attempts, the last error
(which names the host only, never the webhook's URL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from autus_tui.store.outbox import FAILED, PENDING, SENT, SKIPPED

PREFIX = "incident:"


@dataclass(frozen=True)
class LevelNotice:
    state: str
    """pending / sent / failed / skipped."""
    attempts: int
    last_error: str | None

    @property
    def word(self) -> str:
        """``sent``, ``retrying (2)``, ``pending``, ``FAILED``, ``skipped``."""
        if self.state == PENDING:
            return f"retrying ({self.attempts})" if self.attempts and self.last_error \
                else "pending"
        return {SENT: "sent", FAILED: "FAILED", SKIPPED: "skipped"}.get(self.state, self.state)


def dedupe_key(incident_id: int, level: int, seq: int) -> str:
    return f"{PREFIX}{incident_id}:level:{level}:{seq}"


def _parse(key: str) -> tuple[int, int, int] | None:
    parts = key.split(":")
    if len(parts) != 5 or parts[0] != "incident" or parts[2] != "level":
        return None
    try:
        return int(parts[1]), int(parts[3]), int(parts[4])
    except ValueError:
        return None


def level_notices(
    conn: sqlite3.Connection, incident_ids: Iterable[int]
) -> dict[int, dict[tuple[int, int], LevelNotice]]:
    """Inside a read: incident id → (level, seq) → its notice."""
    subjects = [str(incident_id) for incident_id in incident_ids]
    found: dict[int, dict[tuple[int, int], LevelNotice]] = {}
    if not subjects:
        return found
    marks = ", ".join("?" for _ in subjects)
    rows = conn.execute(
        f"SELECT dedupe, state, attempts, last_error FROM outbox WHERE subject IN ({marks})"
        " AND dedupe LIKE 'incident:%'", subjects).fetchall()
    for dedupe, state, attempts, last_error in rows:
        key = _parse(str(dedupe))
        if key is not None:
            found.setdefault(key[0], {})[(key[1], key[2])] = LevelNotice(
                str(state), int(attempts), last_error)
    return found
