"""``autus-tui demo``: the simulated backend and the control room against it.

Starts the simulated backend in-process on a free loopback port and points the control
room at it in REHEARSAL mode, with a rehearsal database in a temporary directory (removed
on exit) whose stored clock both share, so the scenario plays on the header's time and
``--speed`` compresses both. ``--scenario`` is a shipped name or a scenario file
(``sim.scenarios.load_scenario``); the clock starts at the file's ``start`` on launch day
(today in the launch timezone), a little before the first event, so something happens
within a minute at speed 1:

- ``spike``  09:02:00 — error rate crosses 1 % (WARN) about 30 s in, CRIT about 2.5 min in,
  recovered by about 09:11;
- ``outage`` 09:00:30 — health down and metrics 503 from 09:01:00 for 35 minutes;
- ``calm``   08:59:30 — users ramp up after 09:00 (also ``slow`` and ``hostile``);
- ``launch-day`` 08:59:30 — the first event (an error spike) at 09:20;
- one file per incident-matrix row (``server-down``, ``db-failure``, ...) 09:59, the
  incident at 10:00.

The scenario (its name, what it injects and when) is recorded in the database's ``meta``
(``store.scenario_record``) for the report's debrief.

Exit 2 for an unknown scenario (naming the known ones) or a bad speed, 1 for a scenario
file that is wrong (one line naming the file and key) or an unusable database.

Like ``run``, it refuses without a terminal and ends cleanly on SIGTERM, SIGHUP and SIGINT
(``commands.terminal``). On the way out, however it was stopped, it writes the
rehearsal's report where the user finds it after the temporary folder is gone
(``services.demo_report``: ``~/autus-demo-reports/``, else the current folder) and says
where on stdout, after the terminal was restored.
"""

from __future__ import annotations

import asyncio
import math
import sys
import tempfile
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_USAGE
from autus_tui.commands.terminal import run_until_signal, terminal_problem
from autus_tui.core.clock import ScaledClock, utc_now
from autus_tui.core.config import MAX_SPEED, BackendConfig, Config, LaunchConfig
from autus_tui.core.runbook import Runbook
from autus_tui.store import Store, StoreError, load_or_start_rehearsal_clock
from autus_tui.store.scenario_record import record_scenario

if TYPE_CHECKING:
    from autus_tui.sim.scenarios import Scenario


def launch_moment(launch: LaunchConfig, at: time, now: datetime | None = None) -> datetime:
    """``at`` on launch day (its configured date, else today), in the launch timezone."""
    zone = launch.zone
    day = launch.date or (now or utc_now()).astimezone(zone).date()
    return datetime.combine(day, at, tzinfo=zone)


def run_demo(scenario: str, speed: float, operator: str | None) -> int:
    from autus_tui.core.scenario_file import ScenarioError
    from autus_tui.sim.scenarios import UnknownScenario, load_scenario

    try:
        played = load_scenario(scenario, LaunchConfig().time)
    except UnknownScenario as error:
        _error(str(error))
        return EXIT_USAGE
    except ScenarioError as error:
        _error(str(error))
        return EXIT_FAIL
    if not math.isfinite(speed) or not 0 < speed <= MAX_SPEED:
        _error(f"--speed must be a number above 0 and at most {MAX_SPEED:g}, got {speed:g}")
        return EXIT_USAGE
    problem = terminal_problem("demo")
    if problem is not None:
        _error(problem)
        return EXIT_FAIL
    if not operator:
        from autus_tui.services.config_files import login_name

        operator = login_name()
    with tempfile.TemporaryDirectory(prefix="autus-demo-") as folder:
        try:
            return asyncio.run(_demo(played, speed, operator, Path(folder)))
        except StoreError as error:
            _error(str(error))
            return EXIT_FAIL
        except OSError as error:
            _error(f"cannot start the simulated backend: {error.strerror or error}")
            return 1


async def _demo(scenario: Scenario, speed: float, operator: str, folder: Path) -> int:
    launch = LaunchConfig()
    start = launch_moment(launch, scenario.start)
    store = Store(folder / "rehearsal.db")
    try:
        clock = load_or_start_rehearsal_clock(store, start, speed, operator=operator)
        if scenario.file is not None:  # what it injects, when: the debrief's reference
            record_scenario(store, scenario.file, scenario.name)
        return await _demo_on(store, clock, scenario, speed, operator, start)
    finally:
        store.close()


async def _demo_on(store: Store, clock: ScaledClock, scenario: Scenario, speed: float,
                   operator: str, start: datetime) -> int:
    from autus_tui.sim.server import SimBackend
    from autus_tui.ui.app import ControlRoom

    launch = LaunchConfig()
    launch_at = launch_moment(launch, launch.time)
    backend = SimBackend(scenario, clock=clock, launch_at=launch_at)
    url = await backend.start("127.0.0.1", 0)
    try:
        interval = BackendConfig().interval
        config = Config(
            backend=BackendConfig(url=url, interval=interval, timeout=interval * 0.8),
            launch=launch,
            operator=operator,
            db=str(store.path),
            rehearsal=True,
            clock=start.replace(tzinfo=None),
            speed=speed,
        )
        app = ControlRoom(config, clock, rehearsal=True, store=store)
        code = await run_until_signal(app)
    finally:
        await backend.stop()
    # Its database goes with the temporary folder: the report stays, and we say where.
    _write_report(store, config, app.runbook, clock.now(), scenario.name)
    return code


def _write_report(store: Store, config: Config, runbook: Runbook, now: datetime,
                  scenario: str) -> None:
    from autus_tui.services.demo_report import DemoReportError, write_demo_report

    try:
        path = write_demo_report(store, config, runbook, now, scenario)
    except DemoReportError as error:
        _error(f"the rehearsal's report was not kept: {error}")
        return
    sys.stdout.write(f"autus-tui demo: the rehearsal's report is in {path}\n")
    sys.stdout.flush()


def _error(message: str) -> None:
    say_error("autus-tui", message)
