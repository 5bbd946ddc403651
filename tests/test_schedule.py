"""The D-Day clock at fixed moments, across the slot boundaries an operator lives through."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from autus_tui.core.metrics import default_metrics
from autus_tui.core.runbook import ItemState
from autus_tui.core.schedule import (
    LaunchDay,
    SlotState,
    Window,
    clock_view,
    item_overdue,
    progress,
    slot_state,
    t_minus,
    windows,
)
from autus_tui.services.runbook_files import load_default_runbook

SEOUL = ZoneInfo("Asia/Seoul")
DAY = LaunchDay(date(2026, 11, 27), time(9, 0), SEOUL)
BOOK = load_default_runbook({spec.key for spec in default_metrics()})


def seoul(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    """A Seoul wall-clock moment on launch day (+``day``), as the aware UTC instant."""
    return datetime(2026, 11, 27 + day, hh, mm, ss, tzinfo=SEOUL).astimezone(UTC)


@pytest.mark.parametrize(("moment", "current", "following"), [
    (seoul(-1, 22, 0), "pre", "pre"),          # the evening before: 출시 전 is current
    (seoul(0, 0, 0), "pre", "launch"),
    (seoul(0, 8, 59, 59), "pre", "launch"),
    (seoul(0, 9, 0, 0), "launch", "noon"),
    (seoul(0, 11, 59, 59), "launch", "noon"),
    (seoul(0, 12, 0), "noon", "evening"),
    (seoul(0, 23, 59, 59), "evening", "midnight"),
    (seoul(1, 0, 0, 0), "midnight", "d1"),
    (seoul(1, 8, 59, 59), "midnight", "d1"),
    (seoul(1, 9, 0, 0), "d1", None),
])
def test_current_and_next_slot_at_the_boundaries(
    moment: datetime, current: str, following: str | None
) -> None:
    view = clock_view(DAY, BOOK.slots, moment)
    assert view.current.slot.id == current
    assert (view.next.slot.id if view.next else None) == following


def test_header_figures_just_before_and_at_launch() -> None:
    before = clock_view(DAY, BOOK.slots, seoul(0, 8, 47, 30))
    assert before.local.strftime("%H:%M:%S") == "08:47:30"
    assert before.to_launch == "T-00:12:30"
    assert before.countdown_text == "00:12:30"
    at = clock_view(DAY, BOOK.slots, seoul(0, 9, 0))
    assert at.to_launch == "T+00:00:00"
    assert at.countdown_text == "03:00:00"  # to 12:00
    later = clock_view(DAY, BOOK.slots, seoul(0, 12, 4, 5))
    assert later.to_launch == "T+03:04:05"
    last = clock_view(DAY, BOOK.slots, seoul(1, 9, 30))
    assert last.countdown is None and last.countdown_text == "—"


def test_t_minus_never_shows_zero_before_launch_and_counts_past_a_day() -> None:
    launch = DAY.launch_at
    assert t_minus(launch, launch - timedelta(milliseconds=300)) == "T-00:00:01"
    assert t_minus(launch, launch + timedelta(milliseconds=999)) == "T+00:00:00"
    assert t_minus(launch, launch + timedelta(hours=27, seconds=1)) == "T+27:00:01"
    assert t_minus(launch, launch - timedelta(days=2)) == "T-48:00:00"


def test_slot_times_are_launch_day_local_times() -> None:
    starts = {w.slot.id: w.start for w in windows(DAY, BOOK.slots)}
    assert starts["launch"] == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST
    assert starts["midnight"] == seoul(1, 0, 0)
    assert starts["d1"] == seoul(1, 9, 0)
    last = windows(DAY, BOOK.slots)[-1]
    assert last.end == seoul(2, 0, 0)


def _states(slot_id: str, state: ItemState) -> dict[str, ItemState]:
    slot = next(s for s in BOOK.slots if s.id == slot_id)
    return {item.id: state for item in slot.items}


def _window(slot_id: str) -> Window:
    return next(w for w in windows(DAY, BOOK.slots) if w.slot.id == slot_id)


def test_pre_launch_slot_is_overdue_from_launch_with_items_open() -> None:
    pre = _window("pre")
    assert slot_state(pre, seoul(-1, 23, 0), {}) is SlotState.UPCOMING
    assert slot_state(pre, seoul(0, 8, 59, 59), {}) is SlotState.ACTIVE
    assert slot_state(pre, seoul(0, 9, 0), {}) is SlotState.OVERDUE
    assert item_overdue(SlotState.OVERDUE, ItemState.OPEN)
    assert not item_overdue(SlotState.OVERDUE, ItemState.DONE)


def test_evening_slot_goes_overdue_at_midnight_not_a_second_before() -> None:
    evening = _window("evening")
    assert slot_state(evening, seoul(0, 23, 59, 59), {}) is SlotState.ACTIVE
    assert slot_state(evening, seoul(1, 0, 0), {}) is SlotState.OVERDUE
    assert slot_state(evening, seoul(0, 17, 59, 59), {}) is SlotState.UPCOMING


def test_done_wins_whatever_the_time_and_na_counts_as_closed() -> None:
    pre = _window("pre")
    states = _states("pre", ItemState.DONE)
    states["pre.infra.cdn"] = ItemState.NA
    assert slot_state(pre, seoul(0, 10, 0), states) is SlotState.DONE
    assert slot_state(pre, seoul(-1, 10, 0), states) is SlotState.DONE
    count = progress(pre.slot, states)
    assert (count.done, count.na, count.open, count.total, count.closed) == (8, 1, 0, 9, 9)
    states["pre.infra.ssl"] = ItemState.OPEN
    assert slot_state(pre, seoul(0, 10, 0), states) is SlotState.OVERDUE


def test_last_slot_is_overdue_only_after_its_day() -> None:
    d1 = _window("d1")
    assert slot_state(d1, seoul(1, 23, 59, 59), {}) is SlotState.ACTIVE
    assert slot_state(d1, seoul(2, 0, 0), {}) is SlotState.OVERDUE


def test_no_launch_date_means_today_in_the_launch_timezone() -> None:
    # 23:30 UTC on the 26th is already the 27th in Seoul.
    now = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    day = LaunchDay.resolve(None, time(9, 0), SEOUL, now)
    assert day.date == date(2026, 11, 27)
    assert LaunchDay.resolve(date(2026, 12, 1), time(9, 0), SEOUL, now).date == date(2026, 12, 1)
