"""Rollback runs in the database: the one-run lock, the runner's record, the read model.

The lock. ``rollback_runs`` has a partial UNIQUE index on ``state = 'running'``, and
``start_run`` checks for a running row inside its ``BEGIN IMMEDIATE`` transaction, so
across every process on the file at most one run is running; a second start gets
``Refused(why="running")`` naming who started the running one and when.

A run is inserted ``running`` with its confirmed steps (argv JSON, cwd, timeout) and no
runner; the runner process then ``claim_run``s it (pid, host, process start time). A run
can be claimed once only, so a run is never executed twice, even if its runner is
started again. The runner writes lines, step results, heartbeats (real epoch seconds,
like leases) and the end; all of those writes are refused once the run is no longer
``running`` (e.g. marked unknown). Texts are cleaned by the caller (``clean_line``).

Events (operator, kind, subject = run id): ``rollback.start`` (started_by),
``rollback.step`` (one per step result), ``rollback.cancel`` (who asked),
``rollback.finish`` (state, outcome), ``rollback.unknown`` (who observed the dead runner).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from autus_tui.core.rollback_plan import Confirmation, RollbackPlan
from autus_tui.core.rollback_run import (
    CancelResult,
    Refused,
    RunLine,
    RunRecord,
    RunState,
    Started,
    StartResult,
    StepRecord,
    StepState,
    clean_line,
)
from autus_tui.store import outbox
from autus_tui.store.events import from_text, to_text
from autus_tui.store.store import Store

_RUN = ("id, started_by, started_at, reason, conditions, from_version, target, repo,"
        " fingerprint, rehearsal, state, runner_pid, runner_host, runner_started, heartbeat,"
        " cancel_requested_by, cancel_requested_at, ended_at, outcome, notice")
_STEP = ("step, name, argv, cwd, timeout, state, started_at, ended_at, exit_code, duration,"
         " pid, message")
LineIn = tuple[int | None, datetime, str, str]
"""(step, clock time, stream, cleaned text) of one line to record."""


def start_run(
    store: Store, plan: RollbackPlan, confirmation: Confirmation, operator: str, now: float,
) -> StartResult:
    """Record a confirmed plan as the running run, unless one is running already."""
    if plan.target is None:
        return Refused("not_confirmed", "the plan has no target")
    with store.write() as tx:
        running = _running(tx.conn)
        if running is not None:
            return Refused("running", f"{running.describe()} is running", running=running)
        reason = clean_line(confirmation.reason.strip(), 500)
        conditions = json.dumps(list(confirmation.conditions))
        try:
            cursor = tx.conn.execute(
                "INSERT INTO rollback_runs (started_by, started_at, reason, conditions,"
                " from_version, target, repo, fingerprint, rehearsal, state, heartbeat, notice)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (operator, to_text(tx.at), reason, conditions, plan.running, plan.target,
                 plan.repo, plan.fingerprint, int(plan.rehearsal), now, plan.notice))
        except sqlite3.IntegrityError:  # the partial unique index: belt and braces
            return Refused("running", "another rollback is running")
        run_id = int(cursor.lastrowid or 0)
        tx.conn.executemany(
            "INSERT INTO rollback_steps (run_id, step, name, argv, cwd, timeout)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, s.index, s.name, json.dumps(list(s.argv), ensure_ascii=False), s.cwd,
              s.timeout) for s in plan.steps])
        tx.event(operator, "rollback.start", str(run_id), {
            "target": plan.target, "from": plan.running, "reason": reason,
            "conditions": list(confirmation.conditions), "rehearsal": plan.rehearsal,
            "fingerprint": plan.fingerprint, "repo": plan.repo,
            "steps": [list(s.argv) for s in plan.steps]})
        # Every open incident gets the rollback on its record (its incident.* timeline).
        for (incident_id,) in tx.conn.execute(
                "SELECT id FROM incidents WHERE resolved_at IS NULL ORDER BY id"):
            tx.event(operator, "incident.rollback", str(incident_id), {
                "run": run_id, "from": plan.running, "target": plan.target,
                "reason": reason})
        record = _run(tx.conn, run_id)
    assert record is not None
    return Started(record)


# -- the runner's writes ---------------------------------------------------------------------


def claim_run(
    store: Store, run_id: int, pid: int, host: str, started: float, now: float,
) -> RunRecord | None:
    """Become the run's runner; None if it is not running or already has one."""
    with store.write() as tx:
        cursor = tx.conn.execute(
            "UPDATE rollback_runs SET runner_pid = ?, runner_host = ?, runner_started = ?,"
            " heartbeat = ? WHERE id = ? AND state = 'running' AND runner_pid IS NULL",
            (pid, host, started, now, run_id))
        if cursor.rowcount != 1:
            return None
        return _run(tx.conn, run_id)


