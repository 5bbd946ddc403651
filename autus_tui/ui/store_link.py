"""The control room's link to its database: the recorder, the store watcher, pairing.

``StoreLink(app, store, config, clock, poll=...)`` makes, when there is a store:
- ``recorder``: this process's ``Recorder`` (with ``poll``), which holds the poller lease
  when it can, writes each poll and beats presence. ``start_recorder()`` (from the app's
  Load, before the first frame) runs it as a task; a poll it committed is posted to the
  app as ``PollRecorded``, and its end as ``PollerStopped``.
- ``watcher``: the ``StoreWatcher`` reading the file in a worker (``start_watcher()`` once
  the app is mounted) and posting ``StoreChanged``; its ``poll_feed`` hands over what was
  recorded since the last look.
``pairing()`` reads who is attached and who polls (``None`` when the file cannot be read
now: the watcher says why); ``recheck_pairing()`` is the tick's read, skipped while the
watcher's (``seen_pairing``) is fresh. ``stop()`` ends both, releasing the lease at once.
Without a store all of these are ``None`` and nothing is polled.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from typing import Any

from textual.app import App

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.observations import PollResult
from autus_tui.services.pairing import Pairing, PollFeed, RecorderTask, read_pairing
from autus_tui.services.recorder import Recorder
from autus_tui.store import Store, StoreError
from autus_tui.store.rollbacks import current_run
from autus_tui.ui.messages import PollerStopped, PollRecorded
from autus_tui.ui.store_watch import StoreWatcher

PAIRING_FRESH = 0.9
"""Seconds after the watcher last read who is here during which the tick does not."""


class StoreLink:
    def __init__(self, app: App[Any], store: Store | None, config: Config, clock: Clock, *,
                 poll: bool) -> None:
        self.app, self.store = app, store
        self.recorder = (Recorder(store, config, clock, config.operator, role="ui",
                                  on_poll=lambda poll_id, result: app.post_message(
                                      PollRecorded(poll_id, result)))
                         if store is not None and poll else None)
        self._task: RecorderTask | None = None
        self._pairing_at = -math.inf
        self.watcher: StoreWatcher | None = None
        self.poll_feed: PollFeed | None = None
        if store is not None:
            self.poll_feed = PollFeed(store)
            recorder = self.recorder
            self.watcher = StoreWatcher(store, app.post_message,
                                        pairing=lambda: read_pairing(store, recorder),
                                        rollback=lambda: current_run(store),
                                        polls=self.poll_feed)

    def start_recorder(self) -> None:
        if self.recorder is not None:
            self._task = RecorderTask(
                self.recorder, lambda reason: self.app.post_message(PollerStopped(reason)))
            self._task.start()

    def start_watcher(self) -> None:
        if self.watcher is not None:
            self.watcher.start(self.app)

    def look_now(self) -> None:
        """One's own write: look at the database now rather than at the next watch tick."""
        if self.watcher is not None and self.app.is_running:
            self.watcher.check_now()

    def pairing(self) -> Pairing | None:
        if self.store is None:
            return None
        with contextlib.suppress(StoreError):  # the watcher says what is wrong with it
            return read_pairing(self.store, self.recorder)
        return None

    def seen_pairing(self, pairing: Pairing | None) -> Pairing | None:
        """The watcher read who is here (with a commit): noted, and handed back."""
        if pairing is not None:
            self._pairing_at = time.monotonic()
        return pairing

    def recheck_pairing(self) -> Pairing | None:
        """On the tick: a lease or presence row ages out with no commit to announce it,
        so read it again, unless the watcher just did (commits come with every poll)."""
        if time.monotonic() - self._pairing_at < PAIRING_FRESH:
            return None
        return self.pairing()

    def take(self, poll_id: int) -> bool:
        """This process recorded ``poll_id``: draw it now (``PollFeed.take``)?"""
        return self.poll_feed is not None and self.poll_feed.take(poll_id)

    def split(self, polls: Sequence[tuple[int, PollResult]],
              ) -> tuple[list[PollResult], list[PollResult]]:
        """Polls read from the file: (recorded before this process began, live)."""
        live_from = self.poll_feed.live_from if self.poll_feed is not None else 0
        return ([result for poll_id, result in polls if poll_id <= live_from],
                [result for poll_id, result in polls if poll_id > live_from])

    async def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            await self.watcher.join()
        if self._task is not None:
            # Release the lease and leave, so another process polls at once.
            await self._task.stop()
