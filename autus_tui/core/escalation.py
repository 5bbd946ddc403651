"""The escalation ladder: levels fire at offsets from declaring, computed, never counted down.

Configuration (``[escalation]``, parsed by ``parse_escalation``)::

    [escalation]
    levels = [
      { name = "L1", who = "On-call 엔지니어", minutes = 0 },
      { name = "L2", who = "백엔드 리드", minutes = 15 },
      { name = "L3", who = "CTO / 최종 의사결정자", minutes = 30 },
    ]
    reminder_minutes = 10     # optional: the top level again every 10 min while unresolved

The default is the seed's path ("15분 / 30분 내 해결 불가"). ``core.escalation_config``
parses and checks it (offsets increase, none empty, no negative minute: ``ConfigError``
naming the key).

The ladder of one incident is a pure function of what is stored (``LadderState``: when it
was declared, the policy copied in then, the levels fired and when, resolved / reopened)
and the clock's ``now``:
  * level ``i`` is due at ``declared_at + minutes_i``; after a reopen, the levels above the
    highest one reached come that long after the reopen as they came after it before
    (``reopened_at + minutes_i - minutes_reached``), so it goes on from where it was;
  * a level fires once (``seq`` 0); with ``reminder_minutes`` the top level repeats
    (``seq`` 1, 2, ...) every N minutes after its last firing (or the reopen) while unresolved;
  * a firing more than ``grace`` after its due time is *late*: nothing was running then.
    The grace scales with the clock's speed (``late_grace``): at 60x a 1 s step is a minute;
  * acknowledging changes nothing here; resolving stops everything.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

LATE_GRACE = timedelta(seconds=30)
REASON_SCHEDULE, REASON_ESCALATE, REASON_REMINDER = "schedule", "escalate", "reminder"


@dataclass(frozen=True)
class LadderLevel:
    name: str
    """``L1``."""
    who: str
    """Whom it pages: ``On-call 엔지니어``."""
    minutes: float
    """After declaring."""

    @property
    def offset(self) -> timedelta:
        return timedelta(minutes=self.minutes)


DEFAULT_LEVELS = (
    LadderLevel("L1", "On-call 엔지니어", 0),
    LadderLevel("L2", "백엔드 리드", 15),
    LadderLevel("L3", "CTO / 최종 의사결정자", 30),
)


@dataclass(frozen=True)
class EscalationPolicy:
    levels: tuple[LadderLevel, ...] = DEFAULT_LEVELS
    reminder_minutes: float | None = None

    def to_json(self) -> dict[str, Any]:
        """What an incident stores (the policy is copied in when it is declared)."""
        return {"levels": [{"name": lvl.name, "who": lvl.who, "minutes": lvl.minutes}
                           for lvl in self.levels],
                "reminder_minutes": self.reminder_minutes}


# -- the ladder of one incident -------------------------------------------------------------


class RowState(enum.Enum):
    PENDING = "pending"
    DUE = "due"
    """Its time has come; the next step of any process fires it."""
    FIRED = "fired"
    LATE = "fired late"
    STOPPED = "stopped"
    """Resolved before it fired."""


@dataclass(frozen=True)
class Firing:
    """One stored firing: a level (``seq`` 0) or a reminder of the top level (1, 2, ...)."""

    level: int
    """Index into the policy's levels (0 = the first)."""
    seq: int
    due: datetime
    at: datetime
    late: bool = False
    reason: str = REASON_SCHEDULE
    by: str = ""
    """Who escalated by hand (empty for the timer)."""
    note: str = ""
    """The reason given for escalating by hand."""


@dataclass(frozen=True)
class LadderState:
    declared_at: datetime
    policy: EscalationPolicy
    firings: tuple[Firing, ...] = ()
    resolved_at: datetime | None = None
    """``None`` while unresolved (also after a reopen)."""
    reopened_at: datetime | None = None
    """The last reopen."""
    reopen_from: int = -1
    """The highest level reached when it was last reopened (-1: none)."""

    @property
    def open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class Due:
    """A firing that should happen now (``due_now``)."""

    level: int
    seq: int
    due: datetime
    late: bool
    reason: str


@dataclass(frozen=True)
class LadderRow:
    index: int
    name: str
    who: str
    fires_at: datetime | None
    """When it fires (or fired: its due time); ``None`` when stopped."""
    fired_at: datetime | None
    state: RowState
    countdown: timedelta | None
    """Until it fires, while pending (zero when due); ``None`` otherwise."""
    reason: str = ""
    """How it fired: schedule / escalate; empty while not fired."""
    by: str = ""
    note: str = ""
    reminders: int = 0
    """Reminders sent of this level (the top one only)."""

    @property
    def fired(self) -> bool:
        return self.state in (RowState.FIRED, RowState.LATE)


