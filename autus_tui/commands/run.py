"""``autus-tui run``: the control room against the configured backend.

It runs on the database and clock ``services.session.open_store(config)`` opens (live: the
wall clock; in rehearsal: the clock stored in the database, shared by every process on the
file). A bad runbook is refused before the database opens; a database that cannot be used
(corrupt, not SQLite, too new, unwritable) is one line on stderr naming the file, exit 1,
nothing overwritten. Without a terminal (stdin or stdout not a tty) it refuses in one
line, exit 1; SIGTERM, SIGHUP and SIGINT end it cleanly, exit 0 (``commands.terminal``).
"""

from __future__ import annotations

import asyncio

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_OK
from autus_tui.commands.terminal import run_until_signal, terminal_problem
from autus_tui.core.config import Config
from autus_tui.services.session import open_store
from autus_tui.store import StoreError


def run_control_room(config: Config) -> int:
    problem = terminal_problem("run")
    if problem is not None:
        _error(problem)
        return EXIT_FAIL
    from autus_tui.services.runbook_files import load_runbooks
    from autus_tui.ui.app import ControlRoom

    runbook = load_runbooks(config)  # a bad runbook is refused before the database opens
    try:
        store, clock = open_store(config)
    except StoreError as error:
        _error(str(error))
        return EXIT_FAIL
    try:
        app = ControlRoom(config, clock, store=store, runbook=runbook)
        return asyncio.run(run_until_signal(app)) or EXIT_OK
    finally:
        store.close()


def _error(message: str) -> None:
    say_error("autus-tui", message)
