"""The launch-day report, line by line, against a database built here; and the command."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config, LaunchConfig
from autus_tui.core.day_report import render
from autus_tui.core.metrics import default_metrics
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.runbook import Runbook, parse_runbook
from autus_tui.core.series import MetricTracker
from autus_tui.services.recorder import record_poll
from autus_tui.services.report_data import collect_report
from autus_tui.store import Store, notes, samples

KEYS = ("active_users", "gate_observe", "gate_ring", "gate_lock", "afterimage_rate",
        "error_rate")
CONFIG = replace(Config(), launch=LaunchConfig(date=date(2026, 11, 27)),
                 metrics=tuple(s for s in default_metrics() if s.key in KEYS))
T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
RUNBOOK = {
    "runbook": {"title": "Test | runbook"},
    "slots": [
        {"id": "launch", "title": "출시", "at": "09:00", "groups": [{"title": "g", "items": [
            {"id": "launch.a", "text": "첫 사용자 진입 확인"},
            {"id": "launch.b", "text": "Gate *이벤트* 정상 기록"}]}]},
        {"id": "noon", "title": "점심", "at": "12:00", "groups": [{"title": "g", "items": [
            {"id": "noon.a", "text": "에러율 < 1% 확인"},
            {"id": "noon.b", "text": "메모리 사용량 확인"}]}]},
    ],
}
ERRORS = (0.5, 0.8, 1.5, 2.0, 6.0, 0.9)


def build(path: Path) -> tuple[Store, Runbook]:
    clock = FixedClock(T0 + timedelta(minutes=1))
    store = Store(path, clock)
    notes.take_over(store, "alice")
    store.verify("launch.a", "alice", "active_users > 0", True, "active_users = 10 (> 0)",
                 mark_done=False)
    store.mark("launch.a", "done", "alice")
    clock.moment = T0 + timedelta(minutes=2)
    store.mark("launch.b", "done", "bob")
    store.mark("launch.b", "open", "bob")
    # hold=1: every change is recorded at once (the held rule itself: tests/test_held.py).
    trackers = {s.key: MetricTracker(replace(s, hold=1), timedelta(seconds=3), interval=1.0)
                for s in CONFIG.metrics}
    for n, error in enumerate(ERRORS):
        at = T0 + timedelta(seconds=n)
        readings = {"active_users": Reading(10.0 * (n + 1)), "gate_observe": Reading(100.0 + n),
                    "gate_ring": Reading(50.0), "gate_lock": Reading(45.0),
                    "afterimage_rate": Reading(60.0), "error_rate": Reading(error)}
        result = PollResult(at, readings, Health("ok", ""), "metrics: slow" if n == 3 else None)
        changes = [c for key, r in readings.items()
                   if (c := trackers[key].record(at, r)) is not None]
        clock.moment = at
        with store.write() as tx:
            record_poll(tx, result, changes, 3.0, "host:1:alice")
    clock.moment = T0 + timedelta(minutes=30)
    notes.add_note(store, "alice", "Spike over.\n# not a heading | pipe\x1b[2J")
    clock.moment = T0 + timedelta(hours=3)
    notes.take_over(store, "eve|x")
    clock.moment = T0 + timedelta(hours=3, minutes=5)
    store.mark("noon.b", "na", "eve|x", reason="no memory | metric\x1b]0;t\x07")
    clock.moment = T0 + timedelta(hours=3, minutes=6)
    notes.add_note(store, "bob", "<script>x</script> [link](http://x) `code`")
    return store, parse_runbook(RUNBOOK, "test.toml", set(KEYS))


EXPECTED = """\
# D-Day 리포트 — Test | runbook

- Launch day: 2026-11-27 (Asia/Seoul)
- Generated: 12:10
- Recorded polls: 6 (1 with errors), 09:00 to 09:00

## Summary

- Availability: 100.0% of the polled time (09:00 to 09:00); down 0:00:00
- Outages: none (health never said down and the backend always answered)
- Worst levels:
  - Error Rate: CRIT — 1 episode, 0:00:01 in CRIT, 0:00:02 in WARN
- Incidents: none declared
- Rollbacks: none
- Checklist: 2/4 closed (50.0%): 1 done, 1 N/A, 2 open
- On call: 2 shifts, 1 handover (alice → eve|x 12:00)

## Outages

None: health never said down and the backend always answered.

## Checklist

### 출시 (09:00) — 1/2 closed: 1 done, 0 N/A, 1 open

| Item | State | By | At | N/A reason | Last verify |
|---|---|---|---|---|---|
| 첫 사용자 진입 확인 | done | alice | 09:01 |  | PASS 09:01 by alice: active_users = 10 (> 0) |
| `Gate *이벤트* 정상 기록` | open |  |  |  |  |

### 점심 (12:00) — 1/2 closed: 0 done, 1 N/A, 1 open

| Item | State | By | At | N/A reason | Last verify |
|---|---|---|---|---|---|
| 에러율 < 1% 확인 | open |  |  |  |  |
| 메모리 사용량 확인 | N/A | eve\\|x | 12:05 | no memory \\| metric |  |

## Incidents

No incidents were declared.

## Rollbacks

No rollback was run.

## Metrics

