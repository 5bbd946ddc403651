"""The D-Day clock: where launch day stands at a given moment.

All inputs are explicit (launch date, launch time, zone, ``now`` as an aware datetime),
so the header and the slot strip are pure functions of the clock. Slot times are
launch-day local times (``Slot.offset`` from 00:00 of launch day), turned into instants
with the zone's wall clock, so a DST change between midnight and a slot is honoured.

Windows. Each slot runs from its start until the next slot starts: the first slot
(출시 전 00:00) until 09:00, 18:00 until 24:00, 24:00 until D+1 09:00. The last slot has no
successor; its window ends at the local midnight after it starts (D+1 09:00 → D+2 00:00).

Current slot: the latest slot whose start <= now; before the first slot's start, the
first slot (the evening before launch, 출시 전 is what one works on). So 08:59:59 is
출시 전, 09:00:00 is 출시; 23:59:59 is 저녁, 00:00:00 the next day is 자정.

Slot states (``slot_state``), first match wins:
  done      every item is done or not applicable (whatever the time);
  overdue   its window has ended (the next slot has begun) with items open. For the
            00:00–09:00 slot this means: launch (the 09:00 slot's start) arrived with a
            pre-launch check still open. Before 00:00 it is upcoming, never overdue;
  active    its window contains now;
  upcoming  its start is still ahead.
An item is overdue when it is open in an overdue slot.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from autus_tui.core.runbook import ItemState, Slot


class SlotState(enum.Enum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    OVERDUE = "overdue"
    DONE = "done"


@dataclass(frozen=True)
class LaunchDay:
    date: date
    launch_time: time
    zone: tzinfo

    @classmethod
    def resolve(
        cls, launch_date: dt.date | None, launch_time: time, zone: tzinfo, now: datetime
    ) -> LaunchDay:
        """Fix the day once (at start-up): no date configured means today in ``zone``."""
        day = launch_date if launch_date is not None else now.astimezone(zone).date()
        return cls(day, launch_time, zone)

    @property
    def launch_at(self) -> datetime:
        return self.local_instant(self.date, self.launch_time)

    def slot_start(self, slot: Slot) -> datetime:
        minutes = int(slot.offset.total_seconds()) // 60
        days, minutes = divmod(minutes, 24 * 60)
        return self.local_instant(self.date + timedelta(days=days),
                                  time(minutes // 60, minutes % 60))

    def local_instant(self, day: dt.date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.zone)


@dataclass(frozen=True)
class Window:
    slot: Slot
    start: datetime
    end: datetime
    """When the next slot starts (for the last slot: the local midnight after its start)."""


@dataclass(frozen=True)
class ClockView:
    local: datetime
    """Now, in the launch timezone."""
    to_launch: str
    """``T-00:12:30`` before launch, ``T+03:04:05`` from the launch moment on."""
    current: Window
    next: Window | None
    countdown: timedelta | None
    """Until the next slot starts; ``None`` when there is none."""

    @property
    def countdown_text(self) -> str:
        return "—" if self.countdown is None else format_duration(self.countdown)


@dataclass(frozen=True)
class Progress:
    done: int
    na: int
    open: int

    @property
    def total(self) -> int:
        return self.done + self.na + self.open

    @property
    def closed(self) -> int:
        return self.done + self.na


def windows(day: LaunchDay, slots: Sequence[Slot]) -> list[Window]:
    ordered = sorted(slots, key=lambda slot: slot.offset)
    starts = [day.slot_start(slot) for slot in ordered]
    result = []
    for index, (slot, start) in enumerate(zip(ordered, starts, strict=True)):
        if index + 1 < len(ordered):
            end = starts[index + 1]
        else:
            next_midnight = start.astimezone(day.zone).date() + timedelta(days=1)
            end = day.local_instant(next_midnight, time(0, 0))
        result.append(Window(slot, start, end))
    return result


def clock_view(day: LaunchDay, slots: Sequence[Slot], now: datetime) -> ClockView:
    all_windows = windows(day, slots)
    if not all_windows:
        raise ValueError("a schedule needs at least one slot")
    index = current_index(all_windows, now)
    current = all_windows[index]
    upcoming = [w for w in all_windows if w.start > now]
    following = upcoming[0] if upcoming else None
    countdown = following.start - now if following else None
    return ClockView(day.local(now), t_minus(day.launch_at, now), current, following, countdown)


def current_index(all_windows: Sequence[Window], now: datetime) -> int:
    """The latest window that has started; the first one before any has."""
    started = [i for i, window in enumerate(all_windows) if window.start <= now]
    return started[-1] if started else 0


def progress(slot: Slot, states: Mapping[str, ItemState]) -> Progress:
    counts = {state: 0 for state in ItemState}
    for item in slot.items:
        counts[states.get(item.id, ItemState.OPEN)] += 1
    return Progress(counts[ItemState.DONE], counts[ItemState.NA], counts[ItemState.OPEN])


def slot_state(window: Window, now: datetime, states: Mapping[str, ItemState]) -> SlotState:
    if progress(window.slot, states).open == 0:
        return SlotState.DONE
    if now >= window.end:
        return SlotState.OVERDUE
    if now >= window.start:
        return SlotState.ACTIVE
    return SlotState.UPCOMING


def item_overdue(state: SlotState, item: ItemState) -> bool:
    return state is SlotState.OVERDUE and item is ItemState.OPEN


def t_minus(launch_at: datetime, now: datetime) -> str:
    """``T-HH:MM:SS`` counting down (rounded up, so T-00:00:00 never shows before launch),
    ``T+HH:MM:SS`` counting up from the launch moment; hours may exceed 24."""
    seconds = (now - launch_at).total_seconds()
    if seconds < 0:
        return "T-" + hms(math.ceil(-seconds))
    return "T+" + hms(math.floor(seconds))


def format_duration(delta: timedelta) -> str:
    """``HH:MM:SS`` of a non-negative span, rounded up to the second (a countdown)."""
    return hms(math.ceil(max(delta.total_seconds(), 0.0)))


def hms(total: int, hour_digits: int = 2) -> str:
    """Whole seconds as ``HH:MM:SS`` (hours padded to ``hour_digits``, and may pass 24)."""
    hours, rest = divmod(total, 3600)
    return f"{hours:0{hour_digits}d}:{rest // 60:02d}:{rest % 60:02d}"