@dataclass(frozen=True)
class Ladder:
    declared_at: datetime
    rows: tuple[LadderRow, ...]
    running: bool
    """Unresolved: the timer keeps going (acknowledged or not)."""
    current: LadderRow | None
    """The highest level fired; ``None`` before the first fires."""
    next: LadderRow | None
    """The next level to fire; ``None`` at the top or when resolved."""
    countdown: timedelta | None
    """Until ``next`` fires (zero when due)."""
    next_reminder_at: datetime | None = None
    due: tuple[Due, ...] = field(default_factory=tuple)


def late_grace(speed: float = 1.0, tick: float = 1.0) -> timedelta:
    """How long after its time a firing still counts as on time: 30 s, or three steps of
    ``tick`` real seconds at the clock's ``speed`` when that is longer (rehearsal)."""
    return max(LATE_GRACE, timedelta(seconds=3 * tick * speed))


def highest_fired(state: LadderState) -> int:
    return max((f.level for f in state.firings if f.seq == 0), default=-1)


def scheduled_at(state: LadderState, index: int) -> datetime:
    """When level ``index`` is due (see the module doc for reopened incidents)."""
    levels = state.policy.levels
    if state.reopened_at is not None and index > state.reopen_from:
        reached = levels[state.reopen_from].minutes if state.reopen_from >= 0 else 0.0
        return state.reopened_at + timedelta(minutes=levels[index].minutes - reached)
    return state.declared_at + levels[index].offset


def next_reminder(state: LadderState) -> tuple[int, datetime] | None:
    """(seq, due) of the top level's next reminder, or ``None`` (none configured, the top
    level has not fired, resolved)."""
    minutes = state.policy.reminder_minutes
    top = len(state.policy.levels) - 1
    tops = [f for f in state.firings if f.level == top]
    if minutes is None or not tops or not state.open:
        return None
    base = max(f.at for f in tops)
    if state.reopened_at is not None and state.reopened_at > base:
        base = state.reopened_at
    return max(f.seq for f in tops) + 1, base + timedelta(minutes=minutes)


def escalation_target(state: LadderState) -> int | None:
    """The level "escalate now" fires: the one above the highest fired (``None`` at the top)."""
    target = highest_fired(state) + 1
    return target if target < len(state.policy.levels) else None


def due_now(
    state: LadderState, now: datetime, grace: timedelta = LATE_GRACE
) -> tuple[Due, ...]:
    """What should fire at ``now``: every level whose time has come, in order, and at most
    one reminder. Nothing once resolved."""
    if not state.open:
        return ()
    fired = {f.level for f in state.firings if f.seq == 0}
    due: list[Due] = []
    for index in range(len(state.policy.levels)):
        if index in fired:
            continue
        at = scheduled_at(state, index)
        if at > now:
            break
        due.append(Due(index, 0, at, now - at > grace, REASON_SCHEDULE))
    reminder = next_reminder(state)
    if reminder is not None and reminder[1] <= now:
        seq, at = reminder
        due.append(Due(len(state.policy.levels) - 1, seq, at, now - at > grace, REASON_REMINDER))
    return tuple(due)


def ladder(state: LadderState, now: datetime, grace: timedelta = LATE_GRACE) -> Ladder:
    """The incident's ladder as rows a screen can show as they are."""
    firsts = {f.level: f for f in state.firings if f.seq == 0}
    reminders = _count_reminders(state.firings)
    rows: list[LadderRow] = []
    for index, level in enumerate(state.policy.levels):
        firing = firsts.get(index)
        if firing is not None:
            rows.append(LadderRow(
                index, level.name, level.who, firing.due, firing.at,
                RowState.LATE if firing.late else RowState.FIRED, None,
                firing.reason, firing.by, firing.note, reminders.get(index, 0)))
        elif not state.open:
            rows.append(LadderRow(index, level.name, level.who, None, None, RowState.STOPPED,
                                  None))
        else:
            at = scheduled_at(state, index)
            left = max(at - now, timedelta(0))
            rows.append(LadderRow(index, level.name, level.who, at, None,
                                  RowState.DUE if at <= now else RowState.PENDING, left))
    fired_rows = [row for row in rows if row.fired]
    current = max(fired_rows, key=lambda row: row.index) if fired_rows else None
    after = current.index + 1 if current else 0
    upcoming = next((row for row in rows[after:] if not row.fired), None) if state.open else None
    reminder = next_reminder(state)
    return Ladder(
        declared_at=state.declared_at,
        rows=tuple(rows),
        running=state.open,
        current=current,
        next=upcoming,
        countdown=upcoming.countdown if upcoming else None,
        next_reminder_at=reminder[1] if reminder else None,
        due=due_now(state, now, grace),
    )


def _count_reminders(firings: Sequence[Firing]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for firing in firings:
        if firing.seq > 0:
            counts[firing.level] = counts.get(firing.level, 0) + 1
    return counts
