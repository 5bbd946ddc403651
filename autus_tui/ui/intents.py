"""What a widget asks for, and the typed answer it gets back.

Widgets never write. A key that changes the record posts an ``Intent`` (it bubbles up to
the app), ``ui.controller.Controller`` does the write off the UI thread, and the asker
receives ``IntentDone`` carrying the same intent object, the store's typed result, or the
reason it was not saved. The screen changes only when the store watcher sees the commit,
so one's own change and another operator's take the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.dom import DOMNode
from textual.message import Message

from autus_tui.core.probes import ProbeResult, ProbeSpec
from autus_tui.core.rollback_plan import Confirmation, RollbackPlan
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.runbook import ItemState
from autus_tui.core.signals import OutageCondition
from autus_tui.store import MarkResult


class Intent(Message):
    """A request to change the record, posted by ``asker`` (who gets the answer)."""

    def __init__(self, asker: DOMNode) -> None:
        super().__init__()
        self.asker = asker


class MarkItem(Intent):
    """Set a checklist item to ``state`` (an intent, never a toggle); N/A needs a reason."""

    def __init__(self, asker: DOMNode, item_id: str, state: ItemState,
                 reason: str | None = None) -> None:
        super().__init__(asker)
        self.item_id, self.state, self.reason = item_id, state, reason


@dataclass(frozen=True)
class VerifyOutcome:
    rule: str
    passed: bool
    evidence: str


class RecordVerdict(Intent):
    """Record a verify verdict on an item and, when ``mark_done``, mark it done."""

    def __init__(self, asker: DOMNode, item_id: str, outcome: VerifyOutcome,
                 mark_done: bool) -> None:
        super().__init__(asker)
        self.item_id, self.outcome, self.mark_done = item_id, outcome, mark_done


class WriteNote(Intent):
    def __init__(self, asker: DOMNode, text: str) -> None:
        super().__init__(asker)
        self.text = text


class RunProbes(Intent):
    """Run ``specs`` (an item's probes, or a slot's) and record each item's verdict; an
    item in ``open_items`` whose probes all PASS is marked done (verified)."""

    def __init__(self, asker: DOMNode, specs: tuple[ProbeSpec, ...],
                 open_items: frozenset[str], *, table: bool = False) -> None:
        super().__init__(asker)
        self.specs, self.open_items, self.table = specs, open_items, table


@dataclass(frozen=True)
class ProbeRun:
    """The answer to ``RunProbes``: every result, and the marks its verdicts made."""

    results: tuple[ProbeResult, ...]
    marks: tuple[MarkResult, ...]


class TakeOver(Intent):
    """This operator becomes the on-call."""


class RollbackIntent(Intent):
    """A rollback call (``ui.rollback_calls``): git and the runner off the UI thread."""


class PlanRollback(RollbackIntent):
    """Plan a rollback (``pattern``: the operator's, else the configured one); the answer
    is a ``PlanOutcome``: the plan, or the run already running (show that instead)."""

    def __init__(self, asker: DOMNode, pattern: str | None = None) -> None:
        super().__init__(asker)
        self.pattern = pattern


@dataclass(frozen=True)
class PlanOutcome:
    plan: RollbackPlan | None
    running: RunRecord | None = None
    outage: OutageCondition | None = None
    """전체 서비스 30분 이상 중단 judged from the recorded polls when the plan was made."""


class ApplyRollback(RollbackIntent):
    """Apply ``plan`` as confirmed; the answer is ``Started`` or ``Refused``."""

    def __init__(self, asker: DOMNode, plan: RollbackPlan, confirmation: Confirmation) -> None:
        super().__init__(asker)
        self.plan, self.confirmation = plan, confirmation


class CancelRollback(RollbackIntent):
    """Ask run ``run_id``'s runner to stop; the answer is a ``CancelResult``."""

    def __init__(self, asker: DOMNode, run_id: int) -> None:
        super().__init__(asker)
        self.run_id = run_id


class WatchRollback(RollbackIntent):
    """The run (``run_id``, else the current one) and its lines after ``after_id``
    (``lines=False``: none); a dead runner's run is marked unknown on the way. The
    answer is a ``RunView`` or None (no rollback yet)."""

    def __init__(self, asker: DOMNode, run_id: int | None = None, after_id: int = 0, *,
                 lines: bool = True) -> None:
        super().__init__(asker)
        self.run_id, self.after_id, self.lines = run_id, after_id, lines


class IncidentIntent(Intent):
    """An incident operation (``ui.incident_calls``); the answer is the store's
    ``IncidentResult`` (``.done``, or ``.already_text(zone)`` when another operator or
    the timer got there first)."""

    def __init__(self, asker: DOMNode, incident_id: int) -> None:
        super().__init__(asker)
        self.incident_id = incident_id


class Declare(IncidentIntent):
    """Declare an incident; then the first level fires at once (``fire_due``)."""

    def __init__(self, asker: DOMNode, severity: str, situation: str, response: str) -> None:
        super().__init__(asker, 0)
        self.severity, self.situation, self.response = severity, situation, response


class Acknowledge(IncidentIntent):
    """This operator owns the incident; the ladder keeps running."""


class EscalateNow(IncidentIntent):
    """Fire the next level now, with a reason; ``seen_level`` is the level the operator
    saw as current (-1: none), so a level the timer fired meanwhile is not skipped past."""

    def __init__(self, asker: DOMNode, incident_id: int, reason: str, seen_level: int) -> None:
        super().__init__(asker, incident_id)
        self.reason, self.seen_level = reason, seen_level


class Resolve(IncidentIntent):
    """Stop the ladder, with a short resolution."""

    def __init__(self, asker: DOMNode, incident_id: int, resolution: str) -> None:
        super().__init__(asker, incident_id)
        self.resolution = resolution


class Reopen(IncidentIntent):
    """Open a resolved incident again; its ladder goes on from the highest level reached."""

    def __init__(self, asker: DOMNode, incident_id: int, reason: str = "") -> None:
        super().__init__(asker, incident_id)
        self.reason = reason


class IntentDone(Message):
    """The answer to ``intent``: the store's result, or ``error`` saying why not saved."""

    def __init__(self, intent: Intent, result: Any = None, error: str | None = None) -> None:
        super().__init__()
        self.intent, self.result, self.error = intent, result, error

    @property
    def ok(self) -> bool:
        return self.error is None
