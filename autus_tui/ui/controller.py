"""The one place that writes on behalf of the screen.

``Controller(app, store, operator)`` takes each ``ui.intents.Intent`` a widget posts,
runs the matching store call in a thread worker (``ui.store_writes``: a locked database
never freezes the screen, a busy one is retried, nothing is lost silently) and posts
``IntentDone`` to the asker. Afterwards it asks the store watcher to look at the file at
once, so the result is on screen in the next frame rather than the next watch tick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from autus_tui.core.probes import ProbeResult, item_verdicts
from autus_tui.store import Store
from autus_tui.store.notes import add_note, take_over
from autus_tui.ui import safe
from autus_tui.ui.incident_calls import IncidentSite, incident_call
from autus_tui.ui.intents import (
    IncidentIntent,
    Intent,
    IntentDone,
    MarkItem,
    ProbeRun,
    RecordVerdict,
    RollbackIntent,
    RunProbes,
    TakeOver,
    WriteNote,
)
from autus_tui.ui.rollback_calls import RollbackSite, rollback_call
from autus_tui.ui.store_writes import run_write


class Controller:
    def __init__(self, app: App[Any], store: Store | None, operator: str,
                 written: Callable[[], None]) -> None:
        self.app, self.store, self.operator = app, store, operator
        self._written = written
        self.rollback: RollbackSite | None = None
        """Where rollbacks are planned and run (the app sets it)."""
        self.incidents: IncidentSite | None = None
        """The escalation policy, rehearsal flag and clock incidents use (the app sets it)."""

    def act(self, intent: Intent) -> None:
        store = self.store
        if store is None:
            error = "no database attached: nothing can be kept"
            safe.toast(self.app, error, severity="error")
            intent.asker.post_message(IntentDone(intent, error=error))
            return
        def work() -> None:
            if isinstance(intent, RunProbes):
                from autus_tui.sources.probes import run_probes_sync  # only when probing

                # The probes' network I/O first, outside any transaction; then the write.
                results = tuple(run_probes_sync(intent.specs))
                write = self._record_probes(store, intent, results)
            else:
                write = self._write_for(store, intent)
            result, error = run_write(write)
            intent.asker.post_message(IntentDone(intent, result, error))
            self.app.call_from_thread(self._written)

        self.app.run_worker(work, name=f"write: {type(intent).__name__}", group="store-write",
                            thread=True, exit_on_error=False)

    def _write_for(self, store: Store, intent: Intent) -> Callable[[], Any]:
        operator = self.operator
        if isinstance(intent, MarkItem):
            return lambda: store.mark(intent.item_id, intent.state, operator, intent.reason)
        if isinstance(intent, RecordVerdict):
            outcome = intent.outcome
            return lambda: store.verify(intent.item_id, operator, outcome.rule, outcome.passed,
                                        outcome.evidence, mark_done=intent.mark_done)
        if isinstance(intent, WriteNote):
            return lambda: add_note(store, operator, intent.text)
        if isinstance(intent, TakeOver):
            return lambda: take_over(store, operator)
        if isinstance(intent, RollbackIntent) and self.rollback is not None:
            return rollback_call(store, self.rollback, operator, intent)
        if isinstance(intent, IncidentIntent) and self.incidents is not None:
            return incident_call(store, self.incidents, operator, intent)
        raise TypeError(f"no write for {type(intent).__name__}")

    def _record_probes(self, store: Store, intent: RunProbes,
                       results: tuple[ProbeResult, ...]) -> Callable[[], ProbeRun]:
        operator = self.operator

        def write() -> ProbeRun:
            marks = []
            for verdict in item_verdicts(results):
                if not verdict.configured:
                    continue  # nothing was checked: not a verdict worth recording
                mark = store.verify(verdict.item, operator, verdict.rule, verdict.passed,
                                    verdict.evidence, word=verdict.status.value,
                                    mark_done=verdict.passed and verdict.item in intent.open_items)
                if mark is not None:
                    marks.append(mark)
            return ProbeRun(results, tuple(marks))

        return write

