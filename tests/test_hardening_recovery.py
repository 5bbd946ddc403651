"""Recovery after a transient fault (issue 11, item 3), on a real full filesystem: a small
tmpfs filled up under a running recorder, then freed. The recorder retries with back-off
and says so (``state`` / the header's ``poll:retrying``), and records again once there is
room; a lease older than its TTL stops being shown within a tick even when nothing is
written. Mounting needs root: skipped with the reason where it is not allowed."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import wait_until

from autus_tui.core.clock import FixedClock, WallClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.observations import HostSample
from autus_tui.services.recorder import Recorder
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store
from autus_tui.store import lease as leases
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.header import ControlHeader


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs of its own: filling it fills nothing else."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write until the filesystem is full; the filler file is returned (delete to free)."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(handle)
    return filler


@pytest.fixture
async def sim() -> AsyncIterator[SimBackend]:
    async with SimBackend("calm", seed=3) as backend:
        yield backend


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


async def test_the_recorder_retries_on_a_full_disk_and_records_again_when_freed(
    small_disk: Path, sim: SimBackend,
) -> None:
    config = replace(Config(), backend=BackendConfig(url=sim.url, interval=0.1, timeout=0.075))
    said: list[str] = []
    with Store(small_disk / "launch.db") as store:
        recorder = Recorder(store, config, WallClock(), "kim", ttl=1.0, renew_every=0.2,
                            beat_every=0.5, retry_most=0.5, on_status=said.append)
        task = asyncio.create_task(recorder.run())
        try:
            assert await _until(lambda: recorder.polls_written >= 2, 10)
            filler = fill(small_disk)
            assert await _until(lambda: recorder.state == "retrying", 20)
            assert not task.done()  # it did not give up
            assert any("database or disk is full" in line and "retrying" in line
                       for line in said)
            written = recorder.polls_written
            filler.unlink()
            assert await _until(lambda: recorder.polls_written > written, 20)
            assert recorder.state == "polling"
            assert "the database answers again: recording resumed" in said
        finally:
            recorder.stop()
            await asyncio.wait_for(task, 10)


async def test_the_header_says_poll_retrying_while_the_disk_is_full(
    small_disk: Path, sim: SimBackend,
) -> None:
    config = replace(Config(operator="kim"),
                     backend=BackendConfig(url=sim.url, interval=0.2, timeout=0.15))
    store = Store(small_disk / "launch.db")
    app = ControlRoom(config, WallClock(), poll=True, store=store,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            header = app.query_one(ControlHeader)
            assert await wait_until(pilot, lambda: header.polling_here, 15)
            filler = fill(small_disk)
            assert await wait_until(pilot, lambda: "poller retrying" in screen_text(app), 40)
            filler.unlink()
            assert await wait_until(pilot, lambda: "polling here" in screen_text(app), 60)
    finally:
        store.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(small_disk / "filler")


async def test_a_lease_past_its_ttl_is_not_shown_even_when_nothing_is_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    clock = FixedClock(WallClock().now())
    with Store(path) as other:  # a recorder that died just now: its lease ages out in 0.5 s
        assert leases.hold(other, "otherhost:4242:bob", time.time() - 2.5, ttl=3.0)
    store = Store(path, clock)
    app = ControlRoom(Config(operator="kim"), clock, poll=False, store=store,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            header = app.query_one(ControlHeader)
            assert await wait_until(pilot, lambda: header.poller_name == "bob", 5)
            version = store.data_version()
            assert await wait_until(pilot, lambda: header.poller_name is None, 5)
            assert "poll:bob" not in screen_text(app)
            assert store.data_version() == version  # nothing was committed meanwhile
    finally:
        store.close()
