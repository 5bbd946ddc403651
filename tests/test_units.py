"""Values as a pane shows them: scaled to the unit, short, never cut, sign kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import check_range
from autus_tui.core.units import format_value


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "shown"),
    [
        (None, "", 0, "—"),
        (12_345, "", 0, "12,345"),  # today's counts stay as they were
        (123_456, "", 0, "123k"),
        (4_567_800, "", 0, "4.57M"),
        (999_960, "", 0, "1.00M"),  # rounding up moves to the next prefix, not "1,000k"
        (-2_000_000, "", 0, "-2.00M"),
        (2.5, "%", 2, "2.50%"),
        (0.004, "%", 2, "0.004%"),  # two decimals would say 0.00%
        (0.0123, "", 2, "0.0123"),
        (1.23e-5, "", 2, "1.23e-05"),
        (0, "", 2, "0.00"),
        (-0.000234, "s", 0, "-234 µs"),  # an NTP offset
        (0.0421, "s", 0, "42.1 ms"),
        (3, "s", 0, "3 s"),
        (-5.2, "°C", 1, "-5.2 °C"),
        (512, "bytes", 0, "512 B"),
        (1_500_000_000_000, "bytes", 0, "1.36 TiB"),  # above 1 TB
        (82_882_514_944, "B", 0, "77.2 GiB"),
        (1_048_575, "B", 0, "1.00 MiB"),
        (1536, "B/s", 0, "1.50 KiB/s"),
        (6200, "ms", 0, "6,200 ms"),
        (12.5, "/min", 1, "12.5/min"),
    ],
)
def test_values_are_scaled_for_their_unit(
    value: float | None, unit: str, decimals: int, shown: str
) -> None:
    assert format_value(value, unit, decimals) == shown


def test_the_metric_spec_formats_through_the_same_function() -> None:
    disk = MetricSpec("disk", "Disk Free", "x", unit="bytes")
    assert disk.format(2.4064e13) == "21.9 TiB"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30),
       st.sampled_from(["", "%", "ms", "s", "bytes", "B/s", "/min", "°C"]),
       st.integers(min_value=0, max_value=6))
def test_any_value_is_short_and_keeps_its_sign(value: float, unit: str, decimals: int) -> None:
    text = format_value(value, unit, decimals)
    number = text.removesuffix(unit).strip() if unit not in ("bytes", "B/s") else text
    assert len(number) <= 24, text  # fits a pane's value column; nothing to cut
    assert text.startswith("-") == (value < 0)
    assert "e+" not in text  # large values use prefixes, never an exponent


def _spec(**kwargs: float) -> MetricSpec:
    return MetricSpec("t", "Offset", "x", **kwargs)  # type: ignore[arg-type]


def test_negative_values_pass_only_where_the_metric_allows_them() -> None:
    assert check_range(-0.5, _spec()).problem == "Offset is negative (-0.5)"
    assert check_range(-0.5, _spec(minimum=-10)).value == -0.5
    assert check_range(-11, _spec(minimum=-10)).problem == (
        "Offset is below its minimum (-11 < -10)")
    assert check_range(2e12, _spec(maximum=1e15)).value == 2e12
