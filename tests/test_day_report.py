"""The report tells the day: episodes instead of flips, the hour table from the polls.

A metric jittering across its threshold, recorded through the real held-level rule
(``MetricTracker``, hold 3), makes dozens of level changes: the report shows one episode
with its count, and a second one only after a quiet gap. The hour table's figures are
recomputed here from the raw polls written (means, peaks, gate growth, Afterimages from
the rate), before and after the polls are folded into minutes.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from autus_tui.core.config import Config, LaunchConfig
from autus_tui.core.day_report import render
from autus_tui.core.metrics import default_metrics
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.runbook import parse_runbook
from autus_tui.core.series import MetricTracker
from autus_tui.services.recorder import record_poll
from autus_tui.services.report_data import collect_report
from autus_tui.store import Store, samples
from autus_tui.store.store import Transaction

SEOUL = ZoneInfo("Asia/Seoul")
CONFIG = replace(Config(), launch=LaunchConfig(date=date(2026, 11, 27)))
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 11:00 in Seoul
RUNBOOK = parse_runbook({"runbook": {"title": "t"}, "slots": [
    {"id": "noon", "title": "점심", "at": "12:00", "groups": [{"title": "g", "items": [
        {"id": "noon.a", "text": "트래픽 패턴 확인"}]}]}]}, "t.toml", set())
STALE = 3.0


def _write(store: Store, polls: list[PollResult], hold_trackers: bool = True) -> None:
    specs = {s.key: s for s in CONFIG.metrics}
    trackers = {key: MetricTracker(spec, timedelta(seconds=STALE), interval=1.0)
                for key, spec in specs.items()}
    for start in range(0, len(polls), 120):
        with store.write() as tx:
            for poll in polls[start:start + 120]:
                changes = [c for key, r in poll.readings.items()
                           if (c := trackers[key].record(poll.at, r)) is not None]
                # As the recorder does: the write's moment is the poll's (its clock's).
                record_poll(Transaction(tx.conn, poll.at), poll,
                            changes if hold_trackers else [], STALE, "host:1:a")


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first table after ``heading``."""
    lines = text.splitlines()
    at = lines.index(heading) + 1
    while not lines[at].startswith("|"):
        at += 1
    at += 2  # header, rule
    rows = []
    while at < len(lines) and lines[at].startswith("|"):
        rows.append([cell.strip() for cell in lines[at].strip("|").split(" | ")])
        at += 1
    return rows