| Metric | Min | Mean | Max | p95 | Time in WARN | Time in CRIT |
|---|---|---|---|---|---|---|
| Active Users | 10 | 35 | 60 | 60 | — | — |
| Afterimage Rate | 60.0/min | 60.0/min | 60.0/min | 60.0/min | — | — |
| Error Rate | 0.50% | 1.95% | 6.00% | 6.00% | 0:00:02 | 0:00:01 |

Cumulative counters are under Gate events. p95: nearest rank at the precision shown. Time in \
a level: from each value until the next, at most 3 poll intervals.

## Level episodes

| Metric | Start | End | Duration | Worst | Peak | In CRIT | Changes |
|---|---|---|---|---|---|---|---|
| Error Rate | 09:00:02 | 09:00:05 | 0:00:03 | CRIT | 6.00% | 0:00:01 | 3 |

Held levels (announced after they held, as on the screen); changes less than 5 minutes apart \
are one episode.

## Hour by hour

| Hour | Polls | Poll errors | Users (mean) | Users (peak) | Error rate | Error rate (worst) \
| Avg response | OBSERVE | RING | LOCK | Afterimages | Down |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 09:00 | 6 | 1 | 35 | 60 | 1.95% | 6.00% | — | 5 | 0 | 0 | 8 |  |

Means and peaks of the values polled in the hour; gate events: how much each cumulative count \
grew in the hour; Afterimages: estimated from the rate over time (the backend reports no \
total); Down: the hour's time in outages.

## Gate events (OBSERVE / RING / LOCK)

Cumulative counts at the last recorded poll.

| Gate | Count | Share |
|---|---|---|
| OBSERVE | 105 | 52.5% |
| RING | 50 | 25.0% |
| LOCK | 45 | 22.5% |
| Total | 200 | 100.0% |

## On call and handovers

| On call | From | To | Lasted | Took over from | Handed to |
|---|---|---|---|---|---|
| alice | 09:01 | 12:00 | 2:59:00 | — | eve\\|x |
| eve\\|x | 12:00 | on call at the end | 0:10:00 | alice | — |

## Notes

- 09:30 alice:
  - Spike over.
  - `# not a heading | pipe`
- 12:06 bob: `` <script>x</script> [link](http://x) `code` ``

## First-week report items (첫 주간 리포트 항목)

| Item | From the recorded data |
|---|---|
| 1. 총 사용자 수 | Not supported by the data: the backend reports concurrent Active Users, \
not a count of distinct users (peak concurrent: 60) |
| 2. Gate 이벤트 분포 (OBSERVE/RING/LOCK) | OBSERVE 52.5% · RING 25.0% · LOCK 22.5% of 200 \
events (see Gate events) |
| 3. 설명 요청 빈도 (무응답 처리) | Not supported by the data: explanation requests are not \
recorded |
| 4. 이탈률 vs 적응률 | Not supported by the data: churn and adaptation are not recorded |
| 5. Afterimage 총 기록 수 | ≈ 8, estimated from the recorded Afterimage Rate over time (the \
backend reports no total) |
"""


def test_the_report_line_by_line(tmp_path: Path) -> None:
    store, runbook = build(tmp_path / "launch.db")
    with store:
        text = render(collect_report(store, CONFIG, runbook, T0 + timedelta(hours=3, minutes=10)))
    got, want = text.splitlines(), EXPECTED.splitlines()
    for number, (line, expected) in enumerate(zip(got, want, strict=False), 1):
        assert line == expected, f"line {number}"
    assert len(got) == len(want)


def test_the_report_is_unchanged_when_the_polls_are_folded(tmp_path: Path) -> None:
    store, runbook = build(tmp_path / "launch.db")
    end = T0 + timedelta(hours=3, minutes=10)
    with store:
        before = render(collect_report(store, CONFIG, runbook, end))
        assert samples.fold_all_old(store, CONFIG.metrics, end) == 6
        assert samples.polls_since(store, 0) == []
        assert render(collect_report(store, CONFIG, runbook, end)) == before


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autus_tui.cli", "report", *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)


def test_autus_tui_report_writes_stdout_or_a_file_and_fails_clearly(tmp_path: Path) -> None:
    store, _ = build(tmp_path / "launch.db")
    store.close()
    shown = _cli("--db", str(tmp_path / "launch.db"))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("# D-Day 리포트 — AUTUS v1.0")  # the packaged runbook
    assert "| Error Rate | 0.50% | 1.95% | 6.00% | 6.00% |" in shown.stdout

    out = tmp_path / "report.md"
    written = _cli("--db", str(tmp_path / "launch.db"), "--out", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text(encoding="utf-8").splitlines()[0] == shown.stdout.splitlines()[0]

    for args, words in (
        (["--db", str(tmp_path / "missing.db")], "no such database"),
        (["--db", str(tmp_path / "launch.db"), "--out", str(tmp_path / "no" / "r.md")],
         "cannot write the report to"),
    ):
        failed = _cli(*args)
        assert failed.returncode == 1 and words in failed.stderr
        assert "Traceback" not in failed.stderr and len(failed.stderr.splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()  # a report never creates a database


@pytest.mark.parametrize("text", ["", " \n\t", "\x1b[31m\x07"])
def test_an_empty_note_is_refused(tmp_path: Path, text: str) -> None:
    with Store(tmp_path / "launch.db") as store, pytest.raises(ValueError, match="needs"):
        notes.add_note(store, "alice", text)
