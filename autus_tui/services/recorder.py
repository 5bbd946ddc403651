"""The recorder: one poller per database, every poll and level change written once.

``Recorder(store, config, clock, operator).run()`` runs until ``stop()`` (or until the
store fails for good). Every ``renew_every`` (1 s) it tries to hold the database's
poller lease (``store.lease``, TTL 3 s). While it holds it, a ``Poller`` polls the
backend and each ``PollResult`` is written (``store.samples``) together with the level
changes it causes (``metric.level`` events: ``core.held``'s rule, applied by
``MetricTracker``s to the recorded polls, as every screen applies it) in one
transaction that first checks the lease is still ours — so only the holder records,
and a level change is recorded once, whoever is attached. When the lease is lost it
stops polling; on a clean exit it releases the lease, so another process takes over at
once (after a ``kill -9``: within TTL + 1 s).

Every step (1 s) it also runs the escalation step (``services.escalation_firing.fire_due``:
levels due fire once across all processes), and a ``Notifier`` task delivers the outbox,
so the ladder and its notices go on with no screen open. It also heartbeats this
process's presence row (``store.presence``, every 2 s, removed
on exit) and, while holding, folds raw polls older than 2 h into minute rollups, one
bounded batch a minute.

Every process attached to a file runs one: the control room (``role="ui"``) and
``autus-tui record`` (``role="recorder"``, headless, ``commands.record``). Screens render from
the database (``samples.polls_since``); the process that polls also hears of each poll
it recorded the moment the write committed (``on_poll(poll_id, result)``), so it draws
its own poll at once rather than after the file round trip, and skips that id when the
file brings it back (``services.pairing.PollFeed.take``).

Store calls run in worker threads (``asyncio.to_thread``): a write waiting for another
process's lock never blocks the event loop. ``StoreBusy`` is waited out (the lease is
kept while it is still live). Any other ``StoreError`` (a full disk, a read-only
filesystem) stops polling and is tried again with back-off (``services.retry``, 1 s
doubling to 30 s), said once and again when it recovers; ``state`` is ``retrying`` in
the meantime (the header's ``poll:retrying``). Only ``StoreReplaced`` — the path names
another file, or none — ends ``run`` by raising it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.series import HISTORY, LevelChange, MetricTracker, feed, stale_window
from autus_tui.core.text import clean
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.notifier import Notifier
from autus_tui.services.retry import RETRY_FIRST, RETRY_MOST, Backoff
from autus_tui.services.shared_clock import follow
from autus_tui.store import StoreBusy, StoreError, StoreReplaced, presence, samples
from autus_tui.store import lease as leases
from autus_tui.store.store import Store, Transaction

LEVEL_EVENT = "metric.level"
FOLD_EVERY = 60.0
PRIME_POLLS = HISTORY
"""Recorded polls that rebuild the metric levels (a takeover, the handover view): as many
as a screen reads back at start, so both start from the same held levels."""
_instances = itertools.count()
log = logging.getLogger(__name__)


def holder_id(operator: str) -> str:
    """``host:pid:operator`` (``/n`` added for a second recorder in one process)."""
    number = next(_instances)
    base = f"{clean(socket.gethostname(), 64)}:{os.getpid()}:{clean(operator, 64)}"
    return base if number == 0 else f"{base}/{number}"


def stale_seconds(config: Config, clock: Clock) -> float:
    """Clock seconds a value counts for (``core.series.stale_window``, as the panes judge)."""
    return stale_window(config.backend.interval, clock.speed).total_seconds()


def recorded_trackers(
    store: Store, metrics: Sequence[MetricSpec], stale_after: timedelta, interval: float
) -> dict[str, MetricTracker]:
    """One tracker per metric, fed the latest recorded polls: the levels as recorded."""
    trackers = {spec.key: MetricTracker(spec, stale_after, interval=interval)
                for spec in metrics}
    for _id, result in samples.latest_polls(store, PRIME_POLLS):
        feed(trackers, result)
    return trackers


class Recorder:
    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        operator: str,
        *,
        role: str = "recorder",
        ttl: float = leases.TTL,
        renew_every: float = leases.RENEW_EVERY,
        beat_every: float = presence.BEAT_EVERY,
        fold_every: float = FOLD_EVERY,
        keep: timedelta = samples.RAW_KEEP,
        real: Callable[[], float] = time.time,
        on_status: Callable[[str], object] | None = None,
        retry_most: float = RETRY_MOST,
        on_poll: Callable[[int, PollResult], object] | None = None,
    ) -> None:
        self.store, self.config, self.clock = store, config, clock
        self.operator = operator
        self.holder = holder_id(operator)
        self.member = presence.me(operator, role, real())
        self.ttl, self.renew_every, self.beat_every = ttl, renew_every, beat_every
        self.fold_every, self.keep, self.real = fold_every, keep, real
        self.on_status = on_status
        self.on_poll = on_poll
        self.stale_after = stale_seconds(config, clock)
        self.polls_written = 0
        self.error: StoreError | None = None
        """Why ``run`` ended for good (the file was deleted or replaced)."""
        self.backoff = Backoff(first=min(renew_every, RETRY_FIRST), most=retry_most)
        self._fault: StoreError | None = None
        self._next_beat = self._next_fold = 0.0
        self._stopping = asyncio.Event()
        self._lost = asyncio.Event()
        self._poll_task: asyncio.Task[None] | None = None
        self._expires = 0.0
        self._trackers: dict[str, MetricTracker] = {}

    @property
    def holding(self) -> bool:
        """Polling under a lease (as far as this process knows)."""
        return self._poll_task is not None

    def stop(self) -> None:
        """Ask ``run`` to end: it stops polling, releases the lease and leaves."""
        self._stopping.set()

    @property
    def state(self) -> str:
        """``polling`` (holding the lease), ``waiting`` (another holds it), ``retrying``
        (a store error, tried again with back-off) or ``stopped``."""
        if self.error is not None or self._stopping.is_set():
            return "stopped"
        if self.backoff.fault is not None:
            return "retrying"
        return "polling" if self.holding else "waiting"

    async def run(self) -> None:
        self._next_beat = self._next_fold = 0.0
        notifier = asyncio.create_task(Notifier(self.store, self.config, self.holder).run(),
                                       name="recorder-notifier")
        try:
            while not self._stopping.is_set():
                now = self.real()
                if self.backoff.due(now):
                    try:
                        await self._step(now)
                    except StoreReplaced as error:  # for good: nothing more is written
                        self.error = error
                        break
                    except StoreError as error:  # may go away (a disk freed): retry
                        await self._failed(now, error)
                    else:
                        if self.backoff.succeeded():
                            self._status("the database answers again: recording resumed")
                await self._pause()
            if self.error is not None:
                raise self.error
        finally:
            notifier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await notifier
            await self._stop_polling(None)
            with contextlib.suppress(StoreError):
                released = await asyncio.to_thread(
                    leases.release, self.store, self.holder, operator=self.operator)
                if released:
                    self._status("released the poller lease")
            with contextlib.suppress(StoreError):
                await asyncio.to_thread(presence.leave, self.store, self.member)

    async def _step(self, now: float) -> None:
        """One round: presence beat, lease renewal, folding; a store error raises."""
        if self._fault is not None:  # a poll write failed since the last round
            fault, self._fault = self._fault, None
            raise fault
        if follow(self.clock) is not None:  # another process changed the shared clock
            self.follow_pace()
        if now >= self._next_beat:
            await self._io(presence.beat, self.store, self.member, now)
            self._next_beat = now + self.beat_every
        await self._renew(now)
        if self.holding and now >= self._next_fold:
            await self._io(samples.fold_old, self.store, self.config.metrics,
                           self.clock.now(), self.keep)
            self._next_fold = now + self.fold_every
        await self._io(fire_due, self.store, self.clock)

    def follow_pace(self) -> None:
        """The clock's pace changed: stale windows are in clock time, so they change too."""
        self.stale_after = stale_seconds(self.config, self.clock)
        for tracker in self._trackers.values():
            tracker.stale_after = timedelta(seconds=self.stale_after)

    async def _failed(self, now: float, error: StoreError) -> None:
        """Stop polling (its writes fail too) and try again later, saying so once."""
        await self._stop_polling(None)
        if self.backoff.failed(now, str(error)):
            self._status(f"{error}; retrying (every {self.backoff.most:g} s at most)")

    # -- the lease ---------------------------------------------------------------------

    async def _renew(self, now: float) -> None:
        try:
            held = await asyncio.to_thread(  # stamped after any wait for the lock
                leases.hold, self.store, self.holder, ttl=self.ttl, operator=self.operator,
                real=self.real)
        except StoreBusy:
            held = self.holding and now < self._expires  # keep going while it is live
        if held:
            self._expires = now + self.ttl
            if not self.holding:
                await self._start_polling()
        elif self.holding:
            await self._stop_polling(await self._other_holder())

    async def _other_holder(self) -> str:
        with contextlib.suppress(StoreError):
            current = await asyncio.to_thread(leases.current, self.store)
            if current is not None and current.holder != self.holder:
                return current.holder
        return "another process"

    async def _start_polling(self) -> None:
        await self._io(self._prime_trackers)
        self._lost.clear()
        self._poll_task = asyncio.create_task(self._poll(), name="recorder-poller")
        backend = self.config.backend
        self._status(f"took the poller lease: polling {clean(backend.url, 200)} every "
                     f"{backend.interval:g} s")

    async def _poll(self) -> None:
        # The poller (and its HTTP client) is made inside the task: a task cancelled
        # before it first runs never enters its body, so a client made outside would
        # never be closed.
        from autus_tui.sources.poller import Poller

        poller = Poller(self.config.backend, self.config.metrics, self.clock,
                        sources=self.config.sources)
        try:
            await poller.run(self._deliver)
        finally:
            await poller.aclose()

    async def _stop_polling(self, lost_to: str | None) -> None:
        task, self._poll_task = self._poll_task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if lost_to is not None:
            self._status(f"lost the poller lease to {clean(lost_to, 200)}: stopped polling")

    async def _pause(self) -> None:
        """Sleep until the next renewal, or at once on stop or a refused poll write."""
        waits = [asyncio.create_task(self._stopping.wait()), asyncio.create_task(self._lost.wait())]
        try:
            await asyncio.wait(waits, timeout=self.renew_every,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        self._lost.clear()

    # -- recording ---------------------------------------------------------------------

    def _prime_trackers(self) -> None:
        """Start from the recorded state, so a takeover does not announce it again."""
        self._trackers = recorded_trackers(self.store, self.config.metrics,
                                           timedelta(seconds=self.stale_after),
                                           self.config.backend.interval)

    async def _deliver(self, result: PollResult) -> None:
        changes = feed(self._trackers, result)
        try:
            written = await asyncio.to_thread(self._write, result, changes)
        except StoreBusy:
            log.warning("poll at %s not recorded: the database stayed locked", result.at)
            return
        except StoreError as error:  # the main loop retries (or stops, if replaced)
            self._fault = error
            self._lost.set()
            return
        if written is None:
            self._lost.set()  # the lease went elsewhere: the main loop stops polling
            return
        self.polls_written += 1
        if self.on_poll is not None:
            self.on_poll(written, result)

    def _write(self, result: PollResult, changes: list[LevelChange]) -> int | None:
        """The poll's id once committed; ``None`` when the lease is no longer ours."""
        with self.store.write() as tx:
            if not leases.holds(tx.conn, leases.POLLER, self.holder, self.real()):
                return None
            poll_id = record_poll(tx, result, changes, self.stale_after, self.holder)
        return poll_id

    # -- helpers -----------------------------------------------------------------------

    async def _io(self, call: Callable[..., Any], *args: Any) -> None:
        """A store call in a thread; busy is waited out, any other StoreError raised."""
        try:
            await asyncio.to_thread(call, *args)
        except StoreBusy:
            log.warning("the database stayed locked; trying again shortly")

    def _status(self, text: str) -> None:
        if self.on_status is not None:
            self.on_status(text)


def record_poll(
    tx: Transaction, result: PollResult, changes: Sequence[LevelChange], stale_after: float,
    holder: str,
) -> int:
    """One poll and the level changes it caused (``metric.level`` events), in ``tx``;
    the poll's id."""
    poll_id = samples.insert_poll(tx.conn, result, stale_after)
    for change in changes:
        tx.event("system", LEVEL_EVENT, change.key, {
            "label": change.label,
            "before": change.before.value if change.before else None,
            "after": change.after.value,
            "value": change.value,
            "holder": holder,
        })
    return poll_id
