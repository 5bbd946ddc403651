"""The held-level rule on its own (``core.held``): what is announced, poll by poll."""

from __future__ import annotations

import pytest

from autus_tui.core.config import ConfigError, build_config
from autus_tui.core.held import HeldLevel, HoldRule, hold_rule, parse_hold
from autus_tui.core.levels import Level

OK, WARN, CRIT, STALE = Level.OK, Level.WARN, Level.CRIT, Level.STALE


THREE = HoldRule(3, 3)


def announced(levels: list[Level], rule: HoldRule = THREE,
              start: Level | None = OK) -> list[tuple[Level | None, Level]]:
    """Feed ``levels`` one per poll after a calm, held start; every announcement."""
    held = HeldLevel(rule)
    for level in [start] * rule.hold if start is not None else []:
        assert held.observe(level) is None
    return [change for level in levels if (change := held.observe(level)) is not None]


def test_a_value_flipping_every_poll_is_never_announced() -> None:
    assert announced([WARN, OK] * 100) == []
    assert announced([OK, WARN] * 100) == []
    # Flipping between WARN and CRIT once WARN held: only the WARN.
    assert announced([WARN] * 3 + [CRIT, WARN] * 100) == [(OK, WARN)]


def test_a_held_change_is_announced_exactly_once() -> None:
    assert announced([WARN, WARN]) == []
    assert announced([WARN] * 50) == [(OK, WARN)]
    assert announced([WARN] * 3 + [OK] * 50) == [(OK, WARN), (WARN, OK)]


def test_a_rise_counts_every_poll_at_that_level_or_worse() -> None:
    assert announced([WARN, CRIT, CRIT]) == [(OK, WARN)]
    assert announced([WARN, CRIT, CRIT, CRIT]) == [(OK, WARN), (WARN, CRIT)]
    assert announced([CRIT] * 3) == [(OK, CRIT)]  # straight to CRIT, not via WARN


def test_a_fall_goes_to_the_worst_of_the_last_polls() -> None:
    held = [CRIT] * 3
    assert announced([*held, WARN, OK, OK]) == [(OK, CRIT), (CRIT, WARN)]
    assert announced([*held, WARN, OK, OK, OK]) == [(OK, CRIT), (CRIT, WARN), (WARN, OK)]
    assert announced([*held, OK, CRIT, OK, OK]) == [(OK, CRIT)]  # not 3 below CRIT in a row


@pytest.mark.parametrize(("hold", "interval", "polls"), [
    (3, 1.0, 3), (3, 0.2, 3), (3, 2.0, 2), (3, 5.0, 1), (10, 1.0, 4), (1, 1.0, 1),
])
def test_a_rise_to_crit_is_announced_within_3_s(hold: int, interval: float, polls: int) -> None:
    rule = hold_rule(hold, interval)
    assert rule.crit_polls == polls and rule.needed(WARN) == hold
    assert (polls - 1) * interval <= 3.0  # from the first CRIT poll to the announcement
    assert announced([CRIT] * (polls - 1), rule) == []
    assert announced([CRIT] * polls, rule) == [(OK, CRIT)]


def test_stale_is_held_at_once_and_left_like_a_rise() -> None:
    assert announced([STALE]) == [(OK, STALE)]
    assert announced([STALE, OK, OK]) == [(OK, STALE)]
    assert announced([STALE, OK, OK, OK]) == [(OK, STALE), (STALE, OK)]
    assert announced([STALE, WARN, WARN, WARN]) == [(OK, STALE), (STALE, WARN)]
    assert announced([STALE, OK, STALE, OK, OK, OK]) == [(OK, STALE), (STALE, OK)]


def test_the_start_a_calm_one_is_not_news_and_stale_holds_nothing() -> None:
    assert announced([OK] * 5, start=None) == []
    assert announced([STALE, STALE, OK, OK, OK], start=None) == []
    assert announced([WARN, OK, WARN], start=None) == []
    assert announced([WARN, WARN, WARN], start=None) == [(None, WARN)]


def test_pending_says_how_far_the_shown_level_is_from_held() -> None:
    held = HeldLevel(HoldRule(3, 3))
    assert held.pending(OK) is None  # nothing held yet, calm
    for level in [OK] * 3 + [WARN]:
        held.observe(level)
    assert str(held.pending(WARN)) == "WARN 1/3"
    held.observe(CRIT)
    assert str(held.pending(CRIT)) == "CRIT 1/3"
    assert held.pending(STALE) is None  # STALE is shown as STALE
    for level in [CRIT, CRIT]:
        held.observe(level)
    assert held.held is CRIT and held.pending(CRIT) is None
    held.observe(OK)
    held.observe(OK)
    assert str(held.pending(OK)) == "OK 2/3"


@pytest.mark.parametrize("raw", [0, 61, 2.0, True, "3"])
def test_hold_in_configuration_is_a_whole_number_of_polls(raw: object) -> None:
    with pytest.raises(ValueError, match="whole number of polls from 1 to 60"):
        parse_hold(raw)
    assert parse_hold(5) == 5


def test_hold_is_a_per_metric_configuration_key() -> None:
    config = build_config([("autus.toml", {"metrics": {"gate_failures": {"hold": 5}}})])
    assert {spec.key: spec.hold for spec in config.metrics}["gate_failures"] == 5
    assert {spec.key: spec.hold for spec in config.metrics}["error_rate"] == 3
    with pytest.raises(ConfigError, match=r"^autus.toml: metrics.error_rate.hold: "):
        build_config([("autus.toml", {"metrics": {"error_rate": {"hold": 0}}})])
