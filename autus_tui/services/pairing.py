"""Pairing on one database, as the control room sees it: polls, the poller, who is here.

Polls reach the screen only through the database: the process holding the poller lease
(this one's ``Recorder``, another control room's, or ``autus-tui record``) writes each
poll, and every attached process reads it back. ``PollFeed`` is the store-watcher reader
doing so: its first read is the newest ``HISTORY`` polls (a new screen's sparklines),
every later one the polls recorded since (``samples.polls_since``). Ids only grow, so
nothing is read twice or skipped. The polling process draws its own poll when its
recorder wrote it, before the file brings it back: ``take(poll_id)`` says whether to
apply it (not already read) and moves the reader past it, so no poll is applied twice.

``read_pairing(store, me)`` is the other reader: who else is attached (presence rows seen
within 6 s, this process left out) and who holds the poller lease (a lease past its
expiry is nobody's). It runs whenever the database changed and on the app's 1 s tick
too: a process that died while nothing else was written (a read-only disk) leaves no
commit to notice, yet its lease must stop being shown within a second of expiring.

``RecorderTask`` runs this process's ``Recorder`` as a task of the app's loop and stops
it cleanly (lease released, presence row removed) when the app unmounts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from autus_tui.core.observations import PollResult
from autus_tui.core.series import HISTORY
from autus_tui.core.text import clean
from autus_tui.services.recorder import Recorder
from autus_tui.store import Store, StoreError, presence, samples
from autus_tui.store import lease as leases

STOP_WAIT = 5.0
"""Seconds the app waits at exit for the recorder to release the lease and leave."""


class PollFeed:
    """Store-watcher reader: the polls this screen has not applied yet, oldest first, as
    ``(id, result)``. ``live_from``: the newest poll id when the feed was made (at the
    process's start); polls up to it were recorded before, later ones are live."""

    def __init__(self, store: Store, history: int = HISTORY) -> None:
        self.store = store
        self.history = history
        self.last_id: int | None = None
        self.live_from = samples.last_poll_id(store)

    def __call__(self) -> list[tuple[int, PollResult]]:
        if self.last_id is None:
            rows = samples.latest_polls(self.store, self.history)
        else:
            rows = samples.polls_since(self.store, self.last_id)
        if rows:
            self.last_id = rows[-1][0]
        elif self.last_id is None:
            self.last_id = 0
        return rows

    def take(self, poll_id: int) -> bool:
        """This process recorded poll ``poll_id``: apply it now (True), or it was read
        already or the first read is still to come, which brings it (False). The reader
        will not return it again after True."""
        if self.last_id is None or poll_id <= self.last_id:
            return False
        self.last_id = poll_id
        return True


@dataclass(frozen=True)
class Pairing:
    others: tuple[str, ...]
    """Everyone else attached: operator names, sorted; a headless recorder as 'name (rec)'."""
    poller: str | None
    """The operator whose process holds a live poller lease; ``None``: nobody polls."""
    polling_here: bool
    here_state: str | None = None
    """This process's recorder: ``Recorder.state`` (``retrying`` after a store error)."""


def holder_operator(holder: str) -> str:
    """``host:pid:operator[/n]`` (``recorder.holder_id``) → ``operator``."""
    parts = holder.split(":", 2)
    name = parts[2] if len(parts) == 3 else holder
    base, _, number = name.rpartition("/")
    return clean(base if base and number.isdigit() else name, 24)


def read_pairing(store: Store, me: Recorder | None,
                 now: Callable[[], float] = time.time) -> Pairing:
    moment = now()
    mine = me.member.id if me is not None else None
    names = set()
    for member in presence.attached(store, moment):
        if member.id == mine:
            continue
        name = clean(member.operator, 24)
        names.add(name if member.role == "ui" else f"{name} (rec)")
    state = me.state if me is not None else None
    lease = leases.current(store)
    if lease is None or not lease.live(moment):  # older than its TTL: gone
        return Pairing(tuple(sorted(names)), None, False, state)
    here = me is not None and lease.holder == me.holder
    return Pairing(tuple(sorted(names)), holder_operator(lease.holder), here, state)


class RecorderTask:
    """This process's recorder, run on the app's loop; ``on_end`` hears why it ended."""

    def __init__(self, recorder: Recorder, on_end: Callable[[str], object]) -> None:
        self.recorder = recorder
        self.on_end = on_end
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="control-room-recorder")

    async def _run(self) -> None:
        try:
            await self.recorder.run()
        except StoreError as error:
            self.on_end(f"recording stopped: {error}")
        except Exception as error:  # a recorder fault must not take the screen down
            self.on_end(f"recording stopped: {type(error).__name__}: {error}")

    async def stop(self) -> None:
        """Stop polling, release the lease, leave; bounded by ``STOP_WAIT``."""
        self.recorder.stop()
        if self.task is None:
            return
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(self.task, STOP_WAIT)  # on timeout: cancelled, still releases
