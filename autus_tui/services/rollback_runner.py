"""Applying a rollback: a runner process of its own, which survives the UI.

UI side:
  * ``apply(store, config, plan, confirmation, operator, start_dir, rehearsal=...)``:
    refuses (``Refused``) while a run is running (naming it), when ``confirm_problems``
    finds something missing, or when a fresh plan's fingerprint differs from the one the
    operator confirmed (``Refused.plan`` is the fresh plan); else records the run in the
    database (the lock) and starts the runner:
    ``python -m autus_tui.services.rollback_runner --db PATH --run ID``, in its own
    session, stdin/stdout/stderr on /dev/null. The UI exiting, being killed or losing its
    terminal (SIGHUP) does not reach it.
  * ``cancel(store, run_id, operator)``: records the request; the runner sees it within
    about ``CANCEL_EVERY`` s, ends the step's process group and records "cancelled by X".
  * ``watch(store, observer, run_id, after_id)``: the run and its new lines, to stream
    by polling; a dead runner's run is marked unknown on the way (``observe``).
    ``store.rollbacks`` has the rest of the read model (``past_runs`` for the timeline).

Runner side (``main``): claims the run (once: a run is never executed twice), then runs
the recorded steps in order in their folder (``services.rollback_exec``), recording
every line with its clock time, every exit code and duration, heartbeating the run row
every ``HEARTBEAT_EVERY`` s; the first step that does not succeed ends the run. In
rehearsal nothing is executed: each step is recorded as "would run: …", exit 0. On
success the run keeps its notice text (the outbox sends it; nothing is sent from here).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType

import psutil

from autus_tui.core.clock import WallClock
from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_plan import Confirmation, RollbackPlan, confirm_problems
from autus_tui.core.rollback_run import (
    CancelResult,
    Refused,
    RunRecord,
    RunState,
    RunView,
    Started,
    StartResult,
    StepRecord,
    StepState,
    clean_line,
)
from autus_tui.services.rollback_exec import StepOutcome, run_step
from autus_tui.services.rollback_liveness import HOST, observe
from autus_tui.services.rollback_planning import make_plan
from autus_tui.store import Store, StoreError, read_rehearsal_clock, rollbacks
from autus_tui.store.rollbacks import LineIn

HEARTBEAT_EVERY = 1.0
CANCEL_EVERY = 0.3
FLUSH_EVERY = 0.2
MAX_LINES_PER_STEP = 20_000
WRITE_PATIENCE = 60.0
"""Seconds the runner keeps retrying a write the database refuses (locked)."""


def apply(
    store: Store, config: RollbackConfig, plan: RollbackPlan, confirmation: Confirmation,
    operator: str, start_dir: Path, *, rehearsal: bool, env: Mapping[str, str] | None = None,
) -> StartResult:
    """Start the confirmed plan in a runner process, or say why not (nothing started)."""
    current = observe(store, operator)
    if current is not None and current.active:
        return Refused("running", f"{current.describe()} is running", running=current)
    problems = confirm_problems(plan, confirmation.conditions, confirmation.reason,
                                confirmation.typed_target)
    if problems:
        return Refused("not_confirmed", "; ".join(p.message for p in problems),
                       problems=tuple(problems))
    fresh = make_plan(config, start_dir, pattern=plan.pattern, rehearsal=rehearsal, env=env)
    if confirmation.fingerprint != plan.fingerprint or fresh.fingerprint != plan.fingerprint:
        return Refused("plan_changed", "the plan changed since it was confirmed: plan again",
                       plan=fresh)
    result = rollbacks.start_run(store, fresh, confirmation, operator, time.time())
    if isinstance(result, Started):
        try:
            spawn_runner(store.path, result.run.id, env)
        except OSError as error:
            rollbacks.finish_run(store, result.run.id, RunState.FAILED,
                                 f"could not start the runner process ({error.strerror})")
            ended = rollbacks.get_run(store, result.run.id)
            return Started(ended) if ended is not None else result
    return result


def spawn_runner(db: Path, run_id: int, env: Mapping[str, str] | None = None) -> int:
    """Start the runner detached from this process; return its pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "autus_tui.services.rollback_runner",
         "--db", os.path.abspath(db), "--run", str(run_id)],
        start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=None if env is None else dict(env), close_fds=True)
    # Reap it when it ends, so a finished runner is not a zombie that looks alive.
    threading.Thread(target=proc.wait, name=f"rollback-runner-{run_id}", daemon=True).start()
    return proc.pid


