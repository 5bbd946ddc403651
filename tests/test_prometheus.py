"""Prometheus text exposition as a metric source: parsing, selectors and readings."""

from typing import Any

from autus_tui.core.levels import Thresholds
from autus_tui.core.metrics import MetricSpec
from autus_tui.sources.prometheus import normalize_selector, parse_exposition, read_prometheus

EXPOSITION = """\
# HELP autus_error_rate_pct Share of requests that failed, percent.
# TYPE autus_error_rate_pct gauge
autus_error_rate_pct 2.5
# TYPE autus_gate_events_total counter
autus_gate_events_total{kind="observe",zone="b"} 1200
autus_gate_events_total{zone="a",kind="ring"} 40
# TYPE autus_db_connections_used gauge
autus_db_connections_used 170
autus_db_connections_max 200
autus_weird{path="a\\"b\\\\c"} 1
autus_not_a_number NaN
autus_empty_pool 0
"""


def _spec(path: str, **kwargs: Any) -> MetricSpec:
    return MetricSpec("m", "Metric", path, source="prometheus", **kwargs)


def test_samples_are_keyed_by_name_and_sorted_labels() -> None:
    samples, error = parse_exposition(EXPOSITION)
    assert error is None
    assert samples["autus_error_rate_pct"] == 2.5
    assert samples['autus_gate_events_total{kind="observe",zone="b"}'] == 1200
    assert samples['autus_gate_events_total{kind="ring",zone="a"}'] == 40
    assert samples['autus_weird{path="a\\"b\\\\c"}'] == 1


def test_a_configured_selector_matches_in_any_label_order_and_spacing() -> None:
    samples, _ = parse_exposition(EXPOSITION)
    spec = _spec('autus_gate_events_total{ zone = "a", kind="ring" }')
    assert read_prometheus(samples, spec).value == 40
    assert normalize_selector("autus_error_rate_pct{}") == "autus_error_rate_pct"


def test_reading_applies_thresholds_range_and_percentage_like_json() -> None:
    samples, _ = parse_exposition(EXPOSITION)
    assert read_prometheus(samples, _spec("autus_error_rate_pct",
                                          thresholds=Thresholds(1, 5))).value == 2.5
    pool = _spec("autus_db_connections_used", per="autus_db_connections_max", maximum=100)
    assert read_prometheus(samples, pool).value == 85.0
    small = _spec("autus_db_connections_used", maximum=100)
    assert "implausibly large" in (read_prometheus(samples, small).problem or "")


def test_bad_samples_give_the_reason_not_a_value() -> None:
    samples, _ = parse_exposition(EXPOSITION)
    missing = read_prometheus(samples, _spec("autus_active_users"))
    assert missing.value is None
    assert missing.problem == "autus_active_users is not in the Prometheus output"
    nan = read_prometheus(samples, _spec("autus_not_a_number"))
    assert nan.problem == "autus_not_a_number is not a finite number (nan)"
    empty_pool = read_prometheus(samples, _spec("autus_db_connections_used",
                                                per="autus_empty_pool"))
    assert empty_pool.problem == "autus_empty_pool must be above zero, got 0"


def test_bad_exposition_text_is_an_error_string_not_an_exception() -> None:
    for text in ['autus_active_users{kind="\n', "autus_x bar\n", '[{"active_users": 1}]',
                 "<html>502</html>", "\x1b]0;pwned\x07 1\n"]:
        samples, error = parse_exposition(text)
        assert samples == {}
        assert error is not None and error.startswith("not valid Prometheus text")
        assert "\x1b" not in error and "\x07" not in error


def test_an_empty_exposition_is_valid_and_has_no_samples() -> None:
    assert parse_exposition("") == ({}, None)
