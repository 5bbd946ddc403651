"""What the control room imports to start: only what a quiet launch day's screen needs.

Every module imported at start is paid for by each start (the first frame, issue 10's
<= 0.35 s) and kept for the whole run (RSS, <= 60 MB). Dialogs, screens other than the
room, the rollback runner and its process checks are imported when first used. This
guards that split; the benchmark (``benchmarks/bench_control_room.py``) measures it.
"""

from __future__ import annotations

import subprocess
import sys

# Imported when first used (a key, a palette command, a rollback intent), never at start.
ON_FIRST_USE = (
    "autus_tui.services.rollback_liveness",
    "autus_tui.services.rollback_planning",
    "autus_tui.services.rollback_runner",
    "autus_tui.ui.dialogs.declare",
    "autus_tui.ui.dialogs.incident_reason",
    "autus_tui.ui.dialogs.not_applicable",
    "autus_tui.ui.dialogs.note",
    "autus_tui.ui.dialogs.probe_results",
    "autus_tui.ui.dialogs.rollback_plan_dialog",
    "autus_tui.ui.dialogs.rollback_run_view",
    "autus_tui.ui.screens.handover",
    "autus_tui.ui.screens.incident_panel",
    "autus_tui.ui.screens.timeline",
    "sqlite_utils",
)


def test_starting_the_control_room_imports_no_dialog_screen_or_rollback_runner() -> None:
    code = ("import sys, autus_tui.cli, autus_tui.commands.run, autus_tui.ui.app\n"
            f"print(sorted(set({ON_FIRST_USE!r}) & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
