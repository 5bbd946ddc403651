"""``autus-tui check``: validate the configuration and the runbooks without running.

Exit 0 valid (a summary on stdout), 1 invalid (one line on stderr naming the file, key and
problem, raised as ``ConfigError``/``RunbookError`` and printed by ``cli``).
``check --scenario NAME|FILE`` validates that scenario file only: exit 0 with its
timeline on stdout, 1 with one line naming the file and key, 2 for an unknown name.
"""

from __future__ import annotations

import os

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from autus_tui.core.config import Config
from autus_tui.core.probe_config import probes_for
from autus_tui.services.incident_files import load_matrix
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.sources.feeds import check_feeds


def run_check(config: Config) -> int:
    runbook = load_runbooks(config)
    sources = check_feeds(config, os.environ)
    print("configuration ok")
    print(f"sources ok: {'; '.join(sources)}")
    off = config.sources.switched_off
    if off:
        print(f"switched off: {', '.join(spec.key for spec in off)}")
    print(f"runbooks ok: {len(runbook.slots)} slots, {len(runbook.items)} items "
          f"({', '.join(runbook.sources)})")
    probes = probes_for(config, [item.id for item in runbook.items])
    print(f"probes ok: {len(probes)} ({sum(not p.configured for p in probes)} not configured)")
    matrix = load_matrix(config)
    print(f"incident matrix ok: {len(matrix.severities)} severities, "
          f"{len(matrix.rows)} situations ({matrix.source})")
    return EXIT_OK


def run_check_scenario(name: str) -> int:
    from autus_tui.core.scenario_file import ScenarioError, clock_text
    from autus_tui.sim.scenarios import UnknownScenario, load_scenario

    try:
        scenario = load_scenario(name)
    except UnknownScenario as error:
        say_error("autus-tui check", error)
        return EXIT_USAGE
    except ScenarioError as error:
        say_error("autus-tui check", error)
        return EXIT_FAIL
    file = scenario.file
    if file is None or scenario.name != file.name:  # slow, hostile: modes over calm
        print(f"scenario ok: {scenario.name} ({scenario.description}; a fault mode over calm)")
        return EXIT_OK
    count = len(file.events)
    print(f"scenario ok: {file.source}: {count} event{'s' * (count != 1)}, "
          f"clock starts at {clock_text(file.start)}")
    for event in sorted(file.events, key=lambda e: (e.at, e.number)):
        label = f" — {event.label}" if event.label else ""
        print(f"  {clock_text(event.at)}–{clock_text(event.until)} {event.kind}{label}")
    return EXIT_OK
