"""The handover across a take-over, and an outage told in the handover and the report.

Two processes on one SQLite file: the outgoing on-call (김민수, a real process) took
over at 08:55 and writes a note at 09:01; the incoming one (alice, the control room
under Pilot) takes over with ``h``, ``o``, ``y`` and exports with ``x``: the note is
in her view and her export (in ``[report] folder``), and in the outgoing operator's own
view read in his process afterwards. Then the sim's ``outage`` scenario, polled by the
real poller on a clock stepped 10 s a poll ("at speed"), is one outage 09:01:00–09:36:00
(0:35:00) in the handover and the report.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config, ConfigError, LaunchConfig, build_config
from autus_tui.core.day_report import render
from autus_tui.core.handover_summary import handover_markdown
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.report_config import ReportConfig
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.recorder import record_poll
from autus_tui.services.report_data import collect_report, handover_summary
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.sim.scenarios import load_scenario
from autus_tui.sim.server import SimBackend
from autus_tui.sources.poller import Poller
from autus_tui.store import Store, samples
from autus_tui.store.notes import current_oncall
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.screens.handover import HandoverScreen

DAY = date(2026, 11, 27)
START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)  # 09:03:00 KST
NOTE = "CDN 캐시 정상\nDB pool 41/100 — 지켜볼 것"
OUTGOING = """
import sys
from datetime import datetime
from autus_tui.core.clock import FixedClock
from autus_tui.store import Store, samples
from autus_tui.store.notes import add_note, take_over
clock = FixedClock(datetime.fromisoformat(sys.argv[2]))
with Store(sys.argv[1], clock) as store:
    take_over(store, "김민수")
    clock.moment = datetime.fromisoformat(sys.argv[3])
    add_note(store, "김민수", sys.argv[4])
"""
OWN_VIEW = """
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from autus_tui.core.config import Config
from autus_tui.core.handover_summary import handover_markdown
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.report_data import handover_summary
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store, samples
zone = ZoneInfo("Asia/Seoul")
config = Config()
with Store(sys.argv[1]) as store:
    summary = handover_summary(store, load_runbooks(config), LaunchDay(date(2026, 11, 27),
                               time(9), zone), datetime.fromisoformat(sys.argv[2]),
                               config.metrics, timedelta(seconds=3))
print(handover_markdown(summary, zone))
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, timeout=60,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return done.stdout


async def test_the_outgoing_shifts_note_survives_the_take_over(tmp_path: Path) -> None:
    db, exports = tmp_path / "day.db", tmp_path / "handovers"
    _python(OUTGOING, str(db), (START - timedelta(minutes=8)).isoformat(),
            (START - timedelta(minutes=2)).isoformat(), NOTE)
    clock = FixedClock(START)
    store = Store(db, clock)
    config = Config(operator="alice", launch=LaunchConfig(date=DAY),
                    report=ReportConfig(folder=str(exports)))
    app = ControlRoom(config, clock, rehearsal=True, poll=False, store=store,
                      host_reader=lambda: HostSample(12.0, 45.5, 0.52, 61.0))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        view = app.screen
        assert isinstance(view, HandoverScreen)
        assert await wait_until(pilot, lambda: "09:01 김민수  CDN 캐시 정상" in view.text)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: current_oncall(store) == "alice")
        assert await wait_until(pilot, lambda: view.text.startswith("On call alice since 09:03"))
        text = view.text
        assert "  김민수 → alice at 09:03" in text
        assert "Notes since the shift began (since 08:55)" in text
        assert "  09:01 김민수  CDN 캐시 정상\n        DB pool 41/100 — 지켜볼 것" in text
        assert "1 note" in text.splitlines()[1]
        await pilot.press("x")
        assert await wait_until(pilot, lambda: view.last_export is not None)
    store.close()
    assert view.last_export is not None and view.last_export.ok
    path = exports / "handover-20261127-090300.md"
    assert view.last_export.path == path and exports.stat().st_mode & 0o077 == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "- Handed over: 김민수 → alice at 09:03" in lines
    note = lines.index("## Notes since the shift began")
    assert lines[note + 2:note + 5] == ["- 09:01 김민수:", "  - CDN 캐시 정상",
                                        "  - DB pool 41/100 — 지켜볼 것"]
    # The outgoing operator's own view, read in his process after the take-over.
    own = _python(OWN_VIEW, str(db), (START + timedelta(minutes=1)).isoformat())
    assert "- 09:01 김민수:\n  - CDN 캐시 정상" in own
    assert "- This handover covers: 김민수 08:55–09:03, alice since 09:03" in own


