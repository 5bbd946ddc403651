"""``autus-tui backend`` on the rehearsal's clock, scenario files on the command line, and
``check --scenario``: real subprocesses, a real database, polled with bounded waits."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from autus_tui.core.config import Config
from autus_tui.services.session import open_store
from autus_tui.store import Store, load_or_start_rehearsal_clock

SEOUL = ZoneInfo("Asia/Seoul")
DAY = datetime(2026, 3, 3, tzinfo=SEOUL)
ENV = {key: value for key, value in os.environ.items() if not key.startswith("AUTUS_")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", *args], stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )


def finished(*args: str) -> tuple[int, str, str]:
    process = cli(*args)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def first_line(process: subprocess.Popen[str], timeout: float = 15) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the backend printed nothing"
    return process.stdout.readline().strip()


def wait_for(check: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)  # polling interval of a bounded wait, not a wait for something
    return check()


@pytest.fixture
def stop_all() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def test_backend_follows_the_clock_stored_in_the_rehearsal_database(
    tmp_path: Path, stop_all: list[subprocess.Popen[str]],
) -> None:
    db = tmp_path / "rehearsal.db"
    with Store(db) as store:
        load_or_start_rehearsal_clock(store, DAY.replace(hour=9), 1.0, operator="kim")
        port = free_port()
        backend = cli("backend", "--db", str(db), "--scenario", "outage", "--port", str(port))
        stop_all.append(backend)
        assert first_line(backend).startswith("AUTUS simulated backend: scenario outage on")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:

            def health(status: str) -> Callable[[], bool]:
                return lambda: http.get("/ops/v1/health").json()["status"] == status

            assert wait_for(health("ok"))  # 09:00: before the outage
            # Another process moves the rehearsal: the backend follows it.
            load_or_start_rehearsal_clock(store, DAY.replace(hour=9, minute=10), 1.0)
            assert wait_for(health("down"))  # 09:10: in the outage
            assert http.get("/ops/v1/metrics").status_code == 503
            load_or_start_rehearsal_clock(store, DAY.replace(hour=9, minute=40), 60.0)
            assert wait_for(health("ok"))  # 09:40 at 60x: recovered
            stamped = datetime.fromisoformat(http.get("/ops/v1/metrics").json()["time"])
            assert DAY.replace(hour=9, minute=40) <= stamped < DAY.replace(hour=9, minute=55)
    backend.send_signal(signal.SIGTERM)
    assert backend.wait(5) == 0
    assert backend.stderr is not None and backend.stderr.read() == ""


def test_backend_refuses_a_live_database_a_missing_one_and_flags_it_cannot_obey(
    tmp_path: Path,
) -> None:
    live = tmp_path / "launch.db"
    store, _clock = open_store(Config(db=str(live), operator="kim"))
    store.close()
    for args, code, said in (
        (("--db", str(live)), 1, f"{live}: is a live launch-day database"),
        (("--db", str(tmp_path / "none.db")), 1, "no such database"),
        (("--db", str(live), "--speed", "30"), 2, "--db follows the database's"),
        (("--clock", "not-a-time"), 1, "clock"),
    ):
        code_seen, _out, err = finished("backend", "--port", "0", *args)
        assert code_seen == code, (args, err)
        assert err.count("\n") == 1 and "Traceback" not in err and said in err, err
    assert not (tmp_path / "none.db").exists()


def test_backend_takes_its_own_clock_and_a_scenario_file(
    tmp_path: Path, stop_all: list[subprocess.Popen[str]],
) -> None:
    port = free_port()
    stop_all.append(backend := cli("backend", "--scenario", "launch-day", "--port", str(port),
                                   "--clock", "2026-03-03T13:05:00"))
    first_line(backend)
    answer = httpx.get(f"http://127.0.0.1:{port}/ops/v1/health", timeout=5).json()
    assert answer["status"] == "down"  # 13:05 in the launch day's 13:00-13:35 outage

    mine = tmp_path / "mine.toml"
    mine.write_text('[scenario]\ndescription = "memory at 10:00"\nstart = "10:05"\n'
                    '[[events]]\nkind = "memory_pressure"\nat = "10:00"\nuntil = "10:30"\n',
                    encoding="utf-8")
    port = free_port()
    stop_all.append(backend := cli("backend", "--scenario", str(mine), "--port", str(port)))
    assert first_line(backend).startswith("AUTUS simulated backend: scenario mine on")
    metrics = httpx.get(f"http://127.0.0.1:{port}/ops/v1/metrics", timeout=5).json()
    assert metrics["memory_pct"] >= 80  # the file's start, 10:05, is in its window

    mine.write_text('[scenario]\ndescription = "x"\n[[events]]\nkind = "outage"\n'
                    'at = "13:00"\nuntil = "12:00"\n', encoding="utf-8")
    code, _out, err = finished("backend", "--scenario", str(mine), "--port", "0")
    assert code == 1 and err.count("\n") == 1
    assert f"{mine}: event #1: until: 12:00 is not after at (13:00)" in err


@pytest.mark.parametrize(("body", "key"), [
    ('kind = "meteor"\nat = "09:20"\nuntil = "09:30"', "event #1: kind"),
    ('kind = "outage"\nat = "09:20"\nuntil = "09:30"\nsize = 3', "event #1: size"),
    ('kind = "outage"\nat = "23:50"\nuntil = "24:10"', "event #1: until"),
    ('kind = "outage"\nat = "D+1 09:00"\nuntil = "10:00"', "event #1: at"),
])
def test_check_refuses_a_wrong_scenario_file_naming_the_file_and_key(
    tmp_path: Path, body: str, key: str,
) -> None:
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(f'[scenario]\ndescription = "x"\n[[events]]\n{body}\n', encoding="utf-8")
    code, out, err = finished("check", "--scenario", str(wrong))
    assert code == 1 and out == ""
    assert err == f"autus-tui check: {wrong}: {key}: " + err.split(f"{key}: ", 1)[1]
    assert err.count("\n") == 1


def test_check_accepts_a_good_file_and_shows_its_timeline() -> None:
    code, out, err = finished("check", "--scenario", "launch-day")
    assert (code, err) == (0, "")
    assert "7 events" in out and "13:00–13:35 outage" in out


def test_demo_with_an_unknown_scenario_exits_2_listing_the_known_ones() -> None:
    code, _out, err = finished("demo", "--scenario", "nope")
    assert code == 2 and err.count("\n") == 1
    assert "unknown scenario 'nope'" in err
    for name in ("calm", "spike", "outage", "launch-day", "memory-warning", "hostile"):
        assert name in err


def test_the_clock_follows_without_restart_at_the_pace_it_is_given(tmp_path: Path) -> None:
    """The follower in-process: a speed change made elsewhere is seen at the next refresh."""
    from autus_tui.core.clock import FixedClock
    from autus_tui.services.shared_clock import SharedClock

    real = FixedClock(datetime(2026, 3, 2, 23, 0, tzinfo=SEOUL))
    with Store(tmp_path / "r.db") as writer, Store(tmp_path / "r.db") as reader:
        fallback = FixedClock(DAY.replace(hour=8))
        followed = SharedClock(reader, fallback, real=real.now)
        assert followed.follow() is None and followed.now() == DAY.replace(hour=8)
        load_or_start_rehearsal_clock(writer, DAY.replace(hour=13), 30.0, real=real.now)
        assert followed.follow() is not None and followed.speed == 30.0
        real.advance(timedelta(seconds=70))  # 70 real s at 30x: 35 minutes
        assert followed.now() == DAY.replace(hour=13, minute=35)
        assert followed.follow() is None  # nothing committed since
