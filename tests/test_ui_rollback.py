"""The rollback from the control room, driven from the keyboard with Pilot.

Real parts only: a git repository in tmp_path (tags v0.9.0, v0.9.9, v0.9.10, v1.0.0 and a
Makefile whose ``deploy-prod`` writes ``deployed.txt``), a SQLite file, the real
detached runner. Waits are on conditions (the database's run state, the screen), never
fixed sleeps; slow steps wait for a gate file the test creates.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from conftest import wait_until
from rollback_repo import ENV, git, head, wait_for

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.core.rollback import RollbackConfig, StepSpec
from autus_tui.core.rollback_plan import Confirmation
from autus_tui.core.rollback_run import RunRecord, RunState, Started, StepState
from autus_tui.services.rollback_planning import plan_for
from autus_tui.services.rollback_runner import apply
from autus_tui.store import Store
from autus_tui.store.rollbacks import current_run, lines_since, past_runs
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.dialogs.rollback_plan_dialog import RollbackPlanDialog
from autus_tui.ui.dialogs.rollback_run_view import RollbackRunDialog
from autus_tui.ui.rollback_calls import RollbackSite
from autus_tui.ui.testing import screen_text

START = datetime(2026, 11, 27, 0, 3, tzinfo=UTC)  # 09:03 KST
GATE = 'echo waiting; while [ ! -e "$1" ]; do sleep 0.02; done; echo gate open'
RUN_TIMEOUT = 30.0
MISSING_ALL = ("Not applied, nothing runs: tick at least one rollback condition; give a "
               "reason; type the target v0.9.10 in full")


def make_app(db: Path, repo: Path, *, rehearsal: bool = False,
             config: RollbackConfig | None = None) -> tuple[ControlRoom, Store]:
    clock = FixedClock(START)
    store = Store(db, clock)
    rollback = config or RollbackConfig()
    app = ControlRoom(Config(operator="alice", rollback=rollback), clock, rehearsal=rehearsal,
                      poll=False, host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0),
                      store=store)
    app.controller.rollback = RollbackSite(rollback, repo, rehearsal, ENV)
    return app, store


def gated(gate: Path) -> RollbackConfig:
    """A first step that waits for ``gate``, then the seed's checkout and deploy."""
    return RollbackConfig(steps=(
        StepSpec("대기", ("sh", "-c", GATE, "sh", str(gate)), 120.0),
        StepSpec("이전 버전으로 롤백", ("git", "checkout", "{target}"), 60.0),
        StepSpec("재배포", ("make", "deploy-prod"), 60.0)))


def keys(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


async def open_plan(pilot: object) -> RollbackPlanDialog:
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press("R")  # type: ignore[attr-defined]

    def ready() -> bool:
        screen = app.screen
        # Planned, and painted: the title names the target only once a plan is shown.
        return isinstance(screen, RollbackPlanDialog) and screen.plan is not None \
            and screen._planning is None and " → " in screen_text(app)

    assert await wait_until(pilot, ready, timeout=15)  # type: ignore[arg-type]
    dialog: RollbackPlanDialog = app.screen
    return dialog


async def confirm(pilot: object, reason: str, target: str) -> None:
    """The keyboard path: tick the highlighted condition, tab, reason, tab, target, enter."""
    await pilot.press("space", "tab", *keys(reason), "tab", *keys(target),  # type: ignore
                      "enter")


def run_in(store: Store, state: RunState) -> Callable[[], bool]:
    def probe() -> bool:
        run = current_run(store)
        return run is not None and run.state is state

    return probe


def started_elsewhere(db: Path, repo: Path, config: RollbackConfig) -> RunRecord:
    """bob starts a rollback from another Store (another process, as far as the app knows)."""
    with Store(db) as other:
        plan = plan_for(other, config, repo, "bob", env=ENV)
        confirmation = Confirmation(("security",), "CVE in the gate", plan.target or "",
                                    plan.fingerprint)
        result = apply(other, config, plan, confirmation, "bob", repo, rehearsal=False,
                       env=ENV)
        assert isinstance(result, Started), result
        wait_for(lambda: any(line.text == "waiting"
                             for line in lines_since(other, result.run.id)), 20, "the gate")
        return result.run


async def test_the_keyboard_path_applies_the_rollback(release_repo: Path,
                                                       rollback_db: Path) -> None:
    app, store = make_app(rollback_db, release_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "⟲ Rollback (R)" in screen_text(app)
        dialog = await open_plan(pilot)
        assert app.focused is dialog.conditions
        assert dialog.plan is not None and dialog.plan.target == "v0.9.10"
        await confirm(pilot, "gate down 35 min", "v0.9.10")
        assert await wait_until(pilot, run_in(store, RunState.SUCCEEDED), RUN_TIMEOUT)
        run = current_run(store)
        assert run is not None
        assert (run.started_by, run.reason, run.conditions) == (
            "alice", "gate down 35 min", ("outage_30m",))
        assert (release_repo.parent / "deployed.txt").read_text().strip() == "v0.9.10"
        assert head(release_repo) == git(release_repo, "rev-parse", "v0.9.10^{commit}")
        # The run view streams it to the end.
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog)
                                and "deploying v0.9.10" in app.screen.output_text)
        assert await wait_until(pilot, lambda: "SUCCEEDED" in screen_text(app))
        text = screen_text(app)
        assert "Rollback #1" in text and "v1.0.0 → v0.9.10" in text
        assert "started by alice" in text and "gate down 35 min" in text


