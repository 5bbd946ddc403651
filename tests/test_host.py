"""The host pane's sample from psutil: real values, never an exception, never a block."""

import math
import time

import pytest

from autus_tui.sources.host import read_host


def test_host_sample_reads_this_machine() -> None:
    sample = read_host("/")
    assert sample.unavailable == () and sample.problem is None
    for percent in (sample.cpu_pct, sample.mem_pct, sample.disk_pct):
        assert 0.0 <= percent <= 100.0
    assert math.isfinite(sample.load1) and sample.load1 >= 0
    assert sample.mem_pct > 0 and sample.disk_pct > 0  # a real machine uses some of each


def test_a_missing_disk_is_marked_unavailable_and_the_rest_still_read() -> None:
    sample = read_host("/no/such/disk\x1b]0;x\x07")
    assert sample.unavailable == ("disk_pct",)
    assert sample.disk_pct == 0.0
    assert sample.problem is not None
    assert sample.problem.startswith("disk /no/such/disk")
    assert "no such file" in sample.problem
    assert "\x1b" not in sample.problem and "\x07" not in sample.problem
    assert sample.mem_pct > 0


def test_reading_the_host_does_not_block_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # cpu_percent(interval=None) compares with the previous call instead of sleeping; a
    # blocking interval is psutil sleeping in the caller's thread (the UI's), which this
    # tripwire turns into a failure — whatever the machine's speed.
    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"read_host slept {seconds} s on the caller's thread")

    monkeypatch.setattr(time, "sleep", no_sleep)
    for _ in range(5):
        read_host("/")
