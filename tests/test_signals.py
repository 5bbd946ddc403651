"""Signals from synthetic polls: the suggested matrix rows, outage timing and the 30-minute
rollback condition; the store's SQL reading of the ongoing outage agrees with the core's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import build_config
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.signals import (
    current_outage,
    full_outage,
    outages,
    poll_is_out,
    suggest,
)
from autus_tui.services.incident_files import load_matrix
from autus_tui.services.incident_signals import (
    ongoing_outage,
    outage_condition,
    recorded_outages,
    suggestions,
)
from autus_tui.store import Store, samples

CONFIG = build_config([])
MATRIX = load_matrix(CONFIG)
T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
SEC = timedelta(seconds=1)
AGE = timedelta(seconds=10)
CALM = {"active_users": 900.0, "error_rate": 0.3, "avg_response": 180.0, "gate_failures": 0.0,
        "db_connections": 40.0, "memory_pct": 50.0}
COMPONENTS = (("api", "ok", "avg 180 ms"), ("db", "ok", "pool 80/200"),
              ("websocket", "ok", "900 open"))


def poll(at: datetime, status: str | None = "ok", error: str | None = None,
         components: tuple[tuple[str, str, str], ...] = COMPONENTS, **values: float) -> PollResult:
    readings = {} if error and status is None else {
        key: Reading(value) for key, value in {**CALM, **values}.items()}
    health = None if status is None else Health(status, f"status {status}", components)
    return PollResult(at, readings, health, error)


def situations(polls: list[PollResult], now: datetime | None = None) -> list[str]:
    now = now or polls[-1].at
    return [s.situation for s in suggest(MATRIX, polls, now, max_age=AGE)]


def test_a_calm_backend_suggests_nothing() -> None:
    polls = [poll(T0 + n * SEC) for n in range(10)]
    assert situations(polls) == []


def test_each_row_from_its_metric() -> None:
    cases = {
        "응답 지연 > 5s": {"avg_response": 5200.0},
        "에러율 > 1%": {"error_rate": 1.5},
        "메모리 경고": {"memory_pct": 83.0},
        "DB 연결 실패": {"db_connections": 97.0},
        "전체 Gate 고장": {"gate_failures": 14.0},
    }
    for situation, values in cases.items():
        found = situations([poll(T0), poll(T0 + SEC, **values)])
        assert situation in found, (situation, found)
    # Exactly at the seed's limits nothing is suggested: > 5s and > 1% are strict.
    assert situations([poll(T0, avg_response=5000.0, error_rate=1.0)]) == []
    gate = suggest(MATRIX, [poll(T0, gate_failures=14.0)], T0, max_age=AGE)
    assert [s.situation for s in gate] == ["전체 Gate 고장", "부분 Gate 오류"]  # most severe first
    assert gate[0].evidence == ("gate_failures = 14 (> 10)",)
    assert gate[0].response == "롤백"


def test_health_components_and_no_answer() -> None:
    down = poll(T0, status="down")
    assert situations([down]) == ["서버 다운"]
    silent = poll(T0, status=None, error="backend unreachable: connection refused")
    found = suggest(MATRIX, [silent], T0, max_age=AGE)
    assert [s.situation for s in found] == ["서버 다운"]
    assert found[0].evidence == ("no answer: backend unreachable: connection refused",)
    db_down = poll(T0, components=(("DB", "down", "primary gone"), ("websocket", "ok", "")))
    assert situations([db_down]) == ["DB 연결 실패"]
    flaky = poll(T0, components=(("websocket", "degraded", "reconnects"),))
    assert situations([flaky]) == ["WebSocket 불안정"]
    # Metrics failing while health answers is not "no answer".
    assert situations([poll(T0, error="metrics: HTTP 503")]) == []


def test_a_surge_of_users_within_five_minutes() -> None:
    polls = [poll(T0 + n * 30 * SEC, active_users=400.0 + n * 15) for n in range(11)]
    assert situations(polls) == []  # +37.5 % in five minutes: steady growth, no surge
    polls.append(poll(T0 + 330 * SEC, active_users=900.0))
    found = suggest(MATRIX, polls, polls[-1].at, max_age=AGE)
    assert [s.situation for s in found] == ["트래픽 급증"]
    assert found[0].evidence[0].startswith("active_users 415 → 900 (+117%) in 0:05:00")


def test_an_old_latest_poll_tells_nothing_about_now() -> None:
    assert situations([poll(T0, status="down")], now=T0 + AGE + SEC) == []
    assert situations([], now=T0) == []


def _outage_polls(down_seconds: int) -> list[PollResult]:
    before = [poll(T0 + n * SEC) for n in range(60)]
    start = T0 + 60 * SEC
    down = [poll(start + n * SEC, status="down") for n in range(down_seconds)]
    return before + down


def test_outages_are_timed_from_the_polls() -> None:
    polls = _outage_polls(600)
    # No answer right after "down" is the same outage; one good poll ends it.
    polls += [poll(T0 + 670 * SEC, status=None, error="metrics: timed out after 0.8 s"),
              poll(T0 + 671 * SEC)]
    polls += [poll(T0 + 700 * SEC, status=None, error="backend unreachable: connection refused")]
    found = outages(polls)
    assert [(o.start, o.end, o.last_out, o.polls) for o in found] == [
        (T0 + 60 * SEC, T0 + 671 * SEC, T0 + 670 * SEC, 601),
        (T0 + 700 * SEC, None, T0 + 700 * SEC, 1),
    ]
    assert found[1].reason == "no answer: backend unreachable: connection refused"
    assert found[0].lasted(T0 + 999 * SEC) == timedelta(minutes=10, seconds=11)
    assert found[0].reason == "health down: status down"
    assert not poll_is_out(poll(T0, error="metrics: HTTP 503"))  # health answered ok


def test_the_thirty_minute_condition_is_met_at_30_00_and_not_at_29_59() -> None:
    polls = _outage_polls(30 * 60)  # down from T0+60 s, polled every second
    start = T0 + 60 * SEC
    outage = current_outage(polls)
    assert outage is not None and outage.start == start
    early = full_outage(outage, start + timedelta(minutes=29, seconds=59), max_age=AGE)
    assert not early.met and early.lasted == timedelta(minutes=29, seconds=59)
    met = full_outage(outage, start + timedelta(minutes=30), max_age=AGE)
    assert met.met and met.lasted == timedelta(minutes=30)
    assert met.text == "전체 서비스 30분 이상 중단" and met.condition_id == "rollback.outage"
    assert met.evidence.startswith("down since 00:01:00, 0:30:00 (1800 polls; health down")
    # No polls since long ago: measured to the last poll that saw it, never to now.
    stale = full_outage(outage, start + timedelta(hours=2), max_age=AGE)
    assert stale.lasted == timedelta(minutes=29, seconds=59) and not stale.met
    assert "no poll since" in stale.evidence
    recovered = [*polls, poll(start + timedelta(minutes=31))]
    assert not full_outage(current_outage(recovered), start + timedelta(minutes=32),
                           max_age=AGE).met


def test_the_store_reads_the_same_outage(tmp_path: Path) -> None:
    polls = _outage_polls(1800)
    polls.insert(30, poll(T0 + 30 * SEC + SEC / 2, status=None, error="backend unreachable: x"))
    polls.insert(40, PollResult(T0 + 40.5 * SEC, {}, Health("ok", ""), "metrics: HTTP 503"))
    with Store(tmp_path / "launch.db") as store:
        samples.record_polls(store, polls, 3.0)
        found, before_oldest = ongoing_outage(store)
        assert found == current_outage(polls) and not before_oldest
        assert recorded_outages(store) == outages(polls)
        clock = FixedClock(T0 + 60 * SEC + timedelta(minutes=30))
        condition = outage_condition(store, CONFIG, clock)
        assert condition.met and "down since 09:01:00" in condition.evidence  # Seoul time
        clock.moment -= SEC
        assert not outage_condition(store, CONFIG, clock).met
        samples.record_polls(store, [poll(clock.moment + SEC, memory_pct=91.0)], 3.0)
        assert ongoing_outage(store) == (None, False)
        assert [s.situation for s in suggestions(store, MATRIX, CONFIG, clock)] == ["메모리 경고"]
