"""A checklist mark: the recorded state of one runbook item, who set it and when.

The store writes and reads marks; the checklist view model and the report read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from autus_tui.core.runbook import ItemState


@dataclass(frozen=True)
class Mark:
    item_id: str
    state: ItemState
    operator: str
    at: datetime
    reason: str | None = None
    event_id: int = 0
