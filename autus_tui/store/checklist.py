"""Checklist marks: the current state of each item, written as an intent.

``mark(item, DONE, "bob")`` says what the item should be, never "toggle". In one
transaction it reads the item's state, updates it (unless it already is in that state)
and appends an event. If it already was in that state the mark keeps its first author
and time, the new event is still appended (``detail.already = true``), and the result
says so: "already done by alice at 09:01". So two operators marking at once end with one
recorded state and both events.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from autus_tui.core.marks import Mark
from autus_tui.core.runbook import ItemState
from autus_tui.core.text import operator_name
from autus_tui.store.events import Event, append, from_text, to_text

EVENT_KINDS = {ItemState.DONE: "checklist.done", ItemState.NA: "checklist.na",
               ItemState.OPEN: "checklist.undo"}
VERIFY_KIND = "checklist.verify"
MAX_REASON = 500


@dataclass(frozen=True)
class MarkResult:
    mark: Mark
    """The item's state after the write (the earlier mark when it was already so)."""
    event: Event
    already: bool
    """The item already was in the asked state; ``mark`` tells by whom and when."""

    def already_text(self, zone: tzinfo) -> str | None:
        """``already done by alice at 09:01`` (``None`` when the write changed the state)."""
        if not self.already:
            return None
        word = {ItemState.DONE: "done", ItemState.NA: "not applicable",
                ItemState.OPEN: "open"}[self.mark.state]
        if not self.mark.operator:
            return f"already {word}"
        return f"already {word} by {self.mark.operator} at {self.mark.at.astimezone(zone):%H:%M}"


def write_mark(
    conn: sqlite3.Connection, at: datetime, item_id: str, state: ItemState, operator: str,
    reason: str | None,
) -> MarkResult:
    """The body of one write transaction (the caller began it)."""
    if not item_id:
        raise ValueError("an item id is needed")
    operator = operator_name(operator)  # cleaned and capped where it is stored
    if not operator:
        raise ValueError("an operator is needed")
    reason = reason.strip()[:MAX_REASON] if reason else None
    if state is ItemState.NA and not reason:
        raise ValueError("not applicable needs a reason")
    before = read_mark(conn, item_id)
    already = (before.state if before else ItemState.OPEN) is state
    detail: dict[str, Any] = {"state": state.value}
    if reason:
        detail["reason"] = reason
    if before is not None:
        detail["before"] = {"state": before.state.value, "operator": before.operator,
                            "at": to_text(before.at)}
    if already:
        detail["already"] = True
    event = append(conn, at, operator, EVENT_KINDS[state], item_id, detail)
    if already:
        result = before or Mark(item_id, ItemState.OPEN, "", at)
        return MarkResult(result, event, True)
    conn.execute(
        "INSERT INTO checklist_marks (item_id, state, operator, at, reason, event_id) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET state = excluded.state,"
        " operator = excluded.operator, at = excluded.at, reason = excluded.reason,"
        " event_id = excluded.event_id",
        (item_id, state.value, operator, to_text(at), reason, event.id),
    )
    return MarkResult(Mark(item_id, state, operator, event.at, reason, event.id), event, False)


def read_mark(conn: sqlite3.Connection, item_id: str) -> Mark | None:
    row = conn.execute(
        "SELECT item_id, state, operator, at, reason, event_id FROM checklist_marks"
        " WHERE item_id = ?", (item_id,),
    ).fetchone()
    return _from_row(row) if row else None


def read_marks(conn: sqlite3.Connection) -> dict[str, Mark]:
    rows = conn.execute(
        "SELECT item_id, state, operator, at, reason, event_id FROM checklist_marks"
    )
    return {mark.item_id: mark for mark in map(_from_row, rows)}


def _from_row(row: tuple[Any, ...]) -> Mark:
    item_id, state, operator, at, reason, event_id = row
    return Mark(item_id, ItemState(state), operator, from_text(at), reason, int(event_id))
