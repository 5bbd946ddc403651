"""The seed's threshold table, at its boundary values (docs/architecture.md, "Levels")."""

import pytest

from autus_tui.core.levels import Direction, Level, Thresholds
from autus_tui.core.metrics import default_metrics

SPECS = {spec.key: spec for spec in default_metrics()}


@pytest.mark.parametrize(
    ("key", "value", "level"),
    [
        # Error Rate: < 1 % OK, 1-5 % WARN, > 5 % CRIT
        ("error_rate", 0.99, Level.OK), ("error_rate", 1.0, Level.WARN),
        ("error_rate", 5.0, Level.WARN), ("error_rate", 5.01, Level.CRIT),
        # Response Time: < 500 ms OK, 500 ms-2 s WARN, > 2 s CRIT
        ("avg_response", 499, Level.OK), ("avg_response", 500, Level.WARN),
        ("avg_response", 2000, Level.WARN), ("avg_response", 2001, Level.CRIT),
        # Gate Failure: 0 OK, 1-10 WARN, > 10 CRIT
        ("gate_failures", 0, Level.OK), ("gate_failures", 1, Level.WARN),
        ("gate_failures", 10, Level.WARN), ("gate_failures", 11, Level.CRIT),
        # DB Connections: < 80 % OK, 80-95 % WARN, > 95 % CRIT
        ("db_connections", 79.9, Level.OK), ("db_connections", 80, Level.WARN),
        ("db_connections", 95, Level.WARN), ("db_connections", 95.1, Level.CRIT),
    ],
)
def test_seed_threshold_table(key: str, value: float, level: Level) -> None:
    thresholds = SPECS[key].thresholds
    assert thresholds is not None
    assert thresholds.judge(value) is level


def test_lower_is_worse_mirrors() -> None:
    rule = Thresholds(warning=20, critical=5, direction=Direction.LOWER_IS_WORSE)
    assert [rule.judge(v) for v in (21, 20, 5, 4.9)] == [
        Level.OK, Level.WARN, Level.WARN, Level.CRIT,
    ]


def test_threshold_description_names_both_limits() -> None:
    assert Thresholds(1, 5).describe("%") == "warn ≥1%  crit >5%"


def test_metrics_without_thresholds_are_never_alarming() -> None:
    assert SPECS["active_users"].thresholds is None
