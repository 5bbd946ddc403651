"""Verify rules: the safe grammar and the verdicts an operator reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autus_tui.core.metrics import default_metrics
from autus_tui.core.verify import RuleError, evaluate, format_number, parse_rule

KEYS = {spec.key for spec in default_metrics()}
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 27, 0, 12, 3, tzinfo=UTC)  # 09:12:03 in Seoul


@pytest.mark.parametrize(("text", "metric", "op", "threshold"), [
    ("error_rate < 1", "error_rate", "<", 1.0),
    ("active_users>0", "active_users", ">", 0.0),
    ("  avg_response <= 500  ", "avg_response", "<=", 500.0),
    ("db_connections >= 80.5", "db_connections", ">=", 80.5),
    ("gate_failures == 0", "gate_failures", "==", 0.0),
    ("gate_failures != -1", "gate_failures", "!=", -1.0),
    ("gate_observe increasing", "gate_observe", "increasing", None),
])
def test_rules_that_parse(text: str, metric: str, op: str, threshold: float | None) -> None:
    rule = parse_rule(text, KEYS)
    assert (rule.metric, rule.op, rule.threshold) == (metric, op, threshold)


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"),
    ("error_rate", "does not parse"),
    ("error_rate < one", "does not parse"),
    ("error_rate >> 1", "does not parse"),
    ("error_rate < 1 and active_users > 0", "does not parse"),
    ("__import__('os').system('x') > 0", "does not parse"),
    ("error_rate < 1e999", "not a finite number"),
    ("gate_observe decreasing", "does not parse"),
    ("gate increasing", "unknown metric 'gate'"),
    ("에러율 < 1", "characters a rule cannot have"),
    ("x" * 300, "too long"),
])
def test_bad_rules_are_refused_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(RuleError, match=words.replace("(", r"\(")):
        parse_rule(text, KEYS)


def test_markup_and_control_characters_are_refused_and_never_echoed_raw() -> None:
    for text in ("[@click=app.quit]error_rate < 1", "error_rate < 1[/]",
                 "error_rate\x1b[31m < 1", "error_rate < 1\x07"):
        with pytest.raises(RuleError) as caught:
            parse_rule(text, KEYS)
        assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)


def test_unknown_metric_lists_the_known_ones() -> None:
    with pytest.raises(RuleError, match=r"known: .*error_rate"):
        parse_rule("errors < 1", KEYS)


def test_configured_metric_keys_are_accepted() -> None:
    assert parse_rule("queue_depth < 100", KEYS | {"queue_depth"}).metric == "queue_depth"


Samples = dict[str, list[tuple[datetime, float]]]


def _history(key: str, *values: float, step: float = 1.0) -> Samples:
    count = len(values)
    return {key: [(NOW - timedelta(seconds=step * (count - 1 - i)), v)
                  for i, v in enumerate(values)]}


def test_comparison_pass_and_fail_carry_evidence_in_words() -> None:
    rule = parse_rule("error_rate < 1", KEYS)
    ok = evaluate(rule, _history("error_rate", 0.7, 0.42), NOW, zone=SEOUL)
    assert ok.passed and ok.word == "PASS"
    assert ok.evidence == "error_rate = 0.42 (< 1) at 09:12:03"
    bad = evaluate(rule, _history("error_rate", 1.5), NOW, zone=SEOUL)
    assert not bad.passed
    assert bad.evidence == "error_rate = 1.5 (not < 1) at 09:12:03"


def test_no_data_or_stale_data_fails_with_no_recent_value() -> None:
    rule = parse_rule("active_users > 0", KEYS)
    assert not evaluate(rule, {}, NOW).passed
    assert "no recent value" in evaluate(rule, {}, NOW).evidence
    old = {"active_users": [(NOW - timedelta(seconds=10), 25.0)]}
    verdict = evaluate(rule, old, NOW, stale_after=timedelta(seconds=3), zone=SEOUL)
    assert not verdict.passed
    assert "no recent value" in verdict.evidence and "09:11:53" in verdict.evidence


def test_increasing_compares_with_a_sample_up_to_a_minute_earlier() -> None:
    rule = parse_rule("gate_observe increasing", KEYS)
    rising = evaluate(rule, _history("gate_observe", 100, 100, 130, step=20), NOW, zone=SEOUL)
    assert rising.passed
    assert rising.evidence == "gate_observe 100 → 130 over 40 s (increasing) at 09:12:03"
    flat = evaluate(rule, _history("gate_observe", 100, 100, step=20), NOW)
    assert not flat.passed and "not increasing" in flat.evidence
    # Samples older than a minute before the newest do not count as "earlier".
    old_rise = _history("gate_observe", 50, 130, 130, step=40)
    assert not evaluate(rule, old_rise, NOW).passed


def test_increasing_needs_two_samples() -> None:
    rule = parse_rule("gate_observe increasing", KEYS)
    verdict = evaluate(rule, _history("gate_observe", 100), NOW)
    assert not verdict.passed and "needs two" in verdict.evidence
    # A newest sample alone in its minute is compared with the one before it.
    spaced = _history("gate_observe", 100, 140, step=90)
    assert evaluate(rule, spaced, NOW).passed


def test_numbers_are_plain() -> None:
    assert [format_number(v) for v in (0.42, 1.0, 1234.0, 0.123456, -2.5)] == [
        "0.42", "1", "1234", "0.1235", "-2.5"]
