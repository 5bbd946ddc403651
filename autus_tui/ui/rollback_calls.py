"""What the controller runs for a rollback intent (always in a worker thread).

``RollbackSite`` is where this control room rolls back: the ``[rollback]`` config, the
folder it was started in (the default repository), whether it is a rehearsal, and the
environment git and the runner get (None: this process's). ``rollback_call`` turns an
intent into the call the controller runs; git I/O happens in it, outside any
transaction (``services.rollback_planning`` / ``rollback_runner`` keep it so).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_run import RunView, clean_line
from autus_tui.core.signals import OutageCondition
from autus_tui.store import Store, StoreError
from autus_tui.ui.intents import (
    ApplyRollback,
    CancelRollback,
    PlanOutcome,
    PlanRollback,
    RollbackIntent,
    WatchRollback,
)


@dataclass(frozen=True)
class RollbackSite:
    config: RollbackConfig
    start_dir: Path
    rehearsal: bool
    env: Mapping[str, str] | None = None
    outage: Callable[[Store], OutageCondition] | None = None
    """Judges the full-outage condition from the recorded polls (None: not judged)."""


def rollback_call(
    store: Store, site: RollbackSite, operator: str, intent: RollbackIntent,
) -> Callable[[], Any]:
    def guarded() -> Any:
        try:
            return _call(store, site, operator, intent)
        except StoreError:
            raise  # the controller retries a busy database and says why not
        except Exception as error:  # a psutil or OS surprise: one line, not a dead worker
            raise ValueError(f"rollback: {clean_line(error, 300)}") from None

    return guarded


def _call(store: Store, site: RollbackSite, operator: str, intent: RollbackIntent) -> Any:
    # Imported here, in the worker, on the first rollback intent: a day without a
    # rollback never needs the runner or the planner.
    from autus_tui.services.rollback_liveness import observe
    from autus_tui.services.rollback_runner import apply, cancel, watch

    if isinstance(intent, PlanRollback):
        return _plan(store, site, operator, intent.pattern)
    if isinstance(intent, ApplyRollback):
        return apply(store, site.config, intent.plan, intent.confirmation, operator,
                     site.start_dir, rehearsal=site.rehearsal, env=site.env)
    if isinstance(intent, CancelRollback):
        return cancel(store, intent.run_id, operator)
    if isinstance(intent, WatchRollback):
        if not intent.lines:
            run = observe(store, operator)
            return None if run is None else RunView(run, (), 0)
        return watch(store, operator, intent.run_id, intent.after_id)
    raise TypeError(f"no rollback call for {type(intent).__name__}")


def _plan(store: Store, site: RollbackSite, operator: str, pattern: str | None) -> PlanOutcome:
    from autus_tui.services.rollback_liveness import observe
    from autus_tui.services.rollback_planning import plan_for

    current = observe(store, operator)
    if current is not None and current.active:
        return PlanOutcome(None, current)  # one run per database: show it, plan nothing
    outage = site.outage(store) if site.outage is not None else None
    return PlanOutcome(plan_for(store, site.config, site.start_dir, operator, pattern=pattern,
                                rehearsal=site.rehearsal, env=site.env), outage=outage)
