"""The simulated backend's scenarios as pure functions: shape, monotone counts, seeds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import read_health, read_metric
from autus_tui.sim.faults import FAULTS, HOSTILE_ROTATION, bend_values, render_prometheus
from autus_tui.sim.scenarios import SCENARIOS, SimState

KINDS = ("observe", "ring", "lock")


def state(name: str, minutes: float, seed: int = 7) -> SimState:
    return SCENARIOS[name].state(timedelta(minutes=minutes), seed)


def test_the_payload_has_exactly_the_ops_api_v1_fields() -> None:
    metrics = state("calm", 30).metrics
    assert metrics is not None
    assert set(metrics) == {
        "active_users", "gate_events", "gate_failures", "afterimage_per_min",
        "error_rate_pct", "avg_response_ms", "db_connections", "memory_pct",
    }
    assert set(metrics["gate_events"]) == set(KINDS)
    assert set(metrics["db_connections"]) == {"used", "max"}
    assert all(isinstance(metrics["gate_events"][k], int) for k in KINDS)
    assert isinstance(metrics["active_users"], int)
    assert isinstance(metrics["error_rate_pct"], float)
    assert 40 <= metrics["memory_pct"] <= 60  # the service's memory, calm
    # Every default pane can read it without a problem.
    assert all(read_metric(metrics, spec).ok for spec in default_metrics())


@pytest.mark.parametrize("name", ["calm", "spike", "outage"])
def test_health_has_status_message_and_components(name: str) -> None:
    for minutes in (-5, 0, 2, 6, 20, 40):
        health = state(name, minutes).health
        parsed = read_health(health)
        assert parsed.status in ("ok", "degraded", "down")
        assert parsed.message
        assert {c[0] for c in parsed.components} == {"api", "db", "websocket", "cdn"}


@pytest.mark.parametrize("name", ["calm", "spike", "outage", "hostile"])
def test_gate_counts_are_zero_before_launch_and_never_decrease(name: str) -> None:
    seconds = [*range(-120, 900), *range(900, 3 * 3600, 13)]
    previous = dict.fromkeys(KINDS, 0)
    for second in seconds:
        metrics = SCENARIOS[name].state(timedelta(seconds=second), 3).metrics
        if metrics is None:  # the outage answers 503
            continue
        counts = metrics["gate_events"]
        if second <= 0:
            assert counts == dict.fromkeys(KINDS, 0), second
        for kind in KINDS:
            assert counts[kind] >= previous[kind], (name, second, kind)
        previous = counts
    assert previous["observe"] > previous["ring"] > previous["lock"] > 0


def test_gate_events_do_not_count_while_the_backend_is_down() -> None:
    before = state("outage", 0.9)
    after = state("outage", 36.1)
    assert before.metrics is not None and after.metrics is not None
    grown = after.metrics["gate_events"]["observe"] - before.metrics["gate_events"]["observe"]
    calm_grown = (state("calm", 36.1).metrics or {})["gate_events"]["observe"]
    assert 0 <= grown < calm_grown / 10


def test_a_seed_replays_the_same_numbers_and_another_seed_differs() -> None:
    for name in ("calm", "spike", "outage"):
        for minutes in (-3, 0.5, 6.25, 42):
            assert state(name, minutes, seed=11) == state(name, minutes, seed=11)
    first, other = state("calm", 30, seed=1), state("calm", 30, seed=2)
    assert first.metrics != other.metrics


def test_values_hold_within_a_whole_second() -> None:
    a = SCENARIOS["calm"].state(timedelta(seconds=600.1), 5)
    b = SCENARIOS["calm"].state(timedelta(seconds=600.9), 5)
    c = SCENARIOS["calm"].state(timedelta(seconds=601.0), 5)
    assert a == b
    assert a != c


def test_calm_stays_in_its_ranges_all_morning() -> None:
    for second in range(-3600, 4 * 3600, 37):
        metrics = SCENARIOS["calm"].state(timedelta(seconds=second), 9).metrics
        assert metrics is not None
        assert 0.2 <= metrics["error_rate_pct"] <= 0.5
        assert 120 <= metrics["avg_response_ms"] <= 250
        assert metrics["gate_failures"] == 0
        used, pool = metrics["db_connections"]["used"], metrics["db_connections"]["max"]
        assert 30 <= used / pool * 100 <= 50


def test_hostile_scenario_rotates_through_bad_answers_with_good_ones_between() -> None:
    seen = {state("hostile", s / 60).fault for s in range(0, 4 * len(HOSTILE_ROTATION))}
    assert None in seen
    assert seen - {None} == set(FAULTS) - {"slow"}


def test_slow_scenario_asks_for_a_ten_second_delay() -> None:
    assert state("slow", 5).delay == 10.0
    assert state("calm", 5).delay == 0.0


def test_number_faults_leave_no_number_readable() -> None:
    metrics = state("calm", 30).metrics
    assert metrics is not None
    for fault in ("strings", "nan", "negative", "huge"):
        bent = json.loads(json.dumps(bend_values(fault, metrics)))
        readings = [read_metric(bent, spec) for spec in default_metrics()]
        assert not any(r.ok for r in readings), (fault, readings)


def test_prometheus_text_carries_every_value() -> None:
    metrics = state("calm", 30).metrics
    assert metrics is not None
    text = render_prometheus(metrics)
    assert f"autus_active_users {metrics['active_users']}\n" in text
    assert f'autus_gate_events_total{{kind="lock"}} {metrics["gate_events"]["lock"]}\n' in text
    assert "# TYPE autus_gate_events_total counter" in text
