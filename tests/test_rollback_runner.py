"""Applying a rollback for real: a runner process, a git repository, make, the database.

Every test starts the real runner (``python -m autus_tui.services.rollback_runner``) and
waits on the database with bounded polling. Slow steps wait for a gate file the test
creates, so nothing depends on how long anything takes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest
from rollback_repo import ENV, git, head, make_repo, wait_for

from autus_tui.core.rollback import RollbackConfig, StepSpec
from autus_tui.core.rollback_plan import Confirmation, RollbackPlan
from autus_tui.core.rollback_run import Refused, RunRecord, RunState, Started, StepState
from autus_tui.services.rollback_liveness import observe, runner_alive
from autus_tui.services.rollback_planning import plan_for
from autus_tui.services.rollback_runner import apply, cancel, watch
from autus_tui.store import Store, load_or_start_rehearsal_clock, outbox
from autus_tui.store.rollbacks import get_run, lines_since, past_runs

GATE = 'echo waiting; while [ ! -e "$1" ]; do sleep 0.02; done; echo gate open'


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    """The database; afterwards no runner or step of these tests is left running."""
    path = tmp_path / "launch.db"
    yield path
    if not path.exists():
        return
    with Store(path) as store:
        for run in past_runs(store):
            if run.active and run.runner_pid and runner_alive(run):
                os.kill(run.runner_pid, signal.SIGKILL)
            for step in run.steps:
                if step.pid and step.state in (StepState.RUNNING, StepState.UNKNOWN):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(step.pid, signal.SIGKILL)


def confirmed(plan: RollbackPlan, reason: str = "gate down for 35 min") -> Confirmation:
    return Confirmation(("outage_30m",), reason, plan.target or "", plan.fingerprint)


def start(
    store: Store, repo: Path, config: RollbackConfig | None = None, *, operator: str = "alice",
    rehearsal: bool = False, env: dict[str, str] = ENV,
) -> RunRecord:
    config = config or RollbackConfig()
    plan = plan_for(store, config, repo, operator, rehearsal=rehearsal, env=env)
    result = apply(store, config, plan, confirmed(plan), operator, repo, rehearsal=rehearsal,
                   env=env)
    assert isinstance(result, Started), result
    return result.run


def ended(store: Store, run_id: int, timeout: float = 30.0) -> RunRecord:
    def probe() -> RunRecord | None:
        run = get_run(store, run_id)
        return run if run is not None and not run.active else None

    return wait_for(probe, timeout, f"rollback #{run_id} to end")


def step_running(store: Store, run_id: int, index: int) -> RunRecord:
    def probe() -> RunRecord | None:
        run = get_run(store, run_id)
        texts = [line.text for line in lines_since(store, run_id) if line.step == index]
        return run if run is not None and "waiting" in texts else None

    return wait_for(probe, 20, f"step {index + 1} of rollback #{run_id} to run")


def texts(store: Store, run_id: int) -> list[str]:
    return [line.text for line in lines_since(store, run_id)]


def steps(*specs: tuple[tuple[str, ...], float]) -> RollbackConfig:
    return RollbackConfig(steps=tuple(StepSpec(f"step{n}", argv, timeout)
                                      for n, (argv, timeout) in enumerate(specs, 1)))


CHECKOUT = (("git", "checkout", "{target}"), 30.0)
DEPLOY = (("make", "deploy-prod"), 60.0)


def test_apply_checks_out_v0_9_10_and_runs_make_deploy_prod(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    with Store(db) as store:
        run = ended(store, start(store, repo).id)
        assert run.state is RunState.SUCCEEDED, run.outcome
        assert (tmp_path / "deployed.txt").read_text().strip() == "v0.9.10"
        assert head(repo) == git(repo, "rev-parse", "v0.9.10^{commit}")
        assert [(s.state, s.exit_code) for s in run.steps] == [(StepState.SUCCEEDED, 0)] * 3
        assert all(s.duration is not None and s.duration >= 0 for s in run.steps)
        out = texts(store, run.id)
        assert "v1.0.0" in out and "deploying v0.9.10" in out  # git tag -l, then make
        assert run.notice == "v1.0.0 → v0.9.10 롤백 완료"
        assert (run.from_version, run.target, run.started_by) == ("v1.0.0", "v0.9.10", "alice")
        assert run.condition_labels == ("전체 서비스 30분 이상 중단",)
        kinds = [e.kind for e in store.events_since(0) if e.kind.startswith("rollback.")]
        assert kinds == ["rollback.start", *["rollback.step"] * 3, "rollback.finish"]
        # The internal notification waits in the outbox for the live channel.
        assert [(n.text, n.rehearsal) for n in outbox.notices(store)] == [
            ("v1.0.0 → v0.9.10 롤백 완료", False)]


def test_a_failing_step_stops_the_rest(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    config = steps(CHECKOUT, (("sh", "-c", "echo boom >&2; exit 3"), 10), DEPLOY)
    with Store(db) as store:
        run = ended(store, start(store, repo, config).id)
        assert run.state is RunState.FAILED
        assert [(s.state, s.exit_code) for s in run.steps] == [
            (StepState.SUCCEEDED, 0), (StepState.FAILED, 3), (StepState.SKIPPED, None)]
        assert "step 2 (step2) exited 3" in run.outcome and run.notice == ""
        assert not (tmp_path / "deployed.txt").exists()
        boom = [line for line in lines_since(store, run.id) if line.text == "boom"]
        assert [(line.step, line.stream) for line in boom] == [(1, "stderr")]
        (notice,) = outbox.notices(store)  # the team hears of a failed rollback too
        assert notice.text.startswith("v1.0.0 → v0.9.10 롤백 failed: step 2 (step2) exited 3")


def test_a_step_past_its_timeout_has_its_whole_group_killed(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    pidfile = tmp_path / "child.pid"
    stubborn = 'trap "" TERM; sleep 300 & echo $! > "$1"; echo waiting; wait'
    config = steps((("sh", "-c", stubborn, "sh", str(pidfile)), 0.5), DEPLOY)
    with Store(db) as store:
        run = ended(store, start(store, repo, config).id)
        slow = run.steps[0]
        assert (run.state, slow.state) == (RunState.FAILED, StepState.TIMEOUT)
        assert slow.exit_code == -signal.SIGKILL  # SIGTERM was ignored, SIGKILL ended it
        assert "timed out after 0.5 s: its process group was ended" in slow.message
        assert run.steps[1].state is StepState.SKIPPED
        child = int(pidfile.read_text())
        wait_for(lambda: not _alive(child), 10, "the step's background child to be gone")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


SECOND = """
import sys
from pathlib import Path
from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_plan import Confirmation
from autus_tui.services.rollback_planning import plan_for
from autus_tui.services.rollback_runner import apply
from autus_tui.store import Store
store, repo = Store(sys.argv[1]), Path(sys.argv[2])
plan = plan_for(store, RollbackConfig(), repo, "bob")
said = Confirmation(("security",), "second opinion", plan.target or "", plan.fingerprint)
result = apply(store, RollbackConfig(), plan, said, "bob", repo, rehearsal=False)
print(type(result).__name__, getattr(result, "why", ""), result.running.started_by)
"""


def test_a_second_start_while_one_runs_is_refused_everywhere(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    gate = tmp_path / "gate"
    config = steps((("sh", "-c", GATE, "sh", str(gate)), 60))
    with Store(db) as first, Store(db) as second:
        run = start(first, repo, config)
        step_running(first, run.id, 0)
        plan = plan_for(second, RollbackConfig(), repo, "bob", env=ENV)
        busy = {c.key: c for c in plan.checks}["no_rollback_running"]
        assert not busy.ok and "started by alice" in busy.reason
        refused = apply(second, RollbackConfig(), plan, confirmed(plan), "bob", repo,
                        rehearsal=False, env=ENV)
        assert isinstance(refused, Refused) and refused.why == "running"
        assert refused.running is not None and refused.running.id == run.id
        assert f"#{run.id} to v0.9.10 started by alice at" in refused.message
        other = subprocess.run([sys.executable, "-c", SECOND, str(db), str(repo)], env=ENV,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=60)
        assert other.stdout.split() == ["Refused", "running", "alice"], other.stderr
        gate.touch()
        assert ended(first, run.id).state is RunState.SUCCEEDED
        assert [r.id for r in past_runs(first)] == [run.id]  # nothing ran twice


UI = """
import sys, threading
from pathlib import Path
from autus_tui.core.rollback import RollbackConfig, StepSpec
from autus_tui.core.rollback_plan import Confirmation
from autus_tui.services.rollback_planning import plan_for
from autus_tui.services.rollback_runner import apply
from autus_tui.store import Store
store, repo, gate = Store(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
config = RollbackConfig(steps=(
    StepSpec("checkout", ("git", "checkout", "{target}"), 30),
    StepSpec("slow", ("sh", "-c", sys.argv[4], "sh", gate), 60),
    StepSpec("deploy", ("make", "deploy-prod"), 60)))
plan = plan_for(store, config, repo, "alice")
said = Confirmation(("outage_30m",), "outage", plan.target or "", plan.fingerprint)
print(apply(store, config, plan, said, "alice", repo, rehearsal=False).run.id, flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])
def test_the_ui_killed_or_hung_up_mid_step_leaves_the_step_finishing(
    tmp_path: Path, db: Path, sig: signal.Signals,
) -> None:
    repo = make_repo(tmp_path)
    gate = tmp_path / "gate"
    # The UI in a session of its own: signalling its group is what a terminal hangup does.
    ui = subprocess.Popen([sys.executable, "-c", UI, str(db), str(repo), str(gate), GATE],
                          env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          text=True, start_new_session=True)
    try:
        assert ui.stdout is not None
        run_id = int(ui.stdout.readline())
        with Store(db) as store:
            step_running(store, run_id, 1)
            os.killpg(ui.pid, sig)
            assert ui.wait(timeout=10) == -sig
            view = watch(store, "alice")  # a restarted UI re-attaches to the running run
            assert view is not None and view.run.id == run_id and view.run.active
            seen = [line.text for line in view.lines]
            gate.touch()

            def streamed() -> RunRecord | None:
                nonlocal view
                assert view is not None
                view = watch(store, "alice", run_id, view.last_line_id)
                assert view is not None
                seen.extend(line.text for line in view.lines)
                return None if view.run.active else view.run

            run = wait_for(streamed, 30, "the run to end while streaming")
            assert run.state is RunState.SUCCEEDED, run.outcome
            assert seen == texts(store, run_id)  # every line once, in order
            assert "gate open" in seen
            assert (tmp_path / "deployed.txt").read_text().strip() == "v0.9.10"
    finally:
        if ui.poll() is None:
            ui.kill()
            ui.wait()


