"""The debrief of a rehearsal: ``backend --db`` records the scenario it plays in the
rehearsal database (a real process), operators answer it (incident declared, acknowledged,
resolved; an item done after its slot ended) on a stepped clock, and ``autus-tui report``
lists what was injected and when against the operators' times."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from autus_tui.core.clock import FixedClock
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.store import Store, incidents, load_or_start_rehearsal_clock
from autus_tui.store.meta import set_meta
from autus_tui.store.scenario_record import read_scenario

NINE = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 KST


def at(minutes: float) -> datetime:
    return NINE + timedelta(minutes=minutes)


def backend_records_its_scenario(path: Path) -> None:
    backend = subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "backend", "--db", str(path), "--scenario",
         "outage", "--port", "0"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert backend.stdout is not None
        line = backend.stdout.readline()  # printed once it listens (after recording)
        assert line.startswith("AUTUS simulated backend: scenario outage"), line
    finally:
        backend.send_signal(signal.SIGTERM)
        backend.communicate(timeout=30)
    assert backend.returncode == 0


def test_the_report_of_a_rehearsal_debriefs_it(tmp_path: Path) -> None:
    path = tmp_path / "rehearsal.db"
    clock = FixedClock(at(0.5))
    with Store(path, clock) as store:
        load_or_start_rehearsal_clock(store, at(0.5), 60.0, operator="kim")
        with store.write() as tx:
            set_meta(tx.conn, "launch.date", "2026-11-27")
    backend_records_its_scenario(path)

    with Store(path, clock) as store:
        recorded = read_scenario(store)
        assert recorded is not None and recorded.name == "outage"
        assert [(e.kind, e.at, e.until) for e in recorded.events] == \
            [("outage", 9 * 3600 + 60, 9 * 3600 + 36 * 60)]
        store.append_event("kim", "note", "", {"text": "rehearsal begins"})
        clock.moment = at(3)
        incidents.declare(store, "kim", severity="심각", situation="서버 다운",
                          policy=EscalationPolicy(), rehearsal=True)
        clock.moment = at(4)
        incidents.acknowledge(store, 1, "lee")
        clock.moment = at(40)
        incidents.resolve(store, 1, "kim", "복구")
        clock.moment = at(50)
        incidents.declare(store, "lee", severity="주의", situation="에러율 > 1%",
                          policy=EscalationPolicy(), rehearsal=True)
        clock.moment = at(183)  # 12:03: after the 09:00 slot ended at 12:00
        store.mark("launch.monitor.errors", "done", "kim")
        set_clock_at(store, at(185))

    done = subprocess.run([sys.executable, "-m", "autus_tui.cli", "report", "--db",
                           str(path)], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("## Debrief (rehearsal)")
    section = lines[start:lines.index("## First-week report items (첫 주간 리포트 항목)")]
    assert "Scenario: outage. Times are from the start of each injected event." in section
    assert ("| #1 outage — 전체 서비스 중단 | 09:01–09:36 | #1 +0:02:00 by kim "
            "| +0:03:00 by lee | +0:39:00 by kim |") in section
    assert any(line.startswith("Incidents that answer no injected event: #2 주의 에러율")
               for line in section)
    assert "| 에러 로그 실시간 감시 | 출시 | 12:00 | 12:03 | 0:03:00 |" in section
    assert any("| 응답 시간 모니터링 | 출시 | 12:00 | still open | — |" in line
               for line in section)
    assert "None was started." in section


def set_clock_at(store: Store, moment: datetime) -> None:
    """The report's "now" is the stored rehearsal clock: put it at ``moment`` for good."""
    from autus_tui.store.events import to_text

    with store.write() as tx:
        set_meta(tx.conn, "rehearsal.origin_sim", to_text(moment))
        set_meta(tx.conn, "rehearsal.origin_real", to_text(datetime.now(UTC)))
        set_meta(tx.conn, "rehearsal.speed", "1e-09")
