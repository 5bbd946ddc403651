"""SVG snapshots: the escalation timer strip at 80x24, the incident panel at 120x40.

The control room of ``test_snapshots`` (fixed clock 09:03:00 KST, fixed polls and marks,
no polling, toasts cleared) on a real SQLite file that holds fixed incidents, written
before the app starts on a stepped clock:

  #1 주의 트래픽 급증, declared 08:20 by alice, L1 paged, resolved 08:35 by alice;
  #2 심각 서버 다운, declared 08:40 by alice, L1 08:40 and L2 08:55 paged, acknowledged by
     bob 08:42; its notices: L1 sent, L2 retrying (hooks.example.com: HTTP 500), the
     acknowledgement sent;
  #3 경고 응답 지연 > 5s, declared 09:01 by kim, L1 paged, escalated to L2 by kim at
     09:02 ("DB 복구 지연"), its notices pending.

The strip shows the newest open incident (#3) and says 2 are open.

Update with ``--snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import wait_until
from test_snapshots import START, feed, fixed_marks

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.observations import HostSample
from autus_tui.services.escalation_firing import fire_due
from autus_tui.store import Store, incidents, outbox
from autus_tui.ui.app import ControlRoom

POLICY = EscalationPolicy()
HOLDER = "snapshot"


def _declare(store: Store, operator: str, severity: str, situation: str,
             response: str) -> int:
    result = incidents.declare(store, operator, severity=severity, situation=situation,
                               response=response, policy=POLICY, rehearsal=True)
    return result.incident.id


def fixed_incidents(db: Path) -> None:
    clock = FixedClock(START - timedelta(minutes=43))                  # 08:20 KST
    with Store(db, clock) as store:
        resolved = _declare(store, "alice", "주의", "트래픽 급증", "오토스케일 확인")
        fire_due(store, clock)
        clock.moment = START - timedelta(minutes=28)                   # 08:35
        incidents.resolve(store, resolved, "alice", "오토스케일 확인, 정상")
        clock.moment = START - timedelta(minutes=23)                   # 08:40
        serious = _declare(store, "alice", "심각", "서버 다운", "즉시 재시작")
        fire_due(store, clock)
        clock.moment = START - timedelta(minutes=21)                   # 08:42
        incidents.acknowledge(store, serious, "bob")
        clock.moment = START - timedelta(minutes=8)                    # 08:55
        fire_due(store, clock)
        while (notice := outbox.claim(store, HOLDER, 0.0, 60.0)) is not None:
            if notice.subject == str(serious) and "L2" in notice.text:
                outbox.finish(store, notice, HOLDER, "retry", next_try=4e9,
                              error="hooks.example.com: HTTP 500", host="hooks.example.com")
            else:
                outbox.finish(store, notice, HOLDER, "sent", host="hooks.example.com")
        clock.moment = START - timedelta(minutes=2)                    # 09:01
        slow = _declare(store, "kim", "경고", "응답 지연 > 5s", "캐시 확인")
        fire_due(store, clock)
        clock.moment = START - timedelta(minutes=1)                    # 09:02
        incidents.escalate_now(store, slow, "kim", "DB 복구 지연")


def make_app(db: Path) -> ControlRoom:
    fixed_marks(db)
    fixed_incidents(db)
    clock = FixedClock(START)
    app = ControlRoom(Config(operator="김민수"), clock, rehearsal=True, poll=False,
                      host_reader=lambda: HostSample(12.0, 45.5, 0.52, 61.0),
                      store=Store(db, clock))
    app._snapshot_clock = clock  # type: ignore[attr-defined]
    return app


async def settled(pilot: Any) -> None:
    app = pilot.app
    feed(app, app._snapshot_clock)
    assert await wait_until(pilot, lambda: "INCIDENT #3" in app.incident_strip.text, 15.0)
    assert await wait_until(pilot, lambda: app.incident_strip.reads > 0, 15.0)
    app.tick()  # the clock's second, now: a real tick may or may not have come meanwhile
    app.clear_notifications()
    await pilot.pause()


def test_the_timer_strip_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path / "day.db"), terminal_size=(80, 24),
                        run_before=settled)


def test_the_incident_panel_at_120x40(snap_compare: Any, tmp_path: Path) -> None:
    async def panel(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("I")
        app = pilot.app
        assert await wait_until(
            pilot, lambda: "DB 복구 지연" in getattr(app.screen, "text", ""), 15.0)
        await pilot.pause()

    assert snap_compare(make_app(tmp_path / "day.db"), terminal_size=(120, 40),
                        run_before=panel)


@pytest.mark.parametrize("size", [(80, 24)])
def test_the_declare_dialog(snap_compare: Any, size: tuple[int, int], tmp_path: Path) -> None:
    async def declare(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("i")
        app = pilot.app
        assert await wait_until(pilot, lambda: "suggest" in getattr(
            app.screen.query_one("#declare-suggested"), "text", ""), 15.0)
        await pilot.pause()

    assert snap_compare(make_app(tmp_path / "day.db"), terminal_size=size, run_before=declare)
