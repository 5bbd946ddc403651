"""The store: SQLite (through sqlite-utils) holding the launch day's state and record.

``Store(path, clock)`` opens (checks, migrates) a database file; see ``store.store`` for
threads and change detection, ``store.db`` for file safety and permissions,
``store.migrations`` for the schema, ``store.events`` for the append-only log,
``store.checklist`` for marks, ``store.meta`` for the shared rehearsal clock,
``store.mode`` for the live-or-rehearsal mark every file keeps for good,
``store.samples`` for recorded polls and their rollups, ``store.lease`` for the one
poller per file, ``store.presence`` for who is attached, ``store.notes`` for notes
and handovers, ``store.rollbacks`` for rollback runs and their one-run lock,
``store.incidents`` (and ``store.incident_records``) for incidents and
their fired levels, and ``store.outbox`` for notifications waiting to be sent.
"""

from autus_tui.core.marks import Mark
from autus_tui.store.checklist import MarkResult
from autus_tui.store.db import (
    StoreBusy,
    StoreError,
    default_db_path,
    resolve_db_path,
)
from autus_tui.store.errors import StoreReplaced
from autus_tui.store.events import Event
from autus_tui.store.meta import load_or_start_rehearsal_clock, read_rehearsal_clock
from autus_tui.store.store import Store, Transaction

__all__ = [
    "Event", "Mark", "MarkResult", "Store", "StoreBusy", "StoreError", "StoreReplaced",
    "Transaction",
    "default_db_path", "load_or_start_rehearsal_clock", "read_rehearsal_clock",
    "resolve_db_path",
]
