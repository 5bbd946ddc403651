"""Scenario files are strict: every mistake is refused naming the file and the key."""

from __future__ import annotations

import pytest

from autus_tui.core.scenario_file import (
    KINDS,
    ScenarioError,
    ScenarioFile,
    clock_text,
    parse_scenario_text,
)
from autus_tui.sim.scenarios import load_scenario, scenario_folder, scenario_names

HEAD = '[scenario]\ndescription = "test"\n'


def parse(events: str, head: str = HEAD) -> ScenarioFile:
    return parse_scenario_text(head + events, "my.toml", "my")


def refused(events: str, head: str = HEAD) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse(events, head)
    return caught.value


def event(body: str) -> str:
    return f"[[events]]\n{body}\n"


def test_every_shipped_scenario_file_is_valid_and_has_a_name_for_demo() -> None:
    files = sorted(path.stem for path in scenario_folder().glob("*.toml"))
    matrix = ["server-down", "db-failure", "gate-outage", "slow-response", "gate-errors",
              "websocket-unstable", "traffic-surge", "error-rate", "memory-warning"]
    assert set(files) >= {"calm", "spike", "outage", "launch-day", *matrix}
    for name in files:
        scenario = load_scenario(name)
        assert scenario.file is not None and scenario.file.description
        assert name in scenario_names()
    day = load_scenario("launch-day").file
    assert day is not None
    assert {e.kind for e in day.events} == set(KINDS) - {"slow_response", "gate_outage"}
    assert [(e.kind, clock_text(e.at), clock_text(e.until)) for e in day.events
            if e.kind == "outage"] == [("outage", "13:00", "13:35")]


def test_an_unknown_event_kind_names_the_file_the_event_and_the_known_kinds() -> None:
    error = refused(event('kind = "meteor"\nat = "09:20"\nuntil = "09:30"'))
    assert error.source == "my.toml" and error.key == "event #1: kind"
    assert str(error).startswith("my.toml: event #1: kind: unknown event kind 'meteor'")
    assert "error_spike" in str(error) and "outage" in str(error)


def test_an_unknown_key_is_refused_with_the_keys_its_kind_knows() -> None:
    error = refused(event('kind = "outage"\nat = "09:20"\nuntil = "09:30"') +
                    event('kind = "error_spike"\nat = "09:20"\nuntil = "09:30"\nerror = 3'))
    assert error.key == "event #2: error"
    assert "error_pct" in error.problem and "ramp_minutes" in error.problem
    assert refused(event('kind = "outage"\nat = "09:20"\nuntil = "09:30"\nramp_minutes = 1'),
                   ).key == "event #1: ramp_minutes"  # an outage starts at once
    assert refused("", '[scenario]\ndescription = "x"\nspeed = 2\n').key == "scenario: speed"
    assert refused("[extra]\n").key == "extra"


@pytest.mark.parametrize("at", ['"25:00"', '"24:00"', '"09:60"', '"D+1 08:00"', '"-01:00"',
                                '"9h20"', "920", '""'])
def test_a_start_outside_the_launch_day_is_refused(at: str) -> None:
    error = refused(event(f'kind = "outage"\nat = {at}\nuntil = "23:00"'))
    assert error.key == "event #1: at"
    assert "00:00 to 23:59:59" in error.problem and "no D+1" in error.problem


def test_an_end_after_midnight_is_refused_but_24_00_ends_the_day() -> None:
    error = refused(event('kind = "outage"\nat = "23:00"\nuntil = "24:30"'))
    assert error.key == "event #1: until" and "00:00 to 24:00" in error.problem
    parsed = parse(event('kind = "outage"\nat = 23:00:00\nuntil = "24:00"'))  # a TOML time
    assert parsed.events[0].until == 24 * 3600


def test_an_inverted_or_empty_window_is_refused() -> None:
    error = refused(event('kind = "outage"\nat = "13:35"\nuntil = "13:00"'))
    assert error.key == "event #1: until" and "13:00 is not after at (13:35)" in error.problem
    assert refused(event('kind = "outage"\nat = "13:00"\nuntil = "13:00"')).key == \
        "event #1: until"


def test_windows_of_one_kind_must_not_overlap_but_may_touch_and_kinds_may_mix() -> None:
    spike = 'kind = "error_spike"\nat = "{}"\nuntil = "{}"'
    error = refused(event(spike.format("09:20", "09:40")) + event(spike.format("09:30", "09:50")))
    assert error.key == "event #2: at"
    assert "overlaps event #1 (09:20–09:40)" in error.problem
    # Written in the other order, the later one is still the one named.
    error = refused(event(spike.format("09:30", "09:50")) + event(spike.format("09:20", "09:40")))
    assert error.key == "event #2: at"
    touching = parse(event(spike.format("09:20", "09:30")) + event(spike.format("09:30", "09:40"))
                     + event('kind = "outage"\nat = "09:25"\nuntil = "09:35"'))
    assert len(touching.events) == 3


def test_values_out_of_range_or_of_the_wrong_type_are_refused() -> None:
    base = 'kind = "{}"\nat = "10:00"\nuntil = "10:20"\n'
    cases = {
        base.format("error_spike") + "error_pct = 120": "event #1: error_pct",
        base.format("error_spike") + 'error_pct = "5"': "event #1: error_pct",
        base.format("gate_errors") + "count = 2.5": "event #1: count",
        base.format("traffic_surge") + "factor = 1": "event #1: factor",
        base.format("db_pool") + 'down = "yes"': "event #1: down",
        base.format("error_spike") + "ramp_minutes = 11": "event #1: ramp_minutes",
        base.format("error_spike") + "label = 3": "event #1: label",
        base.format("websocket_drop") + "every_seconds = 10\ndown_seconds = 10":
            "event #1: down_seconds",
        'kind = "outage"\nat = "10:00"': "event #1: until",
    }
    for body, key in cases.items():
        assert refused(event(body)).key == key, body


def test_the_head_needs_a_description_and_the_name_must_be_plain() -> None:
    assert refused("", "[scenario]\n").key == "scenario: description"
    assert refused("", "").key == "scenario"
    assert refused("", '[scenario]\ndescription = "x"\nstart = "24:00"\n').key == \
        "scenario: start"
    with pytest.raises(ScenarioError, match="file name"):
        parse_scenario_text(HEAD, "My File.toml", "My File")
    with pytest.raises(ScenarioError, match=r"^x\.toml: \(file\): not valid TOML"):
        parse_scenario_text("[scenario", "x.toml", "x")


def test_the_clock_starts_a_minute_before_the_first_event_unless_told() -> None:
    parsed = parse(event('kind = "outage"\nat = "13:00"\nuntil = "13:35"') +
                   event('kind = "error_spike"\nat = "09:20"\nuntil = "09:30"'))
    assert clock_text(parsed.start) == "09:19"
    assert clock_text(parse("").start) == "08:59:30"
    told = parse("", '[scenario]\ndescription = "x"\nstart = "07:15:20"\n')
    assert clock_text(told.start) == "07:15:20"


def test_labels_are_cleaned_of_terminal_escapes() -> None:
    parsed = parse(event('kind = "outage"\nat = "13:00"\nuntil = "13:35"\n'
                         'label = "down \\u001b]0;pwned\\u0007now"'))
    assert parsed.events[0].label == "down now"