def heartbeat(store: Store, run_id: int, pid: int, now: float) -> bool:
    """The runner is alive; False once the run is no longer its running run."""
    with store.write() as tx:
        return tx.conn.execute(
            "UPDATE rollback_runs SET heartbeat = ? WHERE id = ? AND state = 'running'"
            " AND runner_pid = ?", (now, run_id, pid)).rowcount == 1


def add_lines(store: Store, run_id: int, lines: Sequence[LineIn]) -> None:
    with store.write() as tx:
        tx.conn.executemany(
            "INSERT INTO rollback_lines (run_id, step, at, stream, text) VALUES (?, ?, ?, ?, ?)",
            [(run_id, step, to_text(at), stream, text) for step, at, stream, text in lines])


def step_started(store: Store, run_id: int, step: int, pid: int | None) -> None:
    with store.write() as tx:
        tx.conn.execute(
            "UPDATE rollback_steps SET state = 'running', started_at = ?, pid = ?"
            " WHERE run_id = ? AND step = ?", (to_text(tx.at), pid, run_id, step))


def step_finished(
    store: Store, run_id: int, step: int, state: StepState, exit_code: int | None,
    duration: float, message: str,
) -> None:
    with store.write() as tx:
        tx.conn.execute(
            "UPDATE rollback_steps SET state = ?, ended_at = ?, exit_code = ?, duration = ?,"
            " message = ? WHERE run_id = ? AND step = ?",
            (state.value, to_text(tx.at), exit_code, duration, message, run_id, step))
        row = tx.conn.execute("SELECT started_by, (SELECT name FROM rollback_steps WHERE"
                              " run_id = ? AND step = ?) FROM rollback_runs WHERE id = ?",
                              (run_id, step, run_id)).fetchone()
        tx.event(row[0], "rollback.step", str(run_id), {
            "step": step, "name": row[1], "state": state.value, "exit_code": exit_code,
            "duration": round(duration, 3), "message": message})


def finish_run(
    store: Store, run_id: int, state: RunState, outcome: str, notice: str = "",
) -> bool:
    """End the run (once); steps never reached become skipped. ``notice`` replaces the
    planned text: the runner passes it on success and "" otherwise."""
    with store.write() as tx:
        changed = tx.conn.execute(
            "UPDATE rollback_runs SET state = ?, ended_at = ?, outcome = ?, notice = ?"
            " WHERE id = ? AND state = 'running'",
            (state.value, to_text(tx.at), outcome, notice, run_id)).rowcount == 1
        if changed:
            _end_steps(tx.conn, run_id, StepState.SKIPPED)
            started_by, from_version, target, rehearsal = tx.conn.execute(
                "SELECT started_by, from_version, target, rehearsal FROM rollback_runs"
                " WHERE id = ?", (run_id,)).fetchone()
            tx.event(started_by, "rollback.finish", str(run_id),
                     {"state": state.value, "outcome": outcome, "notice": notice})
            # The team channel hears of every end, in the same transaction as the end itself:
            # the seed's completion text on success, what happened otherwise.
            text = notice or f"{from_version} → {target} 롤백 {state.value}: {outcome}"
            outbox.enqueue(tx, text=text, rehearsal=bool(rehearsal),
                           dedupe=f"rollback:{run_id}", subject=str(run_id))
        return changed


def cancel_requested(store: Store, run_id: int) -> str:
    """Who asked to cancel the run; "" when nobody did."""
    with store.read() as conn:
        row = conn.execute("SELECT cancel_requested_by FROM rollback_runs WHERE id = ?",
                           (run_id,)).fetchone()
    return "" if row is None else str(row[0])


# -- anyone's writes -------------------------------------------------------------------------


def request_cancel(store: Store, run_id: int, operator: str) -> CancelResult:
    """Ask the runner to end the run; it ends the step's process group and records it."""
    with store.write() as tx:
        run = _run(tx.conn, run_id)
        if run is None:
            return CancelResult(False, f"there is no rollback #{run_id}")
        if not run.active:
            return CancelResult(False, f"rollback #{run_id} already ended ({run.state})")
        if run.cancel_requested_by:
            return CancelResult(False, f"cancel already requested by {run.cancel_requested_by}")
        tx.conn.execute("UPDATE rollback_runs SET cancel_requested_by = ?,"
                        " cancel_requested_at = ? WHERE id = ?",
                        (operator, to_text(tx.at), run_id))
        tx.event(operator, "rollback.cancel", str(run_id), {"target": run.target})
        return CancelResult(True, f"cancel requested by {operator}")


