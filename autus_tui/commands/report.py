"""``autus-tui report``: the launch-day report in Markdown, to stdout or a file;
``--d1``: the D+1 morning review instead (``core.d1_review``).

Exit 0 written, 1 with one line on stderr (no database, unusable file, cannot write).
The database is read from a private read-only copy (``store.readonly``): the file, its
``-wal`` and ``-shm`` are left byte for byte as they were, and a report never creates one.
A rehearsal database's report says REHEARSAL whether or not ``--rehearsal`` was given.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from autus_tui.commands.console import say_error
from autus_tui.core.clock import utc_now
from autus_tui.core.config import UNKNOWN_HOME, Config
from autus_tui.core.d1_review import render_d1
from autus_tui.core.day_report import render
from autus_tui.services.report_data import collect_report
from autus_tui.store import StoreError, read_rehearsal_clock, resolve_db_path
from autus_tui.store.mode import REHEARSAL, read_mode
from autus_tui.store.readonly import ReadOnlyStore


def run_report(config: Config, out: str | None, *, d1: bool = False) -> int:
    """``autus-tui report``: exit 0 written, 1 with one line on stderr."""
    from autus_tui.services.runbook_files import load_runbooks

    runbook = load_runbooks(config)
    try:
        path = resolve_db_path(config.db, config.rehearsal)
        if not path.exists():
            return _fail(f"{path}: no such database (pass the recorded one with --db)")
        with ReadOnlyStore(path) as store:
            clock = read_rehearsal_clock(store)
            now = clock.now() if clock is not None else utc_now()
            if read_mode(store) == REHEARSAL:
                config = replace(config, rehearsal=True)
            data = collect_report(store, config, runbook, now, d1=d1)
            text = render_d1(data) if d1 else render(data)
    except StoreError as error:
        return _fail(str(error))
    except OSError as error:  # the path itself is unusable (a name too long...)
        return _fail(f"{config.db}: {error.strerror or error}")
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        Path(out).expanduser().write_text(text, encoding="utf-8")
    except OSError as error:
        return _fail(f"cannot write the report to {out}: {error.strerror or error}")
    except RuntimeError:  # ~someone that does not exist
        return _fail(f"cannot write the report to {out}: {UNKNOWN_HOME}")
    return 0


def _fail(message: str) -> int:
    say_error("autus-tui report", message)
    return 1