def cancel(store: Store, run_id: int, operator: str) -> CancelResult:
    return rollbacks.request_cancel(store, run_id, operator)


def watch(
    store: Store, observer: str, run_id: int | None = None, after_id: int = 0,
) -> RunView | None:
    """The run (``run_id``, else the current one) and its lines with id > ``after_id``:
    poll it (on ``data_version`` changes and every second or so while it is running) to
    stream the output; a dead runner's run is marked unknown on the way."""
    current = observe(store, observer)
    run = current if run_id is None else rollbacks.get_run(store, run_id)
    if run is None:
        return None
    lines = tuple(rollbacks.lines_since(store, run.id, after_id))
    return RunView(run, lines, lines[-1].id if lines else after_id)


# -- the runner process ------------------------------------------------------------------------


class Runner:
    def __init__(self, store: Store, run: RunRecord, env: Mapping[str, str] | None = None):
        self.store, self.run, self.env, self.pid = store, run, env, os.getpid()
        self.pending: list[LineIn] = []
        self.counts: dict[int | None, int] = {}
        self.stop_state, self.stop_why = RunState.CANCELLED, ""
        self.terminated = False
        now = time.monotonic()
        self.last_flush = self.last_beat = self.last_cancel = now

    def say(self, step: int | None, text: str) -> None:
        self.line(step, "system", text)

    def line(self, step: int | None, stream: str, text: str) -> None:
        count = self.counts.get(step, 0) + 1
        self.counts[step] = count
        if count <= MAX_LINES_PER_STEP:
            self.pending.append((step, self.store.clock.now(), stream, clean_line(text)))

    def flush(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            try:
                rollbacks.add_lines(self.store, self.run.id, batch)
            except StoreError:
                self.pending = batch + self.pending  # the database is busy: next time
        self.last_flush = time.monotonic()

    def poll(self) -> str:
        """Between reads: flush, heartbeat, look for a cancel; why to stop, or ""."""
        now = time.monotonic()
        if now - self.last_flush >= FLUSH_EVERY:
            self.flush()
        if now - self.last_beat >= HEARTBEAT_EVERY:
            self.last_beat = now
            try:
                if not rollbacks.heartbeat(self.store, self.run.id, self.pid, time.time()):
                    self.stop_state = RunState.UNKNOWN
                    self.stop_why = "the run was ended by someone else"
            except StoreError:
                pass  # a busy database: the next beat will do
        if self.terminated:
            self.stop_state, self.stop_why = RunState.FAILED, "the runner was stopped (SIGTERM)"
        elif not self.stop_why and now - self.last_cancel >= CANCEL_EVERY:
            self.last_cancel = now
            self.check_cancel()
        return self.stop_why

    def check_cancel(self) -> None:
        if self.terminated:
            self.stop_state, self.stop_why = RunState.FAILED, "the runner was stopped (SIGTERM)"
            return
        try:
            who = rollbacks.cancel_requested(self.store, self.run.id)
        except StoreError:
            return
        if who:
            self.stop_state, self.stop_why = RunState.CANCELLED, f"cancelled by {who}"

    def execute(self) -> int:
        run = self.run
        mode = " (rehearsal: nothing is executed)" if run.rehearsal else ""
        self.say(None, f"runner pid {self.pid} on {HOST}: {len(run.steps)} step(s) to roll "
                       f"back {run.from_version or '?'} → {run.target}{mode}")
        for step in run.steps:
            self.check_cancel()
            if self.stop_why:
                return self.end(self.stop_state, f"{self.stop_why} before step {step.index + 1}")
            outcome = self.step(step)
            if outcome.state is not StepState.SUCCEEDED:
                where = f"step {step.index + 1} ({step.name})"
                if outcome.state is StepState.CANCELLED:
                    return self.end(self.stop_state, f"{self.stop_why} during {where}")
                return self.end(RunState.FAILED, f"{where} {outcome.message}; "
                                                 "later steps not run")
        done = (f"rehearsal: {len(run.steps)} step(s) simulated, nothing executed"
                if run.rehearsal else f"rolled back to {run.target}: all "
                                      f"{len(run.steps)} step(s) succeeded")
        return self.end(RunState.SUCCEEDED, done)

    def step(self, step: StepRecord) -> StepOutcome:
        number = f"step {step.index + 1}/{len(self.run.steps)}"
        self.say(step.index, f"{number}: {step.command}  (in {step.cwd}, "
                             f"timeout {step.timeout:g} s)")
        if self.run.rehearsal:
            self._write(rollbacks.step_started, self.store, self.run.id, step.index, None)
            self.say(step.index, f"would run: {step.command}")
            outcome = StepOutcome(StepState.SUCCEEDED, 0, 0.0, "rehearsal: not run, exit 0")
        else:
            outcome = run_step(
                step.argv, step.cwd, step.timeout, env=self.env,
                on_start=lambda pid: self._write(rollbacks.step_started, self.store,
                                                 self.run.id, step.index, pid),
                on_line=lambda stream, text: self.line(step.index, stream, text),
                poll=self.poll)
        dropped = self.counts.get(step.index, 0) - MAX_LINES_PER_STEP
        if dropped > 0:
            self.pending.append((step.index, self.store.clock.now(), "system",
                                 f"… {dropped} more line(s) not recorded"))
        self.say(step.index, f"{number} {outcome.message} ({outcome.duration:.1f} s)")
        self.flush()
        self._write(rollbacks.step_finished, self.store, self.run.id, step.index,
                    outcome.state, outcome.exit_code, outcome.duration, outcome.message)
        return outcome

    def end(self, state: RunState, outcome: str) -> int:
        self.say(None, outcome)
        self.flush()
        notice = self.run.notice if state is RunState.SUCCEEDED else ""
        if state is not RunState.UNKNOWN:
            self._write(rollbacks.finish_run, self.store, self.run.id, state, outcome, notice)
        return 0 if state is RunState.SUCCEEDED else 1

    def _write(self, write: Callable[..., object], *args: object) -> None:
        """A write the record needs: retried while the database is busy."""
        until = time.monotonic() + WRITE_PATIENCE
        while True:
            try:
                write(*args)
                return
            except StoreError:
                if time.monotonic() >= until:
                    raise
                time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # no terminal anyway: belt and braces
    parser = argparse.ArgumentParser(prog="autus_tui.services.rollback_runner")
    parser.add_argument("--db", required=True)
    parser.add_argument("--run", required=True, type=int)
    args = parser.parse_args(argv)
    try:
        store = Store(args.db)
    except StoreError:
        return 2
    with store:
        run = rollbacks.get_run(store, args.run)
        if run is None:
            return 2
        if run.rehearsal:
            store.clock = read_rehearsal_clock(store) or WallClock()
        me = psutil.Process()
        claimed = rollbacks.claim_run(store, run.id, me.pid, HOST, me.create_time(), time.time())
        if claimed is None:
            return 3  # it has (or had) a runner, or it ended: never run it twice
        runner = Runner(store, claimed)

        def on_term(signum: int, frame: FrameType | None) -> None:
            runner.terminated = True

        signal.signal(signal.SIGTERM, on_term)
        try:
            return runner.execute()
        except Exception as error:  # record it rather than die silently
            runner.say(None, f"runner error: {clean_line(error, 300)}")
            runner.flush()
            rollbacks.finish_run(store, run.id, RunState.FAILED,
                                 f"runner error: {clean_line(error, 300)}")
            return 1


if __name__ == "__main__":
    sys.exit(main())
