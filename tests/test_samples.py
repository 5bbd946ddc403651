"""Recorded polls: round trip, incremental reads, and a whole day folded under 100 MB
with the report's figures unchanged by the folding."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from autus_tui.core.config import Config
from autus_tui.core.day_report import render
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.rollup import Folder, MetricFigures, figures
from autus_tui.services.report_data import collect_report
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store, samples

T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
SPECS = Config().metrics
HEALTH = Health("degraded", "API latency above target", (
    ("api", "degraded", "avg 900 ms"), ("db", "ok", "pool 120/200"),
    ("websocket", "ok", "3,000 open"), ("cdn", "ok", "edge 38 ms")))


def _poll(second: int, rng: random.Random) -> PollResult:
    """A plausible launch-day poll, with WARN and CRIT stretches and some bad readings."""
    minute = second / 60
    surge = 1 + 6 * math.exp(-(((minute % 240) - 120) / 20) ** 2)  # a spike every 4 h
    error = 0.4 * surge**1.5 * rng.uniform(0.9, 1.1)
    readings = {
        "active_users": Reading(float(round(2000 + 800 * math.sin(minute / 90)))),
        "gate_observe": Reading(float(second * 3)),
        "gate_ring": Reading(float(second)),
        "gate_lock": Reading(float(second // 7)),
        "afterimage_rate": Reading(round(120 * rng.uniform(0.8, 1.2), 1)),
        "error_rate": Reading(round(error, 4)),
        "avg_response": Reading(round(200 * surge * rng.uniform(0.9, 1.1), 1)),
        "gate_failures": Reading(float(rng.choice((0, 0, 0, 0, 2, 12)))),
        "db_connections": Reading(min(99.0, 60 * surge)),
    }
    error_text = None
    if second % 997 == 0:  # now and then a reading the backend got wrong
        readings["avg_response"] = Reading(None, "avg_response_ms is not a number (text: x)")
        error_text = "metrics: avg_response_ms is not a number"
    return PollResult(T0 + timedelta(seconds=second), readings, HEALTH, error_text, 0.004)


def test_a_poll_comes_back_as_it_was_recorded(tmp_path: Path) -> None:
    result = PollResult(
        T0, {"error_rate": Reading(1.25), "avg_response": Reading(None, "missing | <b>")},
        Health("down", "x[/]y", (("db", "down", "refused"),)), "metrics: HTTP 503", 0.25)
    with Store(tmp_path / "launch.db") as store:
        samples.record_polls(store, [result, PollResult(T0 + timedelta(seconds=1))], 3.0)
        got = samples.polls_since(store, 0)
        assert [poll_id for poll_id, _ in got] == [1, 2]
        assert got[0][1] == result
        assert got[1][1] == PollResult(T0 + timedelta(seconds=1), {}, None, None, 0.0)
        assert samples.polls_since(store, 1) == got[1:]
        assert samples.polls_since(store, 0, limit=1) == got[:1]
        assert samples.latest_polls(store, 1) == got[1:]
        assert samples.last_poll_id(store) == 2


def test_report_is_the_same_before_and_after_folding(tmp_path: Path) -> None:
    rng = random.Random(4)
    polls = [_poll(second, rng) for second in range(3 * 3600)]
    config = Config()
    runbook = load_runbooks(config)
    end = T0 + timedelta(hours=3)
    with Store(tmp_path / "raw.db") as raw, Store(tmp_path / "folded.db") as folded:
        samples.record_polls(raw, polls, 3.0)
        samples.record_polls(folded, polls, 3.0)
        folded_count = samples.fold_all_old(folded, SPECS, end, keep=timedelta(minutes=30))
        assert folded_count == 150 * 60  # whole minutes older than 30 min
        assert len(samples.polls_since(folded, 0)) == 30 * 60
        before = render(collect_report(raw, config, runbook, end))
        after = render(collect_report(folded, config, runbook, end))
    assert "| Error Rate |" in before and "0:00:00 | 0:00:00" not in before.split(
        "| Error Rate |")[1].split("\n")[0]  # the data has WARN and CRIT time to compare
    assert after == before


def test_a_day_of_one_second_polls_stays_small_and_keeps_its_figures(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "launch.db"
    reference = Folder(SPECS)  # the whole day, never stored: what folding must not change
    with Store(path) as store:
        for hour in range(24):
            polls = [_poll(s, rng) for s in range(hour * 3600, (hour + 1) * 3600)]
            for poll in polls:
                values = {k: r.value for k, r in poll.readings.items() if r.value is not None}
                at = poll.at.isoformat(timespec="microseconds")[:16]
                reference.add(at, poll.at.timestamp(), values, poll.error is not None,
                              "degraded", 3.0)
            samples.record_polls(store, polls, 3.0)
            # what the recorder does every minute, here once an hour of polls
            samples.fold_all_old(store, SPECS, polls[-1].at)
        end = T0 + timedelta(hours=24)
        buckets, minutes = samples.day_buckets(store, SPECS, end)
    reference.finish(end.timestamp())
    size = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert size < 100 * 1024 * 1024, f"{size / 1e6:.1f} MB"
    assert sum(m.polls for m in minutes.values()) == 86_400
    for spec in SPECS:
        assert figures(buckets, spec.key) == figures(reference.buckets, spec.key), spec.key
    _check_against_brute_force(figures(buckets, "error_rate"), reference, SPECS[5])


def _check_against_brute_force(
    got: MetricFigures | None, reference: Folder, spec: MetricSpec
) -> None:
    """The figures themselves, recomputed the obvious way from the day's histogram."""
    assert spec.key == "error_rate" and got is not None
    day = [float(k) for (m, key), b in reference.buckets.items() if key == spec.key
           for k, n in b.hist.items() for _ in range(n)]
    day.sort()
    p95 = day[math.ceil(0.95 * len(day)) - 1]
    assert got.p95 == p95
    assert got.count == 86_400
    assert got.warn_s > 0 and got.crit_s > 0
    assert got.warn_s + got.crit_s < 86_400
