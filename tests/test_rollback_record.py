"""A rollback in the record: the events pane, the timeline, the handover and the report.

A real runner rolls a real repository back (v1.0.0 → v0.9.10), and a second run fails at
its second step; then every read model is asked what happened: who, why, the
conditions, from and to, each step's result and duration.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rollback_repo import ENV, make_repo, wait_for

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.day_report import render
from autus_tui.core.handover_summary import handover_markdown
from autus_tui.core.rollback import RollbackConfig, StepSpec
from autus_tui.core.rollback_plan import Confirmation
from autus_tui.core.rollback_run import RunRecord, Started
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.event_text import event_line
from autus_tui.services.report_data import collect_report, handover_summary
from autus_tui.services.rollback_planning import plan_for
from autus_tui.services.rollback_runner import apply
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store
from autus_tui.store.rollbacks import get_run
from autus_tui.ui.screens.handover_render import summary_lines
from autus_tui.ui.screens.timeline import describe

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
OUTAGE = "전체 서비스 30분 이상 중단"


def run_once(store: Store, repo: Path, config: RollbackConfig, operator: str,
             reason: str, conditions: tuple[str, ...]) -> RunRecord:
    plan = plan_for(store, config, repo, operator, env=ENV)
    confirmation = Confirmation(conditions, reason, plan.target or "", plan.fingerprint)
    started = apply(store, config, plan, confirmation, operator, repo, rehearsal=False,
                    env=ENV)
    assert isinstance(started, Started), started

    def ended() -> RunRecord | None:
        run = get_run(store, started.run.id)
        return run if run is not None and not run.active else None

    return wait_for(ended, 30, "the rollback to end")


def two_runs(tmp_path: Path) -> tuple[Store, RunRecord, RunRecord]:
    repo = make_repo(tmp_path)
    store = Store(tmp_path / "day.db", FixedClock(NOW))
    good = run_once(store, repo, RollbackConfig(), "alice", "gate down 35 min",
                    ("outage_30m",))
    failing = RollbackConfig(steps=(
        StepSpec("태그 확인", ("git", "tag", "-l", "v1.0*"), 30.0),
        StepSpec("broken", ("sh", "-c", "echo no >&2; exit 4"), 30.0),
        StepSpec("재배포", ("make", "deploy-prod"), 60.0)))
    bad = run_once(store, repo, failing, "bob", "pool leak", ("data_integrity", "security"))
    return store, good, bad


def test_every_read_model_says_who_why_conditions_from_to_and_each_step(
    tmp_path: Path,
) -> None:
    store, good, bad = two_runs(tmp_path)
    with store:
        lines = [line for e in store.events_since(0) if e.kind.startswith("rollback.")
                 if (line := event_line(e)) is not None]
        assert lines[0] == (f"alice started rollback #{good.id}: v1.0.0 → v0.9.10 · "
                            f"reason: gate down 35 min · conditions: {OUTAGE}")
        assert lines[1].startswith(f"rollback #{good.id} step 1 (태그 확인): succeeded, exit 0, ")
        assert lines[4] == (f"rollback #{good.id} SUCCEEDED: rolled back to v0.9.10: all 3 "
                            "step(s) succeeded")
        assert f"rollback #{bad.id} step 2 (broken): failed, exit 4, " in lines[7]
        assert lines[-1].startswith(f"rollback #{bad.id} FAILED: step 2 (broken) exited 4")
        finish = [e for e in store.events_since(0) if e.kind == "rollback.finish"][-1]
        assert describe(finish.detail, finish.kind).startswith("FAILED: step 2 (broken)")

        config = Config()
        runbook = load_runbooks(config)
        report = render(collect_report(store, config, runbook, NOW))
        section = report[report.index("## Rollbacks"):report.index("## First-week")]
        assert f"### #{good.id} alice " in section and ": v1.0.0 → v0.9.10 SUCCEEDED" in section
        assert f"- Conditions: {OUTAGE}" in section
        assert "- Reason: pool leak" in section
        assert "- Conditions: 데이터 무결성 손상, 보안 취약점 발견" in section
        assert "| 2 | 이전 버전으로 롤백 | git checkout v0.9.10 |" in section
        assert "| 3 | 재배포 | make deploy-prod |" in section
        assert "| failed | 4 |" in section and "| skipped | — | — |" in section
        assert section.index(f"### #{good.id} ") < section.index(f"### #{bad.id} ")  # oldest first

        day = LaunchDay.resolve(config.launch.date, config.launch.time, config.launch.zone,
                                NOW)
        summary = handover_summary(store, runbook, day, NOW, config.metrics,
                                   timedelta(seconds=10))
        assert [run.id for run in summary.rollbacks] == [bad.id, good.id]  # newest first
        markdown = handover_markdown(summary, config.launch.zone)
        assert "## Rollbacks" in markdown and "- Reason: gate down 35 min" in markdown
        shown = [line.plain for line in summary_lines(summary, config.launch.zone)]
        at = shown.index(next(line for line in shown if line.startswith("Rollbacks")))
        assert f"#{bad.id} bob " in shown[at + 1] and "FAILED" in shown[at + 1]
        assert shown[at + 2].strip() == ("reason: pool leak · conditions: 데이터 무결성 손상, "
                                         "보안 취약점 발견")
        assert any(line.strip().startswith("2. broken — failed, exit 4, ") for line in shown)
        assert any(line.strip() == "3. 재배포 — skipped" for line in shown)
