"""What the checklist panel shows, as plain values: no widgets, no database.

``ChecklistModel`` holds the runbook, the launch day, the marks last read from the store
and which slot is shown. Everything else is derived on demand from those and ``now``
(``core.schedule``): the slot strip's states and progress, which items are overdue, the
intent of ``space`` on an item. The panel renders it; the store watcher feeds it marks.

The shown slot *follows* the current one (so 09:00 turns the page by itself) until the
operator moves with ``[``/``]``; ``.`` goes back to the current slot and follows again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from autus_tui.core.runbook import Item, ItemState, Runbook, Slot
from autus_tui.core.schedule import (
    LaunchDay,
    Progress,
    SlotState,
    Window,
    current_index,
    item_overdue,
    progress,
    slot_state,
    windows,
)
from autus_tui.store import Mark

STATE_LETTERS = {SlotState.UPCOMING: "U", SlotState.ACTIVE: "A", SlotState.OVERDUE: "O",
                 SlotState.DONE: "D"}


@dataclass(frozen=True)
class SlotView:
    index: int
    window: Window
    state: SlotState
    progress: Progress
    current: bool

    @property
    def slot(self) -> Slot:
        return self.window.slot


class ChecklistModel:
    def __init__(self, runbook: Runbook, day: LaunchDay) -> None:
        self.runbook = runbook
        self.day = day
        self.windows = windows(day, runbook.slots)
        self.marks: dict[str, Mark] = {}
        self.shown = 0
        self.following = True

    # -- state --------------------------------------------------------------------------

    def set_marks(self, marks: Mapping[str, Mark]) -> None:
        self.marks = dict(marks)

    def states(self) -> dict[str, ItemState]:
        return {item_id: mark.state for item_id, mark in self.marks.items()}

    def state_of(self, item_id: str) -> ItemState:
        mark = self.marks.get(item_id)
        return mark.state if mark else ItemState.OPEN

    def current_index(self, now: datetime) -> int:
        return current_index(self.windows, now)

    def follow(self, now: datetime) -> bool:
        """Keep showing the current slot while following; True if the page turned."""
        if not self.following:
            return False
        index = self.current_index(now)
        changed, self.shown = index != self.shown, index
        return changed

    def slot_views(self, now: datetime) -> list[SlotView]:
        states = self.states()
        current = self.current_index(now)
        return [
            SlotView(index, window, slot_state(window, now, states),
                     progress(window.slot, states), index == current)
            for index, window in enumerate(self.windows)
        ]

    def shown_view(self, now: datetime) -> SlotView:
        return self.slot_views(now)[self.shown]

    def overdue(self, item: Item, view: SlotView) -> bool:
        return item_overdue(view.state, self.state_of(item.id))

    # -- navigation -----------------------------------------------------------------------

    def move(self, step: int) -> bool:
        """Show the previous/next slot; False at either end."""
        target = self.shown + step
        if not 0 <= target < len(self.windows):
            return False
        self.shown, self.following = target, False
        return True

    def go_current(self, now: datetime) -> None:
        self.following = True
        self.follow(now)

    # -- intents --------------------------------------------------------------------------

    def space_intent(self, item_id: str) -> ItemState:
        """``space`` asks for *done* on an open item and *open* on a done or N/A one."""
        return ItemState.DONE if self.state_of(item_id) is ItemState.OPEN else ItemState.OPEN

    def first_open(self, slot: Slot) -> Item | None:
        return next((item for item in slot.items
                     if self.state_of(item.id) is ItemState.OPEN), None)
