"""Opening a run's database and its clock: shared by the control room and the recorder.

``open_store(config)`` opens (creates, checks, migrates) the database at
``resolve_db_path(config.db, config.rehearsal)`` and returns it with the clock every
write and every screen uses. Live, that is the wall clock. In rehearsal it is the clock
stored in the database (``load_or_start_rehearsal_clock``), so every process on the file
shares one simulated time and a restart continues it: ``--clock`` (a naive time is read
in the launch timezone) restarts it there, ``--speed`` changes its pace; without either a
restart keeps the stored time and pace. The clock returned is a ``SharedClock``: it
follows the stored clock when another process changes it, and it is the store's clock
too, so every write is stamped with it (a process joining without ``--clock`` uses the
stored clock, never the wall clock). The launch day is settled in the database on first
use (``services.launch_day``): a later start does not move it.

The file is marked live or rehearsal for good when first opened (``store.mode``); a
rehearsal file opened live, or a live one as a rehearsal, raises ``StoreError``.

A database that cannot be used raises ``StoreError`` (nothing is overwritten); callers
turn it into one line on stderr. No Textual here: ``autus-tui record`` is headless.
"""

from __future__ import annotations

from autus_tui.core.clock import Clock, ScaledClock, WallClock
from autus_tui.core.config import Config
from autus_tui.services.launch_day import settle_launch_date
from autus_tui.services.shared_clock import SharedClock
from autus_tui.store import Store, load_or_start_rehearsal_clock, resolve_db_path
from autus_tui.store.mode import claim_mode

__all__ = ["open_store"]


def open_store(config: Config) -> tuple[Store, Clock]:
    """The database of this run and the clock every write and the header use."""
    store = Store(resolve_db_path(config.db, config.rehearsal), WallClock())
    try:
        claim_mode(store, config.rehearsal)
    except BaseException:
        store.close()
        raise
    try:
        if config.rehearsal:
            store.clock = SharedClock(store, _rehearsal_clock(store, config))
        settle_launch_date(store, config, store.clock.now(), config.operator)
    except BaseException:
        store.close()
        raise
    return store, store.clock


def _rehearsal_clock(store: Store, config: Config) -> ScaledClock:
    start = config.clock
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=config.launch.zone)
    return load_or_start_rehearsal_clock(store, start, config.speed, operator=config.operator)
