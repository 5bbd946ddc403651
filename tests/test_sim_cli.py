"""``autus-tui backend`` as a real subprocess: starts, serves, stops cleanly, fails clearly."""

from __future__ import annotations

import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from conftest import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def backend(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "autus_tui.cli", "backend", *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def first_line(process: subprocess.Popen[str], timeout: float = 10) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the backend printed nothing"
    return process.stdout.readline().strip()


@pytest.fixture
def running() -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = backend("--port", str(port), "--scenario", "calm", "--seed", "1")
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(5)


def test_backend_serves_until_sigterm_and_exits_0(
    running: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = running
    url = f"http://127.0.0.1:{port}"
    line = first_line(process)
    assert line == f"AUTUS simulated backend: scenario calm on {url} (Ctrl-C to stop)"
    answer = httpx.get(url + "/ops/v1/metrics", timeout=5)
    assert answer.status_code == 200
    assert answer.json()["db_connections"]["max"] > 0
    process.send_signal(signal.SIGTERM)
    assert process.wait(5) == 0
    assert process.stderr is not None and process.stderr.read() == ""


def test_backend_stops_on_ctrl_c_with_exit_0(
    running: tuple[subprocess.Popen[str], int],
) -> None:
    process, _port = running
    first_line(process)
    process.send_signal(signal.SIGINT)
    assert process.wait(5) == 0
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


def test_unknown_scenario_exits_2_and_names_the_known_ones() -> None:
    process = backend("--port", "0", "--scenario", "chaos")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "'chaos'" in err and "calm, spike, outage" in err


def test_port_in_use_exits_1_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = backend("--port", str(port))
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_bad_host_exits_1_with_one_line() -> None:
    process = backend("--host", "no-such-host.invalid", "--port", "0")
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 1
    assert err.count("\n") == 1 and "no-such-host.invalid" in err


@pytest.mark.slow
async def test_speed_plays_the_spike_in_real_seconds() -> None:
    port = free_port()
    process = backend("--port", str(port), "--scenario", "spike", "--speed", "600")
    try:
        first_line(process)
        # The spike's CRIT error rate comes about 6 scenario minutes in: under a real
        # second at 600x (a generous bound here; at 1x it would take minutes).
        worst = 0.0
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as http:

            def crit() -> bool:
                nonlocal worst
                worst = max(worst, http.get("/ops/v1/metrics").json()["error_rate_pct"])
                return worst > 5

            assert await wait_until(None, crit), f"no CRIT error rate at 600x (worst {worst})"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(5) == 0
