"""Rollback runs in the database: the one-run lock across stores and processes, the record."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_plan import Confirmation, RepoFacts, RollbackPlan, build_plan
from autus_tui.core.rollback_run import Refused, RunState, Started, StepState
from autus_tui.store import Store
from autus_tui.store import rollbacks as rb

START = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


def plan() -> RollbackPlan:
    facts = RepoFacts("/srv/autus", tags=("v0.9.9", "v0.9.10", "v1.0.0"), head="a" * 40,
                      head_tags=("v1.0.0",), target="v0.9.10", target_sha="b" * 40)
    return build_plan(RollbackConfig(), facts)


def confirmation(p: RollbackPlan) -> Confirmation:
    return Confirmation(("data_integrity",), "afterimage rows lost", "v0.9.10", p.fingerprint)


def start(store: Store, operator: str) -> Started | Refused:
    p = plan()
    return rb.start_run(store, p, confirmation(p), operator, time.time())


def test_one_running_rollback_per_database_file(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path, FixedClock(START)) as first, Store(path) as second:
        started = start(first, "alice")
        assert isinstance(started, Started)
        refused = start(second, "bob")
        assert isinstance(refused, Refused) and refused.why == "running"
        assert refused.message == (
            f"rollback #{started.run.id} to v0.9.10 started by alice at 2026-11-27 05:00:00 UTC"
            " is running")
        conn = sqlite3.connect(path)
        with pytest.raises(sqlite3.IntegrityError):  # the lock is in the file, not in memory
            conn.execute("INSERT INTO rollback_runs (started_by, started_at, reason,"
                         " from_version, target, repo, fingerprint, state) VALUES"
                         " ('eve', 'x', 'r', 'a', 'b', 'c', 'd', 'running')")
        conn.close()
        rb.finish_run(first, started.run.id, RunState.SUCCEEDED, "done")
        assert isinstance(start(second, "bob"), Started)  # once it ended, a new one may start


RACE = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_rollback_store import start
from autus_tui.store import Store
store = Store(sys.argv[1])
gate = Path(sys.argv[2])
while not gate.exists():
    time.sleep(0.005)
print(type(start(store, sys.argv[4])).__name__, flush=True)
"""


def test_processes_racing_to_start_get_exactly_one_run(tmp_path: Path) -> None:
    path, gate = tmp_path / "launch.db", tmp_path / "go"
    Store(path).close()
    here = str(Path(__file__).parent)
    procs = [subprocess.Popen([sys.executable, "-c", RACE, str(path), str(gate), here, name],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
             for name in ("alice", "bob", "carol", "dave")]
    gate.touch()
    said = sorted(proc.communicate(timeout=60)[0].strip() for proc in procs)
    assert said == ["Refused", "Refused", "Refused", "Started"]
    with Store(path) as store:
        assert len(rb.past_runs(store)) == 1


def test_a_run_is_claimed_once_and_its_record_reads_back(tmp_path: Path) -> None:
    clock = FixedClock(START)
    with Store(tmp_path / "launch.db", clock) as store:
        started = start(store, "alice")
        assert isinstance(started, Started)
        run_id = started.run.id
        assert [s.state for s in started.run.steps] == [StepState.PENDING] * 3
        assert started.run.steps[1].argv == ("git", "checkout", "v0.9.10")
        assert rb.claim_run(store, run_id, 4242, "host", 1.0, time.time()) is not None
        assert rb.claim_run(store, run_id, 4343, "host", 1.0, time.time()) is None
        rb.step_started(store, run_id, 0, 5000)
        clock.advance(timedelta(seconds=2))
        rb.add_lines(store, run_id, [(0, clock.now(), "stdout", "v1.0.0"),
                                     (0, clock.now(), "stderr", "warning")])
        first = rb.lines_since(store, run_id)
        rb.add_lines(store, run_id, [(0, clock.now(), "stdout", "more")])
        assert [line.text for line in rb.lines_since(store, run_id, first[-1].id)] == ["more"]
        rb.step_finished(store, run_id, 0, StepState.SUCCEEDED, 0, 0.25, "exited 0")
        assert rb.heartbeat(store, run_id, 4242, time.time())
        assert not rb.heartbeat(store, run_id, 9999, time.time())  # not its runner
        rb.finish_run(store, run_id, RunState.FAILED, "step 2 exited 1")
        run = rb.get_run(store, run_id)
        assert run is not None and run.state is RunState.FAILED and run.notice == ""
        assert [s.state for s in run.steps] == [StepState.SUCCEEDED, StepState.SKIPPED,
                                                StepState.SKIPPED]
        assert (run.steps[0].exit_code, run.steps[0].duration) == (0, 0.25)
        assert not rb.heartbeat(store, run_id, 4242, time.time())  # ended: writes refused
        assert not rb.finish_run(store, run_id, RunState.SUCCEEDED, "again")
        assert not rb.request_cancel(store, run_id, "bob").ok
        assert rb.current_run(store) == run


def test_a_dead_runner_is_marked_unknown_only_if_its_heartbeat_did_not_move(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "launch.db") as store:
        started = start(store, "alice")
        assert isinstance(started, Started)
        rb.claim_run(store, started.run.id, 4242, "host", 1.0, 100.0)
        rb.heartbeat(store, started.run.id, 4242, 101.0)
        assert not rb.mark_unknown(store, started.run.id, "bob", 100.0, "gone")
        assert rb.mark_unknown(store, started.run.id, "bob", 101.0, "gone")
        run = rb.get_run(store, started.run.id)
        assert run is not None
        assert (run.state, run.outcome, run.notice) == (RunState.UNKNOWN, "gone", "")


def test_an_open_incident_gets_the_rollback_on_its_record(tmp_path: Path) -> None:
    from autus_tui.core.escalation import EscalationPolicy
    from autus_tui.store import incidents

    with Store(tmp_path / "launch.db", FixedClock(START)) as store:
        gate = incidents.declare(store, "alice", severity="심각", situation="전체 Gate 고장",
                                 policy=EscalationPolicy()).incident
        closed = incidents.declare(store, "alice", severity="주의", situation="메모리 경고",
                                   policy=EscalationPolicy()).incident
        incidents.resolve(store, closed.id, "alice", "GC")
        started = start(store, "bob")
        assert isinstance(started, Started)
        on_record = [e for e in store.events_since(0) if e.kind == "incident.rollback"]
        assert [(e.subject, e.operator, e.detail["run"], e.detail["target"])
                for e in on_record] == [(str(gate.id), "bob", started.run.id, "v0.9.10")]