def mark_unknown(
    store: Store, run_id: int, observer: str, seen_heartbeat: float | None, outcome: str,
) -> bool:
    """The runner is gone: end the run as unknown (never re-run), if nothing moved since."""
    with store.write() as tx:
        changed = tx.conn.execute(
            "UPDATE rollback_runs SET state = 'unknown', ended_at = ?, outcome = ?"
            " WHERE id = ? AND state = 'running' AND heartbeat IS ?",
            (to_text(tx.at), outcome, run_id, seen_heartbeat)).rowcount == 1
        if changed:
            tx.conn.execute("UPDATE rollback_runs SET notice = '' WHERE id = ?", (run_id,))
            _end_steps(tx.conn, run_id, StepState.SKIPPED)
            tx.event(observer, "rollback.unknown", str(run_id), {"outcome": outcome})
        return changed


def _end_steps(conn: sqlite3.Connection, run_id: int, pending_to: StepState) -> None:
    conn.execute("UPDATE rollback_steps SET state = 'unknown' WHERE run_id = ?"
                 " AND state = 'running'", (run_id,))
    conn.execute("UPDATE rollback_steps SET state = ? WHERE run_id = ? AND state = 'pending'",
                 (pending_to.value, run_id))


# -- the read model --------------------------------------------------------------------------


def get_run(store: Store, run_id: int) -> RunRecord | None:
    with store.read() as conn:
        return _run(conn, run_id)


def running_run(store: Store) -> RunRecord | None:
    with store.read() as conn:
        return _running(conn)


def current_run(store: Store) -> RunRecord | None:
    """The running run, else the last one; None before the first rollback."""
    with store.read() as conn:
        row = conn.execute(f"SELECT {_RUN} FROM rollback_runs ORDER BY state = 'running' DESC,"
                           " id DESC LIMIT 1").fetchone()
        return None if row is None else _record(conn, row)


def past_runs(store: Store, limit: int = 50) -> list[RunRecord]:
    """Runs newest first, with their steps: the timeline, the handover and the report."""
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_RUN} FROM rollback_runs ORDER BY id DESC LIMIT ?",
                            (limit,)).fetchall()
        return [_record(conn, row) for row in rows]


def lines_since(store: Store, run_id: int, after_id: int = 0, limit: int = 2000) -> list[RunLine]:
    """The run's output lines with id > after_id, oldest first (poll to stream)."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT id, run_id, step, at, stream, text FROM rollback_lines"
            " WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?", (run_id, after_id, limit))
        return [RunLine(int(r[0]), int(r[1]), r[2], from_text(r[3]), r[4], r[5]) for r in rows]


def _running(conn: sqlite3.Connection) -> RunRecord | None:
    row = conn.execute(f"SELECT {_RUN} FROM rollback_runs WHERE state = 'running'").fetchone()
    return None if row is None else _record(conn, row)


def _run(conn: sqlite3.Connection, run_id: int) -> RunRecord | None:
    row = conn.execute(f"SELECT {_RUN} FROM rollback_runs WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else _record(conn, row)


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


def _record(conn: sqlite3.Connection, row: Sequence[Any]) -> RunRecord:
    (run_id, started_by, started_at, reason, conditions, from_version, target, repo,
     fingerprint, rehearsal, state, pid, host, runner_started, beat, cancel_by, cancel_at,
     ended_at, outcome, notice) = row
    steps = tuple(
        StepRecord(int(s[0]), s[1], tuple(json.loads(s[2])), s[3], float(s[4]),
                   StepState(s[5]), _time(s[6]), _time(s[7]), s[8], s[9], s[10], s[11])
        for s in conn.execute(f"SELECT {_STEP} FROM rollback_steps WHERE run_id = ?"
                              " ORDER BY step", (run_id,)))
    return RunRecord(
        id=int(run_id), started_by=started_by, started_at=from_text(started_at), reason=reason,
        conditions=tuple(json.loads(conditions)), from_version=from_version, target=target,
        repo=repo, fingerprint=fingerprint, rehearsal=bool(rehearsal), state=RunState(state),
        steps=steps, runner_pid=pid, runner_host=host, runner_started=runner_started,
        heartbeat=beat, cancel_requested_by=cancel_by, cancel_requested_at=_time(cancel_at),
        ended_at=_time(ended_at), outcome=outcome, notice=notice)
