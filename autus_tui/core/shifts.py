"""On-call shifts from the recorded take-overs, and the span a handover covers.

A take-over (``store.notes.take_over``: an event ``handover`` with ``from``/``to``) starts a
shift; it ends when someone else takes over. A take-over by the one already on call is
recorded but continues the shift (it is not a handover).

The handover view covers the *outgoing* shift, and a take-over must never make it lose
what that shift wrote (``handover_window``):

- nobody took over yet: everything recorded (``start`` is ``None``);
- one on-call so far: their shift, from its start (they are the outgoing one until
  someone takes over);
- after a take-over: the previous on-call's shift and the current one, from the start
  of the previous one. So the incoming operator, right after taking over, still sees the
  notes and the work of the shift they took over, and so does the outgoing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TakeOver:
    at: datetime
    to: str
    previous: str = ""
    """Who was on call before ("" none), as recorded."""
    event_id: int = 0
    """The recorded event's id: what came after it in the same second is after it."""


@dataclass(frozen=True)
class Shift:
    oncall: str
    start: datetime
    end: datetime | None = None
    """When someone else took over; ``None`` while it goes on."""
    handed_from: str = ""
    """Who handed over to this shift ("" nobody: the first)."""
    handed_to: str = ""
    """Who took over from it ("" nobody yet)."""
    start_id: int = 0
    """The id of the take-over event that began it."""


def shifts(taken: Sequence[TakeOver]) -> tuple[Shift, ...]:
    """The shifts, oldest first, from the take-overs (oldest first)."""
    found: list[Shift] = []
    for take in taken:
        if not take.to:
            continue
        if found and found[-1].oncall == take.to:
            continue  # took over again from themselves: the same shift
        if found:
            last = found[-1]
            found[-1] = Shift(last.oncall, last.start, take.at, last.handed_from, take.to,
                              last.start_id)
        before = found[-1].oncall if found else ""
        found.append(Shift(take.to, take.at, None, before, "", take.event_id))
    return tuple(found)


@dataclass(frozen=True)
class HandoverWindow:
    start: datetime | None
    """Where the handover begins to count (``None``: nobody took over yet, all counts)."""
    covered: tuple[Shift, ...] = ()
    """The shifts it covers, oldest first: the outgoing one, then the current one."""
    start_id: int = 0
    """Events with a larger id count (the take-over's own event id; 0: all)."""

    @property
    def current(self) -> Shift | None:
        return self.covered[-1] if self.covered else None

    @property
    def handed(self) -> Shift | None:
        """The shift handed over by a take-over this window covers (``None``: not yet)."""
        return self.covered[0] if len(self.covered) > 1 else None


def handover_window(all_shifts: Sequence[Shift]) -> HandoverWindow:
    """See the module doc."""
    if not all_shifts:
        return HandoverWindow(None)
    covered = tuple(all_shifts[-2:])
    return HandoverWindow(covered[0].start, covered, covered[0].start_id)

