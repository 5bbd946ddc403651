"""Staleness, level changes and counter rates of one metric's history."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from autus_tui.core.levels import Level
from autus_tui.core.metrics import default_metrics
from autus_tui.core.payload import Reading
from autus_tui.core.series import MetricTracker, format_age

SPECS = {spec.key: spec for spec in default_metrics()}
T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def tracker(key: str = "error_rate", hold: int = 1) -> MetricTracker:
    """hold=1: every level change is news at its first poll (the rule: test_held.py)."""
    return MetricTracker(replace(SPECS[key], hold=hold), stale_after=3 * SECOND, interval=1.0)


def test_stale_after_three_missed_intervals_with_age() -> None:
    t = tracker()
    t.record(T0, Reading(0.5))
    assert t.level(T0 + 2.9 * SECOND) is Level.OK
    assert t.level(T0 + 3 * SECOND) is Level.STALE
    assert format_age(t.age(T0 + 75 * SECOND)) == "1m15s ago"


def test_stale_before_any_value() -> None:
    assert tracker().level(T0) is Level.STALE
    assert format_age(None) == "no data yet"


def test_bad_reading_keeps_last_good_value_until_stale() -> None:
    t = tracker()
    t.record(T0, Reading(6.0))
    t.record(T0 + SECOND, Reading(None, "error_rate_pct is not a number (text: 'x')"))
    assert t.problem is not None and "not a number" in t.problem
    assert t.level(T0 + SECOND) is Level.CRIT
    assert t.level(T0 + 3 * SECOND) is Level.STALE


def test_level_changes_are_announced_once() -> None:
    t = tracker()
    assert t.record(T0, Reading(0.2)) is None  # a calm start is not news
    change = t.record(T0 + SECOND, Reading(1.5))
    assert change is not None and (change.before, change.after) == (Level.OK, Level.WARN)
    assert t.record(T0 + 2 * SECOND, Reading(2.0)) is None
    rise = t.record(T0 + 3 * SECOND, Reading(7.0))
    assert rise is not None and rise.after is Level.CRIT and rise.is_rise
    stale = t.observe(T0 + 10 * SECOND)  # a poll without this metric, 7 s later
    assert stale is not None and stale.after is Level.STALE and not stale.is_rise
    assert t.observe(T0 + 11 * SECOND) is None


def test_time_passing_between_polls_shows_stale_but_holds_nothing() -> None:
    t = tracker(hold=3)
    for second in range(3):
        assert t.record(T0 + second * SECOND, Reading(0.2)) is None
    assert t.level(T0 + 12 * SECOND) is Level.STALE  # what a pane shows
    assert t.held.held is Level.OK  # what is announced: only polls count
    # Polling resumes (a takeover, a restart): nothing to announce.
    assert t.record(T0 + 13 * SECOND, Reading(0.3)) is None


def test_a_pane_says_how_far_a_change_is_from_held() -> None:
    t = tracker(hold=3)
    for second in range(3):
        t.record(T0 + second * SECOND, Reading(0.2))
    assert t.pending(T0 + 2 * SECOND) is None
    t.record(T0 + 3 * SECOND, Reading(1.5))
    assert t.level(T0 + 3 * SECOND) is Level.WARN  # the raw level at once
    assert str(t.pending(T0 + 3 * SECOND)) == "WARN 1/3"
    t.record(T0 + 4 * SECOND, Reading(1.5))
    change = t.record(T0 + 5 * SECOND, Reading(1.6))
    assert change is not None and (change.before, change.after) == (Level.OK, Level.WARN)
    assert change.value == 1.6 and t.pending(T0 + 5 * SECOND) is None


def test_alarming_first_level_is_announced() -> None:
    change = tracker().record(T0, Reading(9.0))
    assert change is not None and change.before is None and change.after is Level.CRIT


def test_counter_rate_per_minute_over_the_last_minute() -> None:
    t = tracker("gate_observe")
    for second in range(0, 121):
        t.record(T0 + second * SECOND, Reading(float(second * 2)))
    assert t.rate_per_min() == 120.0


def test_counter_reset_gives_no_rate() -> None:
    t = tracker("gate_observe")
    t.record(T0, Reading(100.0))
    t.record(T0 + SECOND, Reading(5.0))
    assert t.rate_per_min() is None
