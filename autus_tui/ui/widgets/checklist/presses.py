"""Space presses faster than the screen: each acts on the state the one before produced.

The checklist shows marks only as read back from the database (every 0.25 s, or right
after one's own write). A second ``space`` before that read would be computed from the
old state and repeat the first intent ("already done"); a burst would replay press by
press. ``Presses`` keeps, per item, the state this screen last asked for until the
database read shows it:

  * ``press(item, shown)``: the state to ask for now — the opposite of what was last
    asked (else of what is shown) — or ``None`` while a write for the item is still in
    flight: the press is remembered, and
  * ``landed(item, produced, event_id)``: when that write is done, the state still to
    ask for if later presses changed the wish (at most one more write per burst);
  * ``failed(item)``: a write failed; the wish is dropped (the error is shown);
  * ``seen(marks)``: a read that includes the write ends the bookkeeping for the item.
"""

from __future__ import annotations

from collections.abc import Mapping

from autus_tui.core.marks import Mark
from autus_tui.core.runbook import ItemState


def toggled(state: ItemState) -> ItemState:
    """``space``: done on an open item, open on a done or N/A one."""
    return ItemState.DONE if state is ItemState.OPEN else ItemState.OPEN


class Presses:
    def __init__(self) -> None:
        self._wish: dict[str, ItemState] = {}
        self._in_flight: set[str] = set()
        self._written: dict[str, int] = {}
        """item → event id of the landed write the screen has not read back yet."""

    def press(self, item_id: str, shown: ItemState) -> ItemState | None:
        wish = toggled(self._wish.get(item_id, shown))
        self._wish[item_id] = wish
        if item_id in self._in_flight:
            return None
        self._in_flight.add(item_id)
        return wish

    def in_flight(self, item_id: str) -> bool:
        return item_id in self._in_flight

    def landed(self, item_id: str, produced: ItemState, event_id: int) -> ItemState | None:
        wish = self._wish.get(item_id, produced)
        if wish is not produced:
            return wish  # still in flight: one more write
        self._in_flight.discard(item_id)
        self._written[item_id] = event_id
        return None

    def failed(self, item_id: str) -> None:
        self._in_flight.discard(item_id)
        self._wish.pop(item_id, None)
        self._written.pop(item_id, None)

    def seen(self, marks: Mapping[str, Mark]) -> None:
        for item_id, event_id in list(self._written.items()):
            mark = marks.get(item_id)
            if item_id not in self._in_flight and mark is not None and mark.event_id >= event_id:
                del self._written[item_id]
                self._wish.pop(item_id, None)
