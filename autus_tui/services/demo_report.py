"""The demo's report, written where the user finds it after quitting.

``demo`` keeps its rehearsal database in a temporary folder that is removed on exit, so
its report (``core.day_report``, with the REHEARSAL banner) is written on the way out to
``~/autus-demo-reports/`` (made private on first use), else to the current folder when
the home folder cannot be written. The name says what and when:
``demo-outage-20261127-093512.md`` (the scenario and the wall-clock local time of the exit;
``-2``, ``-3``… when taken, never overwriting). ``write_demo_report`` returns the path, or
raises ``DemoReportError`` with one line saying why nothing could be written.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime
from pathlib import Path

from autus_tui.core.config import Config
from autus_tui.core.day_report import render
from autus_tui.core.runbook import Runbook
from autus_tui.services.report_data import collect_report
from autus_tui.store import Store, StoreError

FOLDER = "autus-demo-reports"
MAX_TRIES = 100


class DemoReportError(Exception):
    """Why the demo's report could not be written (one line)."""


def demo_folders() -> list[Path]:
    """Where the report may go, in order: ``~/autus-demo-reports``, the current folder."""
    folders = []
    with contextlib.suppress(RuntimeError):  # no home folder known
        folders.append(Path.home() / FOLDER)
    folders.append(Path.cwd())
    return folders


def _name(scenario: str, moment: datetime, n: int) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(scenario).stem).strip("-.") or "demo"
    suffix = f"-{n}" if n > 1 else ""
    return f"demo-{safe}-{moment:%Y%m%d-%H%M%S}{suffix}.md"


def _write_new(folder: Path, scenario: str, moment: datetime, text: str) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(1, MAX_TRIES + 1):
        path = folder / _name(scenario, moment, n)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path
    raise FileExistsError(f"{MAX_TRIES} reports of that second already there")


def write_demo_report(
    store: Store, config: Config, runbook: Runbook, now: datetime, scenario: str,
    wall: datetime | None = None,
) -> Path:
    """Write the report of the demo's database (see the module doc)."""
    try:
        text = render(collect_report(store, config, runbook, now))
    except StoreError as error:
        raise DemoReportError(f"could not read the rehearsal database: {error}") from None
    moment = (wall or datetime.now()).astimezone()
    problems = []
    for folder in demo_folders():
        try:
            return _write_new(folder, scenario, moment, text)
        except OSError as error:
            problems.append(f"{folder}: {error.strerror or error}")
    raise DemoReportError("could not write the report (" + "; ".join(problems) + ")")
