"""``autus-tui backend``: the simulated AUTUS backend on its own, until SIGINT/SIGTERM.

Exit 0 stopped, 1 cannot listen, 2 usage. Errors are one line on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal

from autus_tui.commands.console import say_error
from autus_tui.core.clock import ScaledClock, utc_now
from autus_tui.sim.scenarios import SCENARIOS, scenario_names
from autus_tui.sim.server import SimBackend


def serve_forever(host: str, port: int, scenario: str, seed: int | None, speed: float) -> int:
    """``autus-tui backend``: serve until SIGINT/SIGTERM. Exit 0 ok, 1 cannot listen, 2 usage.

    ``speed`` makes scenario time run that much faster than real time. Errors are one
    line on stderr, never a traceback.
    """
    if scenario not in SCENARIOS:
        _error(f"unknown scenario {scenario!r} (known: {scenario_names()})")
        return 2
    if not math.isfinite(speed) or speed <= 0:
        _error(f"--speed must be a number above 0, got {speed:g}")
        return 2
    if not 0 <= port <= 65535:
        _error(f"--port must be between 0 and 65535, got {port}")
        return 2
    try:
        return asyncio.run(_serve(host, port, scenario, seed, speed))
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown, or no signal handlers
        return 0


async def _serve(host: str, port: int, scenario: str, seed: int | None, speed: float) -> int:
    now = utc_now()
    clock = ScaledClock(origin_real=now, origin_sim=now, speed=speed)
    backend = SimBackend(scenario, seed, clock)
    try:
        url = await backend.start(host, port)
    except (OSError, OverflowError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        _error(f"cannot listen on {host}:{port}: {reason}")
        return 1
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stopping.set)
    print(f"AUTUS simulated backend: scenario {scenario} on {url} (Ctrl-C to stop)", flush=True)
    try:
        await stopping.wait()
    finally:
        await backend.stop()
    return 0


def _error(message: str) -> None:
    say_error("autus-tui backend", message)
