"""Notes and handovers: both are events, so they are on the timeline and in the report.

A note is an event of kind ``note``: the operator and time are the event's, the text is
``detail.text`` — cleaned first (``clean_note``: control characters and escape sequences
removed, newlines kept, at most ``MAX_NOTE`` characters, at most ``MAX_LINES`` lines,
not empty). Cleaning happens before the write, so every reader gets safe text; showing
it without markup parsing is still the UI's job (``ui.safe``).

A handover (``take_over``) is an event of kind ``handover`` with ``detail.from`` (the
on-call before, "" when none) and ``detail.to``; the current on-call is kept in the
``meta`` row ``oncall`` in the same transaction, so it is one cheap read
(``current_oncall``). ``notes_since_shift`` lists the notes of the shift being handed
over (``core.shifts.handover_window``): after the take-over that began the previous
on-call's shift once someone took over from them, else after the current on-call's
take-over, else all. So a take-over never hides the notes of the shift it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from autus_tui.core.shifts import TakeOver, handover_window, shifts
from autus_tui.core.text import strip_controls
from autus_tui.store.events import Event
from autus_tui.store.meta import set_meta
from autus_tui.store.store import Store

NOTE, HANDOVER = "note", "handover"
ONCALL_KEY = "oncall"
MAX_NOTE = 2000
MAX_LINES = 40


def clean_note(text: str) -> str:
    """The text as stored: printable, newlines kept, trimmed, bounded. Empty → ValueError."""
    cleaned = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    lines = [line.rstrip() for line in cleaned.split("\n")]
    body = "\n".join(lines[:MAX_LINES]).strip("\n").strip()
    if not body:
        raise ValueError("a note needs some text")
    if len(body) > MAX_NOTE:
        body = body[: MAX_NOTE - 1] + "…"
    return body


def add_note(store: Store, operator: str, text: str) -> Event:
    if not operator:
        raise ValueError("an operator is needed")
    body = clean_note(text)
    with store.write() as tx:
        return tx.event(operator, NOTE, "", {"text": body})


@dataclass(frozen=True)
class Handover:
    event: Event
    previous: str
    oncall: str


def take_over(store: Store, operator: str) -> Handover:
    """``operator`` becomes the on-call; recorded even if they already were."""
    if not operator:
        raise ValueError("an operator is needed")
    with store.write() as tx:
        row = tx.conn.execute("SELECT value FROM meta WHERE key = ?", (ONCALL_KEY,)).fetchone()
        previous = "" if row is None else str(row[0])
        set_meta(tx.conn, ONCALL_KEY, operator)
        event = tx.event(operator, HANDOVER, operator, {"from": previous, "to": operator})
    return Handover(event, previous, operator)


def current_oncall(store: Store) -> str | None:
    return store.get_meta(ONCALL_KEY)


def last_handover(store: Store) -> Event | None:
    found = store.timeline(kinds=[HANDOVER], limit=1)
    return found[0] if found else None


def notes(store: Store, after_id: int = 0, limit: int = 1000) -> list[Event]:
    """Notes with event id > ``after_id``, oldest first."""
    newest = store.timeline(kinds=[NOTE], limit=limit)
    return [event for event in reversed(newest) if event.id > after_id]


def handovers(store: Store, limit: int = 1000) -> list[Event]:
    """Take-overs, oldest first (the newest ``limit``)."""
    return list(reversed(store.timeline(kinds=[HANDOVER], limit=limit)))


def notes_since_shift(store: Store) -> tuple[Event | None, list[Event]]:
    """The take-over that began the shift being handed over (``None``: nobody took over
    yet) and the notes after it (see the module doc)."""
    found = handovers(store)
    taken = shifts([TakeOver(e.at, str(e.detail.get("to") or e.operator),
                             str(e.detail.get("from") or ""), e.id) for e in found])
    window = handover_window(taken)
    began = next((e for e in found if e.id == window.start_id), None)
    return began, notes(store, window.start_id)
