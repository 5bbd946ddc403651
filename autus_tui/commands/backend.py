"""``autus-tui backend``: the simulated AUTUS backend on its own, until SIGINT/SIGTERM.

``--scenario`` is a shipped name or a scenario file (``sim.scenarios.load_scenario``);
its events are placed on the launch day of ``[launch]`` (``--config``). The clock:

- ``--db FILE``: the rehearsal clock stored in that database, followed (re-read within
  ``FOLLOW_SECONDS`` of any change), so a control room on the file and this backend share
  one simulated time; a live database is refused. The scenario (name, what it injects
  and when) is recorded in that database for the report's debrief. Until the file holds a clock, the
  backend runs from the scenario's start at speed 1. Not with ``--clock``/``--speed``.
- ``--clock ISO-DATETIME`` (a naive time is in the launch timezone) and ``--speed``:
  its own clock, from there at that pace;
- neither: from the scenario's ``start`` on launch day, at ``--speed`` (default 1).

The launch day is the day the clock shows (or ``[launch] date``), taken again whenever
the followed clock changes. Exit 0 stopped, 1 cannot listen or a file is wrong (one line
naming it), 2 usage (unknown scenario, bad flag). Errors are one line on stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
from datetime import datetime
from pathlib import Path

from autus_tui.commands.console import say_error
from autus_tui.commands.demo import launch_moment
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from autus_tui.core.clock import Clock, ScaledClock, utc_now
from autus_tui.core.config import Config, LaunchConfig
from autus_tui.core.scenario_file import ScenarioError, clock_text
from autus_tui.services.shared_clock import SharedClock
from autus_tui.sim.scenarios import Scenario, UnknownScenario, load_scenario
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store, StoreError, resolve_db_path
from autus_tui.store.mode import LIVE, read_mode
from autus_tui.store.scenario_record import record_scenario

FOLLOW_SECONDS = 0.25


def serve_forever(
    host: str, port: int, scenario: str, seed: int | None, speed: float | None,
    *, clock: str | None = None, db: str | None = None, config_file: str | None = None,
) -> int:
    """``autus-tui backend``: serve until SIGINT/SIGTERM. Exit 0 ok, 1 fail, 2 usage."""
    if speed is not None and (not math.isfinite(speed) or speed <= 0):
        return _error(f"--speed must be a number above 0, got {speed:g}", EXIT_USAGE)
    if not 0 <= port <= 65535:
        return _error(f"--port must be between 0 and 65535, got {port}", EXIT_USAGE)
    if db is not None and (clock is not None or speed is not None):
        return _error("--db follows the database's rehearsal clock: give --clock and "
                      "--speed to the control room on that file, not here", EXIT_USAGE)
    from autus_tui.services.config_files import load_config

    # The simulated backend is only ever rehearsed against: its clock flags are rehearsal's.
    config = load_config(config_file, {"clock": clock, "speed": speed, "rehearsal": True})
    try:
        played = load_scenario(scenario, config.launch.time)
    except UnknownScenario as error:
        return _error(str(error), EXIT_USAGE)
    except ScenarioError as error:
        return _error(str(error), EXIT_FAIL)
    store = None
    if db is not None:
        try:
            store = _rehearsal_store(db)
            if played.file is not None:  # the debrief of that rehearsal reads it
                record_scenario(store, played.file, played.name)
        except StoreError as error:
            if store is not None:
                store.close()
            return _error(str(error), EXIT_FAIL)
    try:
        return asyncio.run(_serve(host, port, played, seed, config, store))
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown, or no signal handlers
        return EXIT_OK
    finally:
        if store is not None:
            store.close()


def _rehearsal_store(db: str) -> Store:
    path = resolve_db_path(db, rehearsal=True)
    if not path.exists():
        raise StoreError(path, "no such database (start the control room on it with "
                               "--rehearsal --db first)")
    store = Store(Path(path))
    if read_mode(store) == LIVE:
        store.close()
        raise StoreError(path, "is a live launch-day database: the simulated backend "
                               "follows only a rehearsal's clock")
    return store


def _own_clock(config: Config, played: Scenario) -> ScaledClock:
    start = config.clock
    if start is None:
        start = launch_moment(config.launch, played.start)
    elif start.tzinfo is None:
        start = start.replace(tzinfo=config.launch.zone)
    now = utc_now()
    return ScaledClock(origin_real=now, origin_sim=start, speed=config.speed or 1.0)


def _launch_at(launch: LaunchConfig, clock: Clock) -> datetime:
    return launch_moment(launch, launch.time, now=clock.now())


async def _serve(host: str, port: int, played: Scenario, seed: int | None, config: Config,
                 store: Store | None) -> int:
    own = _own_clock(config, played)
    followed = SharedClock(store, own) if store is not None else None
    from_db = followed is not None and await asyncio.to_thread(followed.follow) is not None
    clock: Clock = followed if followed is not None else own
    backend = SimBackend(played, seed, clock, _launch_at(config.launch, clock))
    try:
        url = await backend.start(host, port)
    except (OSError, OverflowError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return _error(f"cannot listen on {host}:{port}: {reason}", EXIT_FAIL)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stopping.set)
    print(f"AUTUS simulated backend: scenario {played.name} on {url} (Ctrl-C to stop)",
          flush=True)
    following = None
    if followed is not None and store is not None:
        print(f"clock: following the rehearsal clock of {store.path}", flush=True)
        following = asyncio.create_task(_follow(followed, backend, config.launch))
    _say_clock(clock, config.launch, "from the database" if from_db else "own")
    try:
        await stopping.wait()
    finally:
        if following is not None:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
        await backend.stop()
    return EXIT_OK


async def _follow(clock: SharedClock, backend: SimBackend, launch: LaunchConfig) -> None:
    """Re-read the database's clock; a new one may be on another day, so re-place launch."""
    while True:
        await asyncio.sleep(FOLLOW_SECONDS)
        if await asyncio.to_thread(clock.follow) is not None:
            backend.launch_at = _launch_at(launch, clock)
            _say_clock(clock, launch, "from the database")


def _say_clock(clock: Clock, launch: LaunchConfig, whose: str) -> None:
    now = clock.now().astimezone(launch.zone)
    seconds = now.hour * 3600 + now.minute * 60 + now.second
    print(f"clock: {now.date()} {clock_text(seconds)} {launch.timezone} at {clock.speed:g}x"
          f" ({whose})", flush=True)


def _error(message: str, code: int) -> int:
    say_error("autus-tui backend", message)
    return code
