"""What the checklist panel shows, as plain values: no widgets, no database.

``ChecklistModel`` holds the runbook, the launch day, the marks last read from the store
and which slot is shown. Everything else is derived on demand from those and ``now``
(``core.schedule``): the slot strip's states and progress, which items are overdue, the
intent of ``space`` on an item. The panel renders it; the store watcher feeds it marks.

The shown slot *follows* the current one (so 09:00 turns the page by itself) until the
operator moves with ``[``/``]``; ``.`` goes back to the current slot and follows again.

Cheap to ask every second, also for a 1,000-item runbook: item states and per-slot
progress are counted once per ``set_marks``, and ``slot_views(now)`` returns the *same*
list object until the marks change or ``now`` crosses a slot boundary (the only instants
at which a slot's state can change), so the panel can tell "nothing changed" by identity.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from autus_tui.core.marks import Mark
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
        self._items: dict[str, Item] = {}
        for item in runbook.items:
            self._items.setdefault(item.id, item)  # as Runbook.item: the first one wins
        self._boundaries = sorted({edge for window in self.windows
                                   for edge in (window.start, window.end)})
        self._states: dict[str, ItemState] = {}
        self._views: list[SlotView] | None = None
        self._views_phase = -1

    # -- state --------------------------------------------------------------------------

    def set_marks(self, marks: Mapping[str, Mark]) -> None:
        self.marks = dict(marks)
        self._states = {item_id: mark.state for item_id, mark in self.marks.items()}
        self._views = None

    def states(self) -> dict[str, ItemState]:
        return dict(self._states)

    def item(self, item_id: str) -> Item | None:
        """The runbook item with this id (a dict look-up, not a scan of the runbook)."""
        return self._items.get(item_id)

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
        """Every slot's view; the same list object while nothing in it can have changed."""
        # Between two slot boundaries no slot changes state or current-ness.
        phase = bisect_right(self._boundaries, now)
        if self._views is None or phase != self._views_phase:
            states = self._states
            current = self.current_index(now)
            self._views = [
                SlotView(index, window, slot_state(window, now, states),
                         progress(window.slot, states), index == current)
                for index, window in enumerate(self.windows)
            ]
            self._views_phase = phase
        return self._views

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
