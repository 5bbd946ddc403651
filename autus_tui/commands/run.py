"""``autus-tui run``: the control room against the configured backend.

It runs on the database and clock ``services.session.open_store(config)`` opens (live: the
wall clock; in rehearsal: the clock stored in the database, shared by every process on the
file). A bad runbook is refused before the database opens; a database that cannot be used
(corrupt, not SQLite, too new, unwritable) is one line on stderr naming the file, exit 1,
nothing overwritten.
"""

from __future__ import annotations

from autus_tui.commands.console import say_error
from autus_tui.commands.exit_codes import EXIT_FAIL, EXIT_OK
from autus_tui.core.config import Config
from autus_tui.services.session import open_store
from autus_tui.store import StoreError


def run_control_room(config: Config) -> int:
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
        app.run()
    finally:
        store.close()
    return app.return_code or EXIT_OK


def _error(message: str) -> None:
    say_error("autus-tui", message)