async def test_an_outage_played_at_speed_is_one_outage_in_the_handover_and_the_report(
    tmp_path: Path,
) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 0, 0, 30, tzinfo=UTC))   # 09:00:30 KST
    backend = SimBackend(load_scenario("outage", LaunchConfig().time), clock=clock,
                         launch_at=datetime(2026, 11, 27, 0, 0, tzinfo=UTC))
    url = await backend.start()
    config = replace(build_config([("t", {"backend": {"url": url, "timeout": 0.9}})]),
                     launch=LaunchConfig(date=DAY))
    poller = Poller(config.backend, config.metrics, clock)
    try:
        with Store(tmp_path / "launch.db", clock) as store:
            runbook = load_runbooks(config)
            day = LaunchDay(DAY, LaunchConfig().time, config.launch.zone)
            during = None
            while clock.moment < datetime(2026, 11, 27, 0, 40, tzinfo=UTC):  # to 09:40
                result = await poller.poll_once()
                with store.write() as tx:
                    record_poll(tx, result, [], 30.0, "host:1:alice")
                clock.moment += timedelta(seconds=10)
                if clock.moment == datetime(2026, 11, 27, 0, 20, tzinfo=UTC):  # 09:20 KST
                    during = handover_summary(store, runbook, day, clock.moment,
                                              config.metrics, timedelta(seconds=30))
            now = clock.moment
            summary = handover_summary(store, runbook, day, now, config.metrics,
                                       timedelta(seconds=30))
            report = render(collect_report(store, config, runbook, now))
    finally:
        await poller.aclose()
        await backend.stop()
    assert during is not None and during.down_now
    assert during.health.startswith("DOWN since 09:01:00, 0:19:00 (health down")
    assert not summary.down_now and summary.health.startswith("ok")
    assert len(summary.outages) == 1
    outage = summary.outages[0]
    assert outage.start == datetime(2026, 11, 27, 0, 1, tzinfo=UTC)
    assert outage.end == datetime(2026, 11, 27, 0, 36, tzinfo=UTC)
    assert outage.reason.startswith("health down")
    markdown = handover_markdown(summary, config.launch.zone)
    assert "- Outages: 1, down 0:35:00 in all" in markdown
    assert "  - 09:01:00–09:36:00 (0:35:00): health down" in markdown
    rows = [line for line in report.splitlines() if line.startswith("| 09:01:00 |")]
    assert len(rows) == 1 and rows[0].startswith("| 09:01:00 | 09:36:00 | 0:35:00 | 210 |")
    assert "- Outages: 1, the longest 09:01:00–09:36:00 (0:35:00) (see Outages)" in report
    # 09:00:30–09:39:50 polled (2,360 s), 2,100 s down: 260 s up.
    assert "- Availability: 11.0% of the polled time (09:00 to 09:39); down 0:35:00" in report


def test_the_report_folder_is_configured_and_checked() -> None:
    assert build_config([]).report.folder is None
    assert build_config([("a.toml", {"report": {"folder": " ~/exports "}})]).report.folder \
        == "~/exports"
    for raw, key in (({"folder": ""}, "report.folder"), ({"place": "x"}, "report.place"),
                     ("x", "report")):
        with pytest.raises(ConfigError, match=f"^a.toml: {key}: "):
            build_config([("a.toml", {"report": raw})])


async def test_the_view_says_down_while_an_outage_goes_on(tmp_path: Path) -> None:
    up = [PollResult(START - timedelta(minutes=13) + n * timedelta(seconds=10),
                     {"error_rate": Reading(0.3)}, Health("ok", "")) for n in range(60)]
    down = [PollResult(START - timedelta(minutes=3) + n * timedelta(seconds=5), {},
                       Health("down", "db gone"), "metrics: HTTP 503", backend_down=False)
            for n in range(37)]                                   # 09:00:00 to 09:03:00
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    samples.record_polls(store, up + down, 3.0)
    app = ControlRoom(Config(operator="alice", launch=LaunchConfig(date=DAY)), clock,
                      rehearsal=True, poll=False, store=store,
                      host_reader=lambda: HostSample(12.0, 45.5, 0.52, 61.0))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        view = app.screen
        assert isinstance(view, HandoverScreen)
        assert await wait_until(pilot, lambda: view.text.splitlines()[1].endswith(" · DOWN"))
        assert "  health now DOWN since 09:00:00, 0:03:00 (health down: db gone)" in view.text
        assert "  DOWN since 09:00:00, 0:03:00 so far: health down: db gone" in view.text
    store.close()