async def test_enter_or_y_alone_run_nothing_and_say_what_is_missing(
    release_repo: Path, rollback_db: Path
) -> None:
    before = head(release_repo)
    app, store = make_app(rollback_db, release_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_plan(pilot)
        await pilot.press("enter")
        assert dialog.status_text == MISSING_ALL
        dialog.say("")
        await pilot.press("y")
        assert dialog.status_text == MISSING_ALL
        assert dialog.conditions.ticked == set()  # enter never ticks
        await pilot.press("tab", "tab", "enter")   # enter in the empty target field
        assert dialog.status_text == MISSING_ALL
        assert app.focused is dialog.conditions    # focus goes to the first thing missing
        await pilot.press("space", "tab", "enter")  # ticked, but enter in a blank reason
        assert dialog.status_text == "Not applied, nothing runs: give a reason"
        assert app.focused is dialog.reason
        assert isinstance(app.screen, RollbackPlanDialog)
        assert past_runs(store) == []
    assert head(release_repo) == before
    assert not (release_repo.parent / "deployed.txt").exists()


async def test_a_wrong_typed_target_runs_nothing_and_says_so(
    release_repo: Path, rollback_db: Path
) -> None:
    app, store = make_app(rollback_db, release_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_plan(pilot)
        await confirm(pilot, "gate down", "v0.9.9")
        assert dialog.status_text == ("Not applied, nothing runs: the typed target 'v0.9.9' "
                                      "is not the plan's target v0.9.10")
        assert app.focused is dialog.target
        await pilot.press(*["backspace"] * 6, *keys("-b x"), "enter")
        assert "the typed target '-b x' is not the plan's target" in dialog.status_text
        assert past_runs(store) == [] and isinstance(app.screen, RollbackPlanDialog)
        assert "the typed target" in screen_text(app)
    assert not (release_repo.parent / "deployed.txt").exists()


async def test_the_pattern_plans_again_and_the_target_follows_it(
    release_repo: Path, rollback_db: Path
) -> None:
    app, store = make_app(rollback_db, release_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_plan(pilot)
        await pilot.press("space", "tab", *keys("bad build"), "tab", "tab")
        assert app.focused is dialog.pattern
        await pilot.press(*["backspace"] * 5, *keys("v0.9.9"), "enter")
        assert await wait_until(pilot, lambda: dialog.plan is not None
                                and dialog.plan.target == "v0.9.9" and dialog._planning is None)
        await pilot.press("shift+tab", *keys("v0.9.9"), "enter")
        assert await wait_until(pilot, run_in(store, RunState.SUCCEEDED), RUN_TIMEOUT)
    assert (release_repo.parent / "deployed.txt").read_text().strip() == "v0.9.9"


async def test_a_plan_that_changed_meanwhile_is_shown_again_and_nothing_runs(
    release_repo: Path, rollback_db: Path
) -> None:
    app, store = make_app(rollback_db, release_repo)
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await open_plan(pilot)
        git(release_repo, "tag", "v0.9.11", "v0.9.10")  # a new tag after the plan was read
        await confirm(pilot, "gate down", "v0.9.10")
        assert await wait_until(pilot, lambda: "plan again" in dialog.status_text)
        assert dialog.plan is not None and dialog.plan.target == "v0.9.11"
        assert dialog.target.value == "" and app.focused is dialog.target
        assert "v0.9.11" in screen_text(app)
        assert past_runs(store) == []


async def test_R_while_a_rollback_runs_elsewhere_shows_that_run_streaming(
    release_repo: Path, rollback_db: Path, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    config = gated(gate)
    running = started_elsewhere(rollback_db, release_repo, config)
    app, store = make_app(rollback_db, release_repo, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        # A control room started meanwhile re-attaches: the button and the events pane.
        assert await wait_until(pilot, lambda: "Rollback RUNNING (R)" in screen_text(app))
        assert f"rollback #{running.id} to v0.9.10 started by bob" in app.events_text
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog))
        view = app.screen
        assert isinstance(view, RollbackRunDialog) and view.run.id == running.id
        assert await wait_until(pilot, lambda: "waiting" in view.output_text)
        text = screen_text(app)
        assert "RUNNING" in text and "started by bob" in text and "CVE in the gate" in text
        gate.touch()
        assert await wait_until(pilot, lambda: view.run.state is RunState.SUCCEEDED,
                                RUN_TIMEOUT)
        assert await wait_until(pilot, lambda: "deploying v0.9.10" in view.output_text)
        assert "gate open" in view.output_text
        assert len(past_runs(store)) == 1


async def test_a_run_started_while_the_plan_is_open_is_shown_not_started_twice(
    release_repo: Path, rollback_db: Path, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    config = gated(gate)
    app, store = make_app(rollback_db, release_repo, config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_plan(pilot)
        running = started_elsewhere(rollback_db, release_repo, config)
        await confirm(pilot, "gate down", "v0.9.10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog))
        assert app.screen.run.id == running.id  # type: ignore[attr-defined]
        assert [run.id for run in past_runs(store)] == [running.id]
        gate.touch()
        assert await wait_until(pilot, run_in(store, RunState.SUCCEEDED), RUN_TIMEOUT)


async def test_hostile_step_output_shows_literally(release_repo: Path,
                                                   rollback_db: Path) -> None:
    hostile = (r'printf "\033[31mred\033[0m [bold]x[/] [@click=app.quit]q[/] x[/]y\n";'
               r' printf "\033]0;title\007done\n"')
    config = RollbackConfig(steps=(StepSpec("hostile", ("sh", "-c", hostile), 30.0),))
    app, store = make_app(rollback_db, release_repo, config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_plan(pilot)
        await confirm(pilot, "[bold]why[/] [@click=app.quit]", "v0.9.10")
        assert await wait_until(pilot, run_in(store, RunState.SUCCEEDED), RUN_TIMEOUT)
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog)
                                and "all 1 step(s) succeeded" in app.screen.output_text)
        output = app.screen.output_text  # type: ignore[attr-defined]
        assert "red [bold]x[/] [@click=app.quit]q[/] x[/]y" in output
        assert "\x1b" not in output and "\x07" not in output
        assert any(line.endswith(" 1 done") for line in output.splitlines())  # OSC title gone
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]q[/] x[/]y" in text
        assert "[bold]why[/] [@click=app.quit]" in text
        assert app.is_running


async def test_rehearsal_executes_nothing_and_says_dry_run(release_repo: Path,
                                                          rollback_db: Path) -> None:
    before = head(release_repo)
    app, store = make_app(rollback_db, release_repo, rehearsal=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        assert "dry run: nothing is executed" in screen_text(app)
        await confirm(pilot, "rehearsing", "v0.9.10")
        assert await wait_until(pilot, run_in(store, RunState.SUCCEEDED), RUN_TIMEOUT)
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog)
                                and "would run: make deploy-prod" in app.screen.output_text)
        assert "dry run: nothing is executed" in screen_text(app)
        run = current_run(store)
        assert run is not None and run.rehearsal
    assert head(release_repo) == before
    assert not (release_repo.parent / "deployed.txt").exists()


async def test_cancel_asks_first_then_cancels(release_repo: Path, rollback_db: Path,
                                              tmp_path: Path) -> None:
    app, store = make_app(rollback_db, release_repo, config=gated(tmp_path / "gate"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await confirm(pilot, "gate down", "v0.9.10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog)
                                and "waiting" in app.screen.output_text, RUN_TIMEOUT)
        view = app.screen
        assert isinstance(view, RollbackRunDialog)
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert view.status.text == "not cancelled: the rollback goes on"
        assert current_run(store).active  # type: ignore[union-attr]
        await pilot.press("c", "y")
        assert await wait_until(pilot, run_in(store, RunState.CANCELLED), RUN_TIMEOUT)
        assert "cancel requested by alice" in view.status.text
        assert await wait_until(pilot, lambda: "CANCELLED" in screen_text(app))
        run = current_run(store)
        assert run is not None and run.cancel_requested_by == "alice"
        assert [step.state for step in run.steps] == [
            StepState.CANCELLED, StepState.SKIPPED, StepState.SKIPPED]
    assert not (release_repo.parent / "deployed.txt").exists()


async def test_a_run_whose_runner_died_shows_unknown(release_repo: Path, rollback_db: Path,
                                                     tmp_path: Path) -> None:
    app, store = make_app(rollback_db, release_repo, config=gated(tmp_path / "gate"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await confirm(pilot, "gate down", "v0.9.10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackRunDialog)
                                and "waiting" in app.screen.output_text, RUN_TIMEOUT)
        run = current_run(store)
        assert run is not None and run.runner_pid is not None
        os.kill(run.runner_pid, signal.SIGKILL)
        step = run.steps[0]
        if step.pid:
            os.killpg(step.pid, signal.SIGKILL)
        # The runner's heartbeat goes stale (TTL 5 s) and the view's watch marks it.
        assert await wait_until(pilot, run_in(store, RunState.UNKNOWN), timeout=20)
        assert await wait_until(pilot, lambda: "UNKNOWN" in screen_text(app)
                                and "never re-run" in screen_text(app))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: "last #1 UNKNOWN" in screen_text(app))
    assert not (release_repo.parent / "deployed.txt").exists()


async def test_the_button_and_the_palette_open_the_plan(release_repo: Path,
                                                         rollback_db: Path) -> None:
    app, _ = make_app(rollback_db, release_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#rollback")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackPlanDialog))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, RollbackPlanDialog))
        await pilot.press("ctrl+p", *keys("Rollback"))
        assert await wait_until(pilot, lambda: "Plan a rollback" in screen_text(app))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RollbackPlanDialog))


async def test_an_outage_of_30_minutes_in_the_recorded_polls_is_pre_ticked_with_evidence(
    tmp_path: Path, release_repo: Path
) -> None:
    from datetime import timedelta

    from autus_tui.core.observations import PollResult
    from autus_tui.services.incident_signals import outage_condition
    from autus_tui.store import samples

    db = tmp_path / "launch.db"
    app, store = make_app(db, release_repo)
    config = Config(operator="alice")
    # The backend unreachable from 08:31 to now (09:03): 32 minutes down.
    down = [PollResult(START - timedelta(minutes=32) + timedelta(seconds=10 * i), {}, None,
                       "connection refused", 0.01) for i in range(193)]
    samples.record_polls(store, down, 3.0)
    app.controller.rollback = RollbackSite(
        RollbackConfig(), release_repo, False, ENV,
        outage=lambda s: outage_condition(s, config, app.clock))
    async with app.run_test(size=(100, 40)) as pilot:
        dialog = await open_plan(pilot)
        assert dialog.ticked() == ("outage_30m",)
        # The plan is known; its lines reach the screen on the next paint.
        assert await wait_until(pilot, lambda: "08:31" in screen_text(app))  # since when
        assert "[x] 전체 서비스 30분 이상 중단" in screen_text(app)
