"""Writing Markdown files from the control room (handover export, launch-day report).

Where: next to the database (``export_path``: ``handover-20261127-180512.md``,
``report-…``), named by the launch-zone clock time, or in ``[report] folder`` when
configured (made on first use, private). The database's folder is the one place every
paired operator can reach and is already kept from other users; the file gets the
database file's permission bits, so an export is exactly as private as the data it came
from. The working directory of whoever pressed the key would scatter files.

``export_report(node, store, config, runbook, now)`` writes the launch-day report.
``start_export(node, label, path, produce)`` runs ``produce()`` (may read the store:
``collect_report`` reads many rows) and the write in a thread worker, then posts
``ExportDone`` to ``node`` with the path, or the reason in words when it could not be
written ("cannot write … : Permission denied"). Never raises into the UI.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path

from textual.dom import DOMNode
from textual.message import Message

from autus_tui.core.config import Config
from autus_tui.core.rehearsal_mark import with_banner
from autus_tui.core.runbook import Runbook
from autus_tui.store import Store, StoreError

DEFAULT_MODE = 0o600


class ExportDone(Message):
    def __init__(self, label: str, path: Path, error: str | None = None) -> None:
        super().__init__()
        self.label = label
        self.path = path
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None


def export_folder(store: Store, folder: str | None = None) -> Path:
    """``folder`` (``[report] folder``), else the database's folder."""
    if not folder:
        return store.path.parent
    try:
        return Path(folder).expanduser()
    except RuntimeError:  # ~someone unknown: the write then fails, naming the path
        return Path(folder)


def export_path(store: Store, kind: str, now: datetime, zone: tzinfo,
                folder: str | None = None) -> Path:
    stamp = now.astimezone(zone).strftime("%Y%m%d-%H%M%S")
    return export_folder(store, folder) / f"{kind}-{stamp}.md"


def write_private(path: Path, text: str, like: Path | None = None) -> None:
    """Write ``text`` to ``path`` with the permission bits of ``like`` (else 0600)."""
    mode = DEFAULT_MODE
    if like is not None:
        with contextlib.suppress(OSError):  # gone or unreadable: keep it private
            mode = like.stat().st_mode & 0o666
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def start_export(node: DOMNode, label: str, path: Path, produce: Callable[[], str],
                 like: Path | None = None) -> None:
    """In a rehearsal (the app's ``rehearsal``) the file starts with the REHEARSAL banner
    (``core.rehearsal_mark``), whatever it is."""
    rehearsal = bool(getattr(node.app, "rehearsal", False))

    def marked() -> str:
        text = produce()
        return with_banner(text) if rehearsal else text

    def work() -> None:
        node.post_message(_export(label, path, marked, like))

    node.run_worker(work, name=f"export: {label}", group="export", thread=True,
                    exit_on_error=False)


def _export(label: str, path: Path, produce: Callable[[], str], like: Path | None) -> ExportDone:
    try:
        text = produce()
    except StoreError as error:
        return ExportDone(label, path, f"cannot read the database for the {label}: {error}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, text, like)
    except OSError as error:
        return ExportDone(label, path,
                          f"cannot write the {label} to {path}: {error.strerror or error}")
    return ExportDone(label, path)


def export_report(node: DOMNode, store: Store, config: Config, runbook: Runbook,
                  now: datetime) -> Path:
    """Write the launch-day report next to the database in a worker; returns the path."""
    from autus_tui.core.day_report import render
    from autus_tui.services.report_data import collect_report

    if getattr(node.app, "rehearsal", False):  # a rehearsal's report says so in its head
        config = replace(config, rehearsal=True)

    def produce() -> str:
        # On the app's Store (its reads are short and locked one at a time), never a second
        # Store: opening one reads the file with a plain open()/close(), which drops this
        # process's SQLite locks on it (the other process's exit then checkpointed and
        # removed the WAL under us, splitting the file).
        return render(collect_report(store, config, runbook, now))

    target = export_path(store, "report", now, config.launch.zone, config.report.folder)
    start_export(node, "report", target, produce, like=store.path)
    return target
