"""The recorder against the real simulated backend: one poller per database, level
changes once, ``autus-tui record`` as a real process (SIGTERM, kill -9, read-only)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import WAIT, wait_until

from autus_tui.core.clock import WallClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.services.recorder import LEVEL_EVENT, Recorder
from autus_tui.sim.server import METRICS_PATH, SimBackend
from autus_tui.store import Store, lease, presence, samples

pytestmark = pytest.mark.slow  # real processes, a real backend, real time


def _fast(store: Store, config: Config, operator: str, role: str = "recorder") -> Recorder:
    """A recorder with short test timings: lease TTL 1 s, renewed every 0.2 s."""
    return Recorder(store, config, WallClock(), operator, role=role, ttl=1.0,
                    renew_every=0.2, beat_every=0.5)


@pytest.fixture
async def sim() -> AsyncIterator[SimBackend]:
    async with SimBackend("calm", seed=3) as backend:
        yield backend


def _config(sim: SimBackend, interval: float = 0.2) -> Config:
    return replace(Config(), backend=BackendConfig(url=sim.url, interval=interval,
                                                   timeout=interval * 0.75))


def _present(store: Store, operator: str) -> bool:
    return operator in [m.operator for m in presence.attached(store, time.time())]


async def test_two_recorders_on_one_database_poll_the_backend_once(
    sim: SimBackend, tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as a, Store(path) as b:
        alice = _fast(a, _config(sim), "alice", "ui")
        bob = _fast(b, _config(sim), "bob", "ui")
        tasks = [asyncio.create_task(alice.run()), asyncio.create_task(bob.run())]
        assert await wait_until(None, lambda: alice.holding or bob.holding)
        holder = alice if alice.holding else bob
        asked, written = sim.requests[METRICS_PATH], holder.polls_written
        assert await wait_until(None, lambda: holder.polls_written >= written + 8)
        assert sorted([alice.holding, bob.holding]) == [False, True]
        # The backend is asked once per recorded poll (one may be in flight), not twice.
        assert sim.requests[METRICS_PATH] - asked <= holder.polls_written - written + 1
        assert [m.operator for m in presence.attached(b, time.time())] == ["alice", "bob"]
        # Both read the same numbers back from the database.
        assert samples.polls_since(a, 0) == samples.polls_since(b, 0)
        for recorder in (alice, bob):
            recorder.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), WAIT)
        assert alice.polls_written + bob.polls_written == len(samples.polls_since(a, 0))
        assert min(alice.polls_written, bob.polls_written) == 0
        assert lease.current(a) is None and presence.attached(a, time.time()) == []


async def test_level_changes_are_recorded_once_even_across_a_takeover(tmp_path: Path) -> None:
    async with SimBackend("spike", seed=5) as sim:
        sim.launch_at = sim.clock.now() - timedelta(minutes=6, seconds=30)  # CRIT plateau
        path = tmp_path / "launch.db"
        with Store(path) as a, Store(path) as b:
            first = _fast(a, _config(sim), "alice")
            task = asyncio.create_task(first.run())
            assert await wait_until(None, lambda: first.polls_written >= 3)
            second = _fast(b, _config(sim), "bob")
            other = asyncio.create_task(second.run())
            # bob is here and tries for the lease (every 0.2 s) while alice polls on.
            assert await wait_until(None, lambda: _present(a, "bob"))
            polled = first.polls_written
            assert await wait_until(None, lambda: first.polls_written >= polled + 3)
            assert not second.holding and second.polls_written == 0
            levels = [(e.subject, e.detail["after"]) for e in a.timeline(kinds=[LEVEL_EVENT])]
            assert sorted(levels) == [("avg_response", "CRIT"), ("db_connections", "CRIT"),
                                      ("error_rate", "CRIT"), ("gate_failures", "CRIT")]
            first.stop()
            await asyncio.wait_for(task, WAIT)
            assert await wait_until(None, lambda: second.polls_written >= 3)
            # The new poller started from the recorded levels: nothing announced twice.
            assert len(a.timeline(kinds=[LEVEL_EVENT])) == 4
            second.stop()
            await asyncio.wait_for(other, WAIT)
            kinds = [e.kind for e in reversed(a.timeline(kind_prefix="poller."))]
            assert kinds == ["poller.start", "poller.stop", "poller.start", "poller.stop"]


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTUS_")}


async def _record(db: Path, url: str, operator: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "autus_tui.cli", "record", "--db", str(db), "--backend", url,
        "--operator", operator, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=_environment(), start_new_session=True)


async def _line(proc: asyncio.subprocess.Process, seconds: float = 15) -> str:
    assert proc.stdout is not None
    return (await asyncio.wait_for(proc.stdout.readline(), seconds)).decode().strip()


async def test_record_holds_the_lease_and_exits_cleanly_on_sigterm(
    sim: SimBackend, tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    proc = await _record(path, sim.url, "carol")
    try:
        assert (await _line(proc)).startswith(f"autus-tui record: recording to {path} as ")
        assert (await _line(proc)).startswith(
            f"autus-tui record: took the poller lease: polling {sim.url} every 1 s")
        with Store(path) as store:
            assert await wait_until(None, lambda: len(samples.polls_since(store, 0)) >= 1)
            assert [(m.operator, m.role) for m in presence.attached(store, time.time())] == [
                ("carol", "recorder")]
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 10) == 0
            assert await _line(proc) == "autus-tui record: released the poller lease"
            assert await _line(proc) == "autus-tui record: stopped"
            assert lease.current(store) is None
            assert presence.attached(store, time.time()) == []
        assert proc.stderr is not None and (await proc.stderr.read()) == b""
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_after_kill_9_of_record_another_process_polls_within_the_ttl(
    sim: SimBackend, tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    proc = await _record(path, sim.url, "carol")
    try:
        await _line(proc)
        assert "took the poller lease" in await _line(proc)
        with Store(path) as store:
            # A control room attached with the product's lease timing (TTL 3 s, renew 1 s).
            room = Recorder(store, _config(sim, 1.0), WallClock(), "dave", role="ui")
            task = asyncio.create_task(room.run())
            assert await wait_until(None, lambda: _present(store, "dave"))
            recorded = len(samples.polls_since(store, 0))  # record polls on (1 s) meanwhile
            assert await wait_until(None, lambda: len(samples.polls_since(store, 0)) > recorded)
            assert not room.holding and room.polls_written == 0
            proc.kill()
            await proc.wait()
            killed = time.time()
            # record's last renewal was before the kill: its lease ends within the TTL (3 s)
            # of it, and dave takes over at his next renewal after that (every 1 s).
            lease_left = lease.current(store)
            assert lease_left is not None and lease_left.holder.endswith(":carol")
            assert lease_left.expires <= killed + 3.0
            assert await wait_until(None, lambda: room.polls_written >= 1)
            room.stop()
            await asyncio.wait_for(task, WAIT)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


RECORD_AS_NOBODY = """
import os, sys, signal, asyncio
import autus_tui.services.recorder, autus_tui.services.config_files, autus_tui.commands.run
from autus_tui.cli import main
if os.geteuid() == 0:  # root may write anywhere: become a user who may not (the
    os.setgid(65534)   # modules are imported first: nobody may not read root's Python)
    os.setuid(65534)
sys.exit(main(sys.argv[1:]))
"""


def test_record_on_a_read_only_place_is_one_clear_line_and_exit_1(open_folder: Path) -> None:
    locked = open_folder / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    done = subprocess.run(
        [sys.executable, "-c", RECORD_AS_NOBODY, "record", "--db", str(locked / "launch.db"),
         "--backend", "http://127.0.0.1:9", "--operator", "carol"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
        env=_environment())
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"autus-tui record: {locked / 'launch.db'}: ")
    assert "read-only" in done.stderr or "not writable" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
    assert list(locked.iterdir()) == []
