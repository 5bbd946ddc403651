"""SVG snapshots of the rollback plan (80x24, 120x40; live and rehearsal) and a run view.

Fixed data: the plan is built by ``core.rollback_plan.build_plan`` from fixed repository
facts (no git: commit shas and dates of a real repository vary), the run view is given a
fixed ``RunView`` with hostile output (escape sequences, markup) shown literally. The
control room behind runs on a fixed clock with no polling. Update with
``--snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_plan import Commit, RepoFacts, RollbackPlan, build_plan
from autus_tui.core.rollback_run import (
    RunLine,
    RunRecord,
    RunState,
    RunView,
    StepRecord,
    StepState,
    clean_line,
)
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.rollback_plan_dialog import RollbackPlanDialog
from autus_tui.ui.dialogs.rollback_run_view import RollbackRunDialog

START = datetime(2026, 11, 27, 0, 35, tzinfo=UTC)  # 09:35 KST
REPO = "/srv/autus"
FACTS = RepoFacts(
    repo=REPO, tags=("v0.9.0", "v0.9.9", "v0.9.10", "v1.0.0"),
    head="5d5f533d6d45a1b2c3d4e5f60718293a4b5c6d7e", head_tags=("v1.0.0",),
    target="v0.9.10", target_sha="6988ca2fbe2f00112233445566778899aabbccdd",
    commits=(Commit("5d5f533", "release v1.0.0"), Commit("a41c2e9", "gate: ring faster"),
             Commit("0be77f1", "afterimage: new storage")), commits_total=3)


def plan(rehearsal: bool = False) -> RollbackPlan:
    return build_plan(RollbackConfig(), FACTS, rehearsal=rehearsal)


def make_app(db: Path, rehearsal: bool = False) -> ControlRoom:
    clock = FixedClock(START)
    return ControlRoom(Config(operator="alice"), clock, rehearsal=rehearsal, poll=False,
                       host_reader=lambda: HostSample(12.0, 45.5, 0.52, 61.0),
                       store=Store(db, clock))


def showing(dialog_of: Any) -> Any:
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.push_screen(dialog_of(pilot.app))
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_rollback_plan(snap_compare: Any, size: tuple[int, int], tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path / "day.db"), terminal_size=size,
                        run_before=showing(lambda app: RollbackPlanDialog(
                            "v0.9*", rehearsal=False, plan=plan())))


def test_rollback_plan_in_rehearsal(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path / "day.db", rehearsal=True), terminal_size=(80, 24),
                        run_before=showing(lambda app: RollbackPlanDialog(
                            "v0.9*", rehearsal=True, plan=plan(rehearsal=True))))


def fixed_run() -> RunView:
    at = START + timedelta(minutes=1)
    steps = tuple(
        StepRecord(step.index, step.name, step.argv, step.cwd, step.timeout, state,
                   at, at + timedelta(seconds=1) if code is not None else None, code,
                   duration, 4242 + step.index)
        for step, state, code, duration in zip(
            plan().steps, (StepState.SUCCEEDED, StepState.SUCCEEDED, StepState.RUNNING),
            (0, 0, None), (0.1, 0.4, None), strict=True))
    run = RunRecord(
        id=3, started_by="alice", started_at=START + timedelta(minutes=1),
        reason="gate down 35 min [bold]x[/]", conditions=("outage_30m",),
        from_version="v1.0.0", target="v0.9.10", repo=REPO, fingerprint="f",
        rehearsal=False, state=RunState.RUNNING, steps=steps)
    texts = [(None, "system", "runner pid 5150 on ops: 3 step(s) to roll back v1.0.0 → v0.9.10"),
             (0, "stdout", "v1.0.0"), (1, "stderr", "HEAD is now at 6988ca2 release v0.9.10"),
             (2, "stdout", "\x1b[31mdeploying\x1b[0m [@click=app.quit]v0.9.10[/] x[/]y")]
    lines = tuple(RunLine(n, 3, step, at, stream, clean_line(text))
                  for n, (step, stream, text) in enumerate(texts, 1))
    return RunView(run, lines, len(lines))


def test_rollback_run_view(snap_compare: Any, tmp_path: Path) -> None:
    view = fixed_run()

    def make(app: Any) -> RollbackRunDialog:
        dialog = RollbackRunDialog(view.run, app.zone, "alice")
        dialog.call_after_refresh(dialog.show_view, view)
        return dialog

    assert snap_compare(make_app(tmp_path / "day.db"), terminal_size=(80, 24),
                        run_before=showing(make))
