"""Prometheus expositions read as Prometheus reads them: selectors, matches, histograms.

The real exposition is node_exporter 1.5.0 (Debian's prometheus-node-exporter) captured
from /metrics on a test machine (tests/data/node_exporter_1.5.0.prom); the big one is the
simulated exporter's 25k series with the values that matter at the very end.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autus_tui.core.exposition import parse_exposition, wanted_selectors
from autus_tui.core.levels import Thresholds
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.selectors import SelectorError, parse_selector
from autus_tui.sim.exporter import big_exposition
from autus_tui.sources.prometheus import body_problem, readings_from_text

NODE = (Path(__file__).parent / "data" / "node_exporter_1.5.0.prom").read_text()
EXPOSITION = """\
# HELP autus_error_rate_pct Share of requests that failed, percent.
# TYPE autus_error_rate_pct gauge
autus_error_rate_pct 2.5
# TYPE autus_gate_events_total counter
autus_gate_events_total{kind="observe",zone="b"} 1200
autus_gate_events_total{zone="a",kind="ring"} 40
autus_gate_events_total_created{kind="observe",zone="b"} 1.7e9
# TYPE autus_db_connections_used gauge
autus_db_connections_used 170
autus_db_connections_max 200
autus_weird{path="a\\"b\\\\c",n="x\\ny"} 1
autus_spaced { a = "1" , b="2" } 3 1700000000000
autus_not_a_number NaN
autus_empty_pool 0
"""


def _spec(path: str, **kwargs: Any) -> MetricSpec:
    return MetricSpec("m", "Metric", path, source="prometheus", **kwargs)


def read(text: str, path: str, **kwargs: Any) -> tuple[float | None, str | None]:
    reading = readings_from_text(text, [_spec(path, **kwargs)])["m"]
    return reading.value, reading.problem


def test_a_selector_with_some_labels_finds_a_series_that_has_more() -> None:
    # the series carries device and fstype too: Prometheus matches it, and so do we
    value, problem = read(NODE, 'node_filesystem_avail_bytes{mountpoint="/"}', maximum=1e15)
    assert (value, problem) == (82882514944.0, None)
    assert read(NODE, "node_load1") == (6.18, None)
    assert read(EXPOSITION, 'autus_gate_events_total{ zone = "a" }') == (40, None)


def test_several_matches_are_an_error_naming_how_many_unless_combined() -> None:
    value, problem = read(NODE, 'node_cpu_seconds_total{mode="idle"}')
    assert value is None
    assert problem is not None and "matches 2 series" in problem and "combine" in problem
    assert read(NODE, 'node_cpu_seconds_total{mode="idle"}', combine="sum")[0] == pytest.approx(
        sum(float(line.rsplit(" ", 1)[1]) for line in NODE.splitlines()
            if line.startswith("node_cpu_seconds_total{") and 'mode="idle"' in line))
    assert read(NODE, 'node_cpu_seconds_total{cpu="0",mode=~"user|system"}',
                combine="max") == (1068.52, None)
    assert read(NODE, 'node_cpu_seconds_total{cpu="0",mode=~"user|system"}',
                combine="min") == (118.57, None)
    assert read(NODE, 'node_cpu_seconds_total{cpu="1",mode=~"use.|system"}',
                combine="avg") == (pytest.approx((1321.11 + 125.28) / 2), None)


def test_negative_matchers_and_anchored_regexes() -> None:
    # != and !~ keep the others; a regex must match the whole value (eth.* is not "x-eth0")
    assert read(NODE, 'node_network_receive_bytes_total{device!~"ifb.*"}',
                maximum=1e15) == (741887655.0, None)
    assert read(NODE, 'node_network_receive_bytes_total{device=~"eth"}')[1] == (
        'node_network_receive_bytes_total{device=~"eth"} matches none of the 3 series of '
        'node_network_receive_bytes_total (node_network_receive_bytes_total{device="eth0"} '
        '7.41887655e+08, node_network_receive_bytes_total{device="ifb0"} 0, '
        'node_network_receive_bytes_total{device="ifb1"} 0)')
    value, problem = read(NODE, 'promhttp_metric_handler_requests_total{code!="200"}')
    assert value is None and problem is not None and "matches 2 series" in problem
    # a label a series lacks counts as empty, as in Prometheus
    assert read(NODE, 'node_load1{job=""}') == (6.18, None)
    assert read(NODE, 'node_load1{job!=""}')[0] is None


def test_histogram_buckets_summary_quantiles_sum_and_count() -> None:
    text = big_exposition()
    bucket = 'http_request_duration_seconds_bucket{handler="/api",le="1"}'  # written 1.0
    assert read(text, bucket) == (80, None)
    assert read(text, 'http_request_duration_seconds_bucket{handler="/api",le="+Inf"}') == (
        100, None)
    assert read(text, 'http_request_duration_seconds_count{handler="/api"}') == (100, None)
    assert read(text, 'http_request_duration_seconds_sum{handler="/api"}') == (12.5, None)
    assert read(text, 'go_gc_duration_seconds{quantile="0.5"}') == (3e-05, None)
    assert read(NODE, 'go_gc_duration_seconds{quantile="0.75"}') == (0, None)
    assert read(NODE, "go_gc_duration_seconds_count") == (0, None)


def test_the_values_at_the_end_of_25k_series_are_read_nothing_is_cut() -> None:
    text = big_exposition()
    assert sum(1 for line in text.splitlines() if line and line[0] != "#") == 25_000
    specs = [
        MetricSpec("load", "Load", "node_load1", decimals=2),
        MetricSpec("offset", "NTP", "node_timex_offset_seconds", unit="s", minimum=-1),
        MetricSpec("cold", "Cold", 'node_hwmon_temp_celsius{chip="cold"}', minimum=-40,
                   unit="°C", decimals=1),
        MetricSpec("data", "Data", 'node_filesystem_size_bytes{mountpoint="/data"}',
                   unit="bytes", maximum=1e18),
        MetricSpec("tiny", "Tiny", "autus_tiny_ratio", decimals=2),
        MetricSpec("failed", "Failed", 'node_systemd_unit_state{state="failed"}',
                   combine="sum"),
    ]
    readings = readings_from_text(text, specs)
    shown = {spec.key: spec.format(readings[spec.key].value) for spec in specs}
    assert shown == {"load": "1.25", "offset": "-234 µs", "cold": "-5.5 °C", "data": "13.6 TiB",
                     "tiny": "1.23e-05", "failed": "0"}
    # without a minimum below zero, a negative value is a bad value, not a silent 0
    assert readings_from_text(text, [MetricSpec("t", "Temp", 'node_hwmon_temp_celsius'
                                                '{chip="cold"}')])["t"].problem == (
        "Temp is negative (-5.5)")


def test_readings_keep_the_json_rules_thresholds_range_and_percentage() -> None:
    assert read(EXPOSITION, "autus_error_rate_pct", thresholds=Thresholds(1, 5)) == (2.5, None)
    assert read(EXPOSITION, "autus_db_connections_used", per="autus_db_connections_max",
                maximum=100) == (85.0, None)
    assert "implausibly large" in (read(EXPOSITION, "autus_db_connections_used",
                                        maximum=100)[1] or "")
    assert read(EXPOSITION, 'autus_weird{path="a\\"b\\\\c"}') == (1, None)
    assert read(EXPOSITION, 'autus_weird{n="x\\ny"}') == (1, None)
    assert read(EXPOSITION, 'autus_spaced{b="2"}') == (3, None)  # spaces and a timestamp
    assert read(EXPOSITION, 'autus_gate_events_total{kind="observe"}') == (1200, None)


def test_bad_values_give_the_reason() -> None:
    assert read(EXPOSITION, "autus_active_users") == (
        None, "autus_active_users is not in the Prometheus output")
    assert read(EXPOSITION, "autus_not_a_number") == (
        None, "autus_not_a_number is not a finite number (nan)")
    assert read(EXPOSITION, "autus_db_connections_used", per="autus_empty_pool") == (
        None, "autus_empty_pool must be above zero, got 0")


def test_a_bad_line_spoils_its_own_name_only() -> None:
    text = EXPOSITION + 'autus_error_rate_pct{kind="x} 1\nautus_broken{a="1"} one\n'
    assert read(text, "autus_error_rate_pct") == (
        None, "a line of autus_error_rate_pct is not Prometheus text: "
              "'autus_error_rate_pct{kind=\"x} 1'")
    assert read(text, "autus_broken")[1] == (
        "a line of autus_broken has a value that is not a number: 'one'")
    assert read(text, "autus_db_connections_used") == (170, None)  # other names unharmed
    twice = EXPOSITION + "autus_db_connections_max 201\n"
    assert read(twice, "autus_db_connections_max")[1] == (
        "the exposition repeats the series autus_db_connections_max")


def test_hostile_text_never_reaches_a_problem_with_control_characters() -> None:
    text = 'autus_x{a="\x1b]0;pwned\x07"} nope\n'
    problem = read(text, "autus_x")[1]
    assert problem is not None and "\x1b" not in problem and "\x07" not in problem


def test_a_body_that_is_not_an_exposition_is_named() -> None:
    assert body_problem("text/html", b"<html>502</html>") == "not Prometheus text (text/html)"
    assert body_problem("", b'  [{"active_users": 1}]') == "not Prometheus text (looks like JSON)"
    assert body_problem("text/plain", NODE.encode()) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sum(node_load1)", "sum(...) is a PromQL aggregation"),
        ("rate(x_total[5m])", "rate(...) is a PromQL"),
        ("x[5m]", "a range ([5m])"),
        ('x{a="1"} / 2', "operators and modifiers"),
        ("x{a=1}", "expected a quoted value"),
        ('x{a=~"("}', "not a regular expression"),
        ('x{a="1" b="2"}', "expected ',' or '}'"),
        ('x{a="\\q"}', "unknown escape"),
        ('{job="a"}', "needs a metric name"),
        ('{__name__=~"node_.*"}', "__name__ must be matched with ="),
    ],
)
def test_what_is_not_a_selector_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(SelectorError, match=problem.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        parse_selector(text)


def test_selector_spellings_prometheus_accepts() -> None:
    assert parse_selector('{__name__="up", job=~`a.*`}').name == "up"
    assert parse_selector("up{job='a',}").matchers[0].value == "a"
    assert parse_selector("  node_load1  ").text() == "node_load1"


def test_only_the_names_configured_are_read() -> None:
    exposition = parse_exposition(NODE, wanted_selectors([_spec("node_load1"),
                                                          _spec("x", per="node_load15")]))
    assert set(exposition.totals) == {"node_load1", "x", "node_load15"}
    assert exposition.totals["x"] == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab_:{}=!~"\'`,\\ ()[]5m.*|\n')), max_size=40)
       | st.text(max_size=40))
def test_any_text_is_a_selector_or_a_reason(text: str) -> None:
    try:
        selector = parse_selector(text)
    except SelectorError as error:
        assert str(error)
        return
    assert parse_selector(selector.text()) == selector  # what it says it is, it reads back


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "x 1", 'x{a="1"} 2', 'x{a="1",b="2"} 3 1700000000', 'x{a="q\\"z"} 4', "x{} 5",
    'x{a="1"} NaN', "x +Inf", 'x{a="1",a="2"} 6', "x{a=1} 7", "x", 'x{a="1" 8', "xy 9",
    "# TYPE x gauge", "", 'x { a = "3" } 10',
]), max_size=8))
def test_any_mix_of_lines_gives_a_value_or_a_reason(lines: list[str]) -> None:
    text = "\n".join(lines)
    for path in ("x", 'x{a="1"}', 'x{a=~".*"}'):
        for combine in (None, "sum"):
            value, problem = read(text, path, combine=combine, minimum=-math.inf)
            assert (value is None) != (problem is None)
