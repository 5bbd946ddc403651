"""``autus-tui check``: validate the configuration and the runbooks without running.

Exit 0 valid (a summary on stdout), 1 invalid (one line on stderr naming the file, key and
problem, raised as ``ConfigError``/``RunbookError`` and printed by ``cli``).
"""

from __future__ import annotations

from autus_tui.commands.exit_codes import EXIT_OK
from autus_tui.core.config import Config
from autus_tui.core.probe_config import probes_for
from autus_tui.services.incident_files import load_matrix
from autus_tui.services.runbook_files import load_runbooks


def run_check(config: Config) -> int:
    runbook = load_runbooks(config)
    print("configuration ok")
    print(f"runbooks ok: {len(runbook.slots)} slots, {len(runbook.items)} items "
          f"({', '.join(runbook.sources)})")
    probes = probes_for(config, [item.id for item in runbook.items])
    print(f"probes ok: {len(probes)} ({sum(not p.configured for p in probes)} not configured)")
    matrix = load_matrix(config)
    print(f"incident matrix ok: {len(matrix.severities)} severities, "
          f"{len(matrix.rows)} situations ({matrix.source})")
    return EXIT_OK