def test_a_jittering_metric_is_one_episode_not_dozens_of_rows(tmp_path: Path) -> None:
    polls = []
    for n in range(8 * 60):  # 8 minutes at 1 s: WARN for 3 polls, OK for 3, and again
        value = 1.5 if (n // 3) % 2 else 0.5
        polls.append(PollResult(T0 + timedelta(seconds=n), {"error_rate": Reading(value)},
                                Health("ok", "")))
    later = T0 + timedelta(minutes=20)  # after a quiet gap: a second episode, to CRIT
    polls += [PollResult(later + timedelta(seconds=n), {"error_rate": Reading(v)},
                         Health("ok", "")) for n, v in enumerate([6.5] * 5 + [0.2] * 5)]
    with Store(tmp_path / "launch.db") as store:
        _write(store, polls)
        flips = len(store.timeline(kinds=["metric.level"], limit=10_000))
        text = render(collect_report(store, CONFIG, RUNBOOK, later + timedelta(minutes=1)))
    assert flips > 100  # what the level-change table used to list, row by row
    rows = _table(text, "## Level episodes")
    # Held WARN from the 3rd poll at 1.5 until the last poll's value went stale (3 s);
    # the 12 minutes without any poll are a gap in the record, not WARN; then CRIT.
    assert [row[:7] for row in rows] == [
        ["Error Rate", "11:00:05", "11:08:02", "0:07:57", "WARN", "1.50%", "0:00:00"],
        ["Error Rate", "11:20:00", "11:20:07", "0:00:07", "CRIT", "6.50%", "0:00:05"]]
    assert int(rows[0][7]) == flips - 2 and rows[1][7] == "2"
    assert "  - Error Rate: CRIT — 2 episodes, 0:00:05 in CRIT, 0:04:02 in WARN" in text


def _noisy_day() -> list[PollResult]:
    """3 hours at 7 s (11:00–14:00 KST), values drawn with a fixed seed; gate counters
    grow; a gap of 10 minutes with no poll at all."""
    rng = random.Random(14)
    polls, observe, ring, lock = [], 1000.0, 500.0, 20.0
    at = T0
    while at < T0 + timedelta(hours=3):
        if not T0 + timedelta(minutes=70) <= at < T0 + timedelta(minutes=80):
            observe += rng.randint(0, 9)
            ring += rng.randint(0, 3)
            lock += rng.randint(0, 1)
            readings = {
                "active_users": Reading(float(rng.randint(900, 1500))),
                "error_rate": Reading(round(rng.uniform(0.1, 1.4), 2)),
                "avg_response": Reading(float(rng.randint(120, 700))),
                "gate_observe": Reading(observe), "gate_ring": Reading(ring),
                "gate_lock": Reading(lock),
                "afterimage_rate": Reading(round(rng.uniform(30, 90), 1))}
            polls.append(PollResult(at, readings, Health("ok", ""),
                                    "metrics: slow" if rng.random() < 0.05 else None))
        at += timedelta(seconds=7)
    return polls


def _expected_hours(polls: list[PollResult]) -> dict[str, list[str]]:
    """The hour table computed straight from the raw polls (the report made at the last
    poll)."""
    specs = {s.key: s for s in default_metrics()}
    hours: dict[str, list[PollResult]] = {}
    for poll in polls:
        hours.setdefault(f"{poll.at.astimezone(SEOUL):%H}:00", []).append(poll)
    out, last_before = {}, None
    for hour, mine in hours.items():
        def vals(key: str, mine: list[PollResult] = mine) -> list[float]:
            return [v for p in mine if (v := p.readings[key].value) is not None]

        users, errors, response = vals("active_users"), vals("error_rate"), vals("avg_response")
        gates = []
        for key in ("gate_observe", "gate_ring", "gate_lock"):
            base = last_before[key] if last_before else vals(key)[0]
            gates.append(f"{vals(key)[-1] - base:,.0f}")
        area = 0.0
        for poll in mine:
            following = polls[polls.index(poll) + 1:][:1]
            # Until the next poll, at most STALE; the last one: until the report (now).
            gap = (following[0].at - poll.at).total_seconds() if following else 0.0
            area += poll.readings["afterimage_rate"].value * min(gap, STALE)  # type: ignore
        out[hour] = [hour, f"{len(mine):,}", f"{sum(p.error is not None for p in mine):,}",
                     specs["active_users"].format(sum(users) / len(users)),
                     specs["active_users"].format(max(users)),
                     specs["error_rate"].format(sum(errors) / len(errors)),
                     specs["error_rate"].format(max(errors)),
                     specs["avg_response"].format(sum(response) / len(response)),
                     *gates, f"{area / 60:,.0f}", ""]
        last_before = {key: vals(key)[-1] for key in ("gate_observe", "gate_ring", "gate_lock")}
    return out


def test_the_hour_table_equals_what_the_raw_polls_say(tmp_path: Path) -> None:
    polls = _noisy_day()
    expected = _expected_hours(polls)
    assert list(expected) == ["11:00", "12:00", "13:00"]
    end = polls[-1].at
    with Store(tmp_path / "launch.db") as store:
        _write(store, polls, hold_trackers=False)
        raw = _table(render(collect_report(store, CONFIG, RUNBOOK, end)), "## Hour by hour")
        assert samples.fold_all_old(store, CONFIG.metrics, end, keep=timedelta(hours=1)) > 0
        folded = _table(render(collect_report(store, CONFIG, RUNBOOK, end)), "## Hour by hour")
    assert raw == folded == list(expected.values())


def test_the_d1_review_answers_from_the_data_or_says_it_cannot(tmp_path: Path) -> None:
    polls = _noisy_day()
    db = tmp_path / "launch.db"
    with Store(db) as store:
        _write(store, polls, hold_trackers=False)
    done = subprocess.run([sys.executable, "-m", "autus_tui.cli", "report", "--db", str(db),
                           "--d1"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# D+1 리뷰 — AUTUS v1.0")
    for item in ("D-Day 에러 로그 리뷰", "Gate 이벤트 패턴 분석", "Afterimage 무결성 검증",
                 "사용자 행동 패턴 확인 (설명 요청 빈도)"):
        assert f". {item}" in text and f"| {item} | open |" in text  # answered; its state
    assert text.count("Not supported by the recorded data:") == 3  # error log, integrity,
    assert "explanation requests are not recorded" in text         # explanation requests
    expected = _expected_hours(polls)
    errors = _table(text, "### Errors by hour")
    assert [[r[0], r[1], r[2], r[4], r[5]] for r in errors] == [
        [row[0], row[1], row[2], row[5], row[6]] for row in expected.values()]
    by_minute: dict[str, list[float]] = {}
    for poll in polls:
        value = poll.readings["error_rate"].value
        assert value is not None
        by_minute.setdefault(f"{poll.at.astimezone(SEOUL):%H:%M}", []).append(value)
    worst = max(by_minute, key=lambda m: sum(by_minute[m]) / len(by_minute[m]))
    assert _table(text, "### The worst minutes")[0][0] == worst
    gates = _table(text, "## 2. Gate 이벤트 패턴 분석")
    assert [r[1:4] for r in gates] == [row[8:11] for row in expected.values()]