def test_a_runner_killed_is_marked_unknown_and_never_run_again(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    gate = tmp_path / "gate"
    config = steps((("sh", "-c", GATE, "sh", str(gate)), 60), DEPLOY)
    with Store(db) as store:
        run = step_running(store, start(store, repo, config).id, 0)
        assert run.runner_pid is not None
        os.kill(run.runner_pid, signal.SIGKILL)

        def unknown() -> RunRecord | None:
            seen = observe(store, "bob", ttl=0.5)
            return seen if seen is not None and seen.state is RunState.UNKNOWN else None

        dead = wait_for(unknown, 20, "the dead runner's run to be marked unknown")
        assert "will not be re-run" in dead.outcome and "step 1 (step1)" in dead.outcome
        assert [s.state for s in dead.steps] == [StepState.UNKNOWN, StepState.SKIPPED]
        assert [e.operator for e in store.events_since(0) if e.kind == "rollback.unknown"] == [
            "bob"]
        lines = len(texts(store, run.id))
        again = subprocess.run(
            [sys.executable, "-m", "autus_tui.services.rollback_runner", "--db", str(db),
             "--run", str(run.id)], env=ENV, stdin=subprocess.DEVNULL, timeout=60)
        assert again.returncode == 3  # refused: a run is claimed once
        gate.touch()
        assert get_run(store, run.id).state is RunState.UNKNOWN  # type: ignore[union-attr]
        assert len(texts(store, run.id)) == lines
        assert not (tmp_path / "deployed.txt").exists()


def test_cancel_ends_the_steps_process_group_and_is_recorded(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    pidfile = tmp_path / "child.pid"
    script = 'sleep 300 & echo $! > "$1"; echo waiting; wait'
    config = steps((("sh", "-c", script, "sh", str(pidfile)), 60), DEPLOY)
    with Store(db) as store:
        run = step_running(store, start(store, repo, config).id, 0)
        assert cancel(store, run.id, "bob").ok
        assert not cancel(store, run.id, "carol").ok  # asked once
        done = ended(store, run.id)
        assert done.state is RunState.CANCELLED and "cancelled by bob" in done.outcome
        assert [s.state for s in done.steps] == [StepState.CANCELLED, StepState.SKIPPED]
        assert any("cancelled by bob" in text for text in texts(store, run.id))
        wait_for(lambda: not _alive(int(pidfile.read_text())), 10, "the group to be ended")
        assert [e.operator for e in store.events_since(0) if e.kind == "rollback.cancel"] == [
            "bob"]


def test_rehearsal_executes_nothing_and_records_a_dry_run(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    before = head(repo)
    with Store(db) as store:
        rehearsal_day = datetime(2030, 11, 27, 8, 55, tzinfo=UTC)
        load_or_start_rehearsal_clock(store, rehearsal_day, 60.0)
        run = ended(store, start(store, repo, rehearsal=True).id)
        # The runner keeps the rehearsal's time: the same simulated day as the UI.
        assert {line.at.date() for line in lines_since(store, run.id)} == {rehearsal_day.date()}
        assert run.started_at.date() == rehearsal_day.date()
        assert run.rehearsal and run.state is RunState.SUCCEEDED
        assert head(repo) == before and git(repo, "status", "--porcelain") == ""
        assert not (tmp_path / "deployed.txt").exists()
        out = texts(store, run.id)
        assert "would run: git checkout v0.9.10" in out and "would run: make deploy-prod" in out
        assert [s.exit_code for s in run.steps] == [0, 0, 0]
        assert run.notice == "v1.0.0 → v0.9.10 롤백 완료"  # for the rehearsal webhook only
        assert [(n.text, n.rehearsal) for n in outbox.notices(store)] == [
            ("v1.0.0 → v0.9.10 롤백 완료", True)]


def test_hostile_output_is_recorded_without_escapes_or_bidi(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    hostile = r"printf '\033[31mred\033[0m [bold]x[/] \342\200\256evil\033]0;pwned\007\n'"
    config = steps((("sh", "-c", hostile + " ; printf '[@click=app.quit]q\\n' >&2"), 10))
    with Store(db) as store:
        run = ended(store, start(store, repo, config).id)
        out = [(line.stream, line.text) for line in lines_since(store, run.id)
               if line.stream != "system"]
        assert sorted(out) == [("stderr", "[@click=app.quit]q"), ("stdout", "red [bold]x[/] evil")]


def test_make_missing_is_a_recorded_failure(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    only_git = tmp_path / "bin"
    only_git.mkdir()
    git_path = shutil.which("git")
    assert git_path is not None
    (only_git / "git").symlink_to(git_path)
    with Store(db) as store:
        run = start(store, repo, env={**ENV, "PATH": str(only_git)})
        run = ended(store, run.id)
        deploy = run.steps[2]
        assert (run.state, deploy.state, deploy.exit_code) == (
            RunState.FAILED, StepState.FAILED, None)
        assert deploy.message == "cannot run make: not found (is it installed and on PATH?)"
        assert "step 3 (재배포) cannot run make" in run.outcome


def test_a_plan_that_changed_since_it_was_confirmed_must_be_planned_again(
    tmp_path: Path, db: Path,
) -> None:
    repo = make_repo(tmp_path)
    config = RollbackConfig()
    with Store(db) as store:
        plan = plan_for(store, config, repo, "alice", env=ENV)
        git(repo, "tag", "v0.9.11", "v0.9.10")  # someone tags a newer target meanwhile
        result = apply(store, config, plan, confirmed(plan), "alice", repo, rehearsal=False,
                       env=ENV)
        assert isinstance(result, Refused) and result.why == "plan_changed"
        assert result.plan is not None and result.plan.target == "v0.9.11"
        assert past_runs(store) == [] and head(repo) == git(repo, "rev-parse", "v1.0.0^{}")


def test_enter_on_a_fresh_plan_or_a_dirty_tree_runs_nothing(tmp_path: Path, db: Path) -> None:
    repo = make_repo(tmp_path)
    config = RollbackConfig()
    with Store(db) as store:
        plan = plan_for(store, config, repo, "alice", env=ENV)
        fresh = Confirmation((), "", "", plan.fingerprint)
        result = apply(store, config, plan, fresh, "alice", repo, rehearsal=False, env=ENV)
        assert isinstance(result, Refused) and result.why == "not_confirmed"
        assert [p.field for p in result.problems] == ["conditions", "reason", "target"]
        (repo / "VERSION").write_text("hand edit\n", encoding="utf-8")
        dirty = plan_for(store, config, repo, "alice", env=ENV)
        result = apply(store, config, dirty, confirmed(dirty), "alice", repo, rehearsal=False,
                       env=ENV)
        assert isinstance(result, Refused) and "working tree is clean: no" in result.message
        assert past_runs(store) == []
