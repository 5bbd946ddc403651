"""Who is attached to this database: a heartbeat row per process.

Each process (a control room, ``role="ui"``, or ``autus-tui record``,
``role="recorder"``) calls ``beat`` every ~2 s (``BEAT_EVERY``) and ``leave`` on a clean
exit. ``attached(store, now)`` lists the rows seen within ``SEEN_WITHIN`` (6 s), so a
process that died without leaving drops out within 10 s. A beat also deletes rows
unseen for ``FORGET_AFTER`` (housekeeping; nothing depends on it).

Times are real epoch seconds (``time.time``), not the rehearsal clock. Presence rows are
not events: joining and leaving are not part of the day's record.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from autus_tui.core.text import clean, operator_name
from autus_tui.store.store import Store

BEAT_EVERY = 2.0
SEEN_WITHIN = 6.0
FORGET_AFTER = 300.0
ROLES = ("ui", "recorder")


@dataclass(frozen=True)
class Member:
    operator: str
    role: str
    host: str
    pid: int
    started: float = 0.0
    seen: float = 0.0

    @property
    def id(self) -> str:
        return f"{self.host}:{self.pid}:{self.role}:{self.operator}"


def me(operator: str, role: str, started: float) -> Member:
    """This process, as it will appear to the others."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return Member(operator_name(operator) or "operator", role, clean(socket.gethostname(), 64),
                  os.getpid(), started, started)


def beat(store: Store, member: Member, now: float) -> None:
    with store.write() as tx:
        tx.conn.execute(
            "INSERT INTO presence (id, operator, role, host, pid, started, seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seen = excluded.seen",
            (member.id, member.operator, member.role, member.host, member.pid,
             member.started, now))
        tx.conn.execute("DELETE FROM presence WHERE seen < ?", (now - FORGET_AFTER,))


def leave(store: Store, member: Member) -> None:
    with store.write() as tx:
        tx.conn.execute("DELETE FROM presence WHERE id = ?", (member.id,))


def attached(store: Store, now: float, within: float = SEEN_WITHIN) -> list[Member]:
    """Everyone seen within ``within`` seconds, by operator then role."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT operator, role, host, pid, started, seen FROM presence WHERE seen > ?"
            " ORDER BY operator, role, host, pid", (now - within,)).fetchall()
    return [Member(str(o), str(r), str(h), int(p), float(st), float(se))
            for o, r, h, p, st, se in rows]
