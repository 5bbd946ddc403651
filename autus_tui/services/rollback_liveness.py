"""Is a rollback's runner alive? A run whose runner died is marked unknown, never re-run.

A running run's runner heartbeats its row every second (real epoch seconds). ``observe``
looks at the running run: if the heartbeat is older than ``ttl`` and the runner process
is gone (no such pid, a zombie, or a different process under that pid: its start time
differs), the run is marked ``unknown`` with a line saying which step may have run
partly. A run on another host (it should not happen: the database must be on a local
disk) cannot be checked by pid and is judged by its heartbeat alone, after 6 x ``ttl``.
A run that was started but never claimed (the UI died before its runner started) has no
pid and counts as gone once its heartbeat (set at start) is older than ``ttl``.

Nothing restarts a run: after ``unknown`` an operator looks and plans again.
Call ``observe`` on a timer while a run shows as running (a dead runner commits
nothing, so ``data_version`` alone would not notice).
"""

from __future__ import annotations

import socket
import time

import psutil

from autus_tui.core.rollback_run import RunRecord
from autus_tui.store import Store, rollbacks

TTL = 5.0
HOST = socket.gethostname()


def runner_alive(run: RunRecord) -> bool:
    """Is the run's runner process (as recorded) still running on this host?"""
    if run.runner_pid is None:
        return False
    if run.runner_host != HOST:
        return True  # cannot tell from here; the caller uses the heartbeat alone
    try:
        process = psutil.Process(run.runner_pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        started = process.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.Error:
        return True  # exists, but not ours to inspect
    return run.runner_started is None or abs(started - run.runner_started) < 1.0


def is_dead(run: RunRecord, now: float, ttl: float = TTL) -> bool:
    if not run.active:
        return False
    age = now - (run.heartbeat or 0.0)
    if run.runner_pid is not None and run.runner_host != HOST:
        return age > 6 * ttl
    return age > ttl and not runner_alive(run)


def observe(
    store: Store, observer: str, *, ttl: float = TTL, now: float | None = None,
) -> RunRecord | None:
    """The current run (running, else the last), after marking a dead runner's run unknown."""
    run = rollbacks.running_run(store)
    if run is not None and is_dead(run, time.time() if now is None else now, ttl):
        rollbacks.mark_unknown(store, run.id, observer or "system", run.heartbeat,
                               _unknown_outcome(run))
    return rollbacks.current_run(store)


def _unknown_outcome(run: RunRecord) -> str:
    where = (f"runner pid {run.runner_pid} on {run.runner_host}" if run.runner_pid
             else "the runner, which never started,")
    step = run.current_step
    partly = (f"; step {step.index + 1} ({step.name}) may have run partly"
              f"{f' (pid {step.pid})' if step.pid else ''}" if step else "")
    return (f"{where} stopped without finishing{partly}; check by hand — "
            "it will not be re-run")
